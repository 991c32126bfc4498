using System.Diagnostics;
using System.Globalization;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Sqlite;

namespace HoMM.Benchmarks.Dispatch;

/// <summary>
/// Starts <c>homm-search run</c> on a study of a fast python trainer, kills it with SIGKILL at a
/// random moment while trainers run, N times, lets a last run finish, and checks the study: exactly
/// max_trials finished, none run to completion twice, no completed result lost, no trainer left.
/// </summary>
internal static class Chaos
{
    public static async Task<int> RunAsync(string dir, string cli, int kills, int maxTrials)
    {
        // The same resumable python trainer the run tests use (tests/Shared/resumable_trainer.py).
        File.Copy(Path.Combine(AppContext.BaseDirectory, "resumable_trainer.py"), Path.Combine(dir, "train.py"));
        var events = Path.Combine(dir, "events.log");
        var study = Path.Combine(dir, "chaos.yaml");
        File.WriteAllText(study, $$"""
            name: chaos
            objective: {metric: val/acc, direction: maximize}
            search_space:
              x: {type: float, low: 0.0, high: 1.0}
            sampler: {kind: tpe, seed: 9, constant_liar: true}
            pruner: {kind: median, n_startup_trials: 5}
            budget: {max_trials: {{maxTrials}}, max_parallel: 2}
            trainer:
              command: [python3, train.py, "{x}"]
              env: {EVENTS: "{{events}}"}
            resources: {cpu_slots: 2}
            """);
        var random = new Random(42);
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"chaos: {kills} × kill -9 of `homm-search run` at random moments while trainers run, then a final run; max_trials {maxTrials}");
        for (var i = 0; i < kills; i++)
        {
            using var run = Start(cli, study, dir);
            var before = Starts(events);
            for (var w = 0; w < 400 && Starts(events) == before && !run.HasExited; w++)
                await Task.Delay(25);
            await Task.Delay(random.Next(0, 1500));
            var killed = !run.HasExited;
            if (killed)
                run.Kill(entireProcessTree: false);
            await run.WaitForExitAsync();
            Console.WriteLine($"  run {i + 1}: {(killed ? "killed (SIGKILL)" : $"ended by itself (exit {run.ExitCode})")} at {clock.Elapsed.TotalSeconds:0.0} s");
        }
        using (var final = Start(cli, study, dir))
        {
            await final.WaitForExitAsync();
            Console.WriteLine($"  final run: exit {final.ExitCode} at {clock.Elapsed.TotalSeconds:0.0} s");
        }

        using var store = await SqliteTrialStore.OpenAsync(Path.Combine(dir, "homm.db"));
        var record = (await store.GetStudyAsync("chaos"))!;
        var trials = (await store.GetTrialsAsync(record.Id)).Trials;
        var finished = trials.Count(t => t.State is TrialState.Complete or TrialState.Pruned or TrialState.Fail);
        var lost = 0;
        var completedTwice = 0;
        var attemptsTotal = 0;
        foreach (var t in trials)
        {
            var attempts = await store.GetAttemptsAsync(t.Id);
            attemptsTotal += attempts.Count;
            if (t.State == TrialState.Complete && Math.Abs(t.Value!.Value - (double)t.Params["x"]) > 1e-12)
                lost++;
            if (attempts.Count(a => a.Reason == "completed") > 1 || attempts.Any(a => t.Finished is { } f && a.Started > f))
                completedTwice++;
        }
        var lines = File.ReadAllLines(events).Select(l => l.Split(' ')).ToList();
        var finalTwice = lines.Where(f => f[0] == "final").GroupBy(f => f[1]).Count(g => g.Count() > 1);
        await Task.Delay(500);
        var alive = lines.Select(f => int.Parse(f[2], CultureInfo.InvariantCulture)).Distinct().Count(IsAlive);
        Console.WriteLine();
        Console.WriteLine($"| check | result |");
        Console.WriteLine($"|---|---|");
        Console.WriteLine($"| trials / finished (max_trials {maxTrials}) | {trials.Count} / {finished} ({trials.Count(t => t.State == TrialState.Complete)} complete, {trials.Count(t => t.State == TrialState.Pruned)} pruned, {trials.Count(t => t.State == TrialState.Fail)} failed) |");
        Console.WriteLine($"| trainer starts / attempts recorded | {lines.Count(f => f[0] == "start")} / {attemptsTotal} |");
        Console.WriteLine($"| trials run again after their result was committed (two completed attempts, or an attempt started after the commit) | {completedTwice} |");
        Console.WriteLine($"| trials whose trainer finished but whose run was killed before it committed the result, so the trial ran again (at-least-once; not a failure) | {finalTwice} |");
        Console.WriteLine($"| completed results lost or wrong | {lost} |");
        Console.WriteLine($"| trainer processes left running | {alive} |");
        var ok = trials.Count == maxTrials && finished == maxTrials && completedTwice == 0 && lost == 0 && alive == 0;
        Console.WriteLine(ok ? "chaos: all checks passed" : "chaos: CHECKS FAILED");
        return ok ? 0 : 1;
    }

    private static int Starts(string events) => File.Exists(events) ? File.ReadAllLines(events).Count(l => l.StartsWith("start", StringComparison.Ordinal)) : 0;

    private static Process Start(string cli, string study, string dir)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        foreach (var a in new[] { cli, "run", study, "--db", Path.Combine(dir, "homm.db") })
            info.ArgumentList.Add(a);
        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
