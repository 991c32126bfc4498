using System.Diagnostics;
using System.Globalization;
using HoMM.Benchmarks.Dispatch;
using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;
using HoMM.Dispatch.Scheduling;
using HoMM.Storage;
using HoMM.Storage.Sqlite;
using HoMM.StudyFiles;

// benchmarks/dispatch/run:   per-trial overhead of dispatch with a no-op trainer (default 200 trials)
// benchmarks/dispatch/chaos: kill -9 of `homm-search run` N times (default 20), then checks the study
var argsList = args.ToList();
string? Arg(string name) => argsList.IndexOf(name) is >= 0 and var i && i + 1 < argsList.Count ? argsList[i + 1] : null;
var trials = int.Parse(Arg("--trials") ?? "200", CultureInfo.InvariantCulture);
var dir = Path.Combine(Path.GetTempPath(), "homm-dispatch-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(dir);
try
{
    if (Arg("--chaos") is { } kills)
        return await Chaos.RunAsync(dir, Arg("--cli") ?? throw new ArgumentException("--cli <homm-search.dll> is required"), int.Parse(kills, CultureInfo.InvariantCulture), trials);
    return await Overhead.RunAsync(dir, trials, int.Parse(Arg("--slots") ?? "1", CultureInfo.InvariantCulture), wake: !argsList.Contains("--no-wake"));
}
finally
{
    try
    {
        Directory.Delete(dir, recursive: true);
    }
    catch (IOException)
    {
    }
}

internal static class Overhead
{
    private const string NoOp = """
        #!/usr/bin/env bash
        echo "{\"info\":{\"t0\":$EPOCHREALTIME}}"
        echo "{\"final\":{\"val/acc\":$1}}"
        """;

    public static async Task<int> RunAsync(string dir, int trials, int slots, bool wake)
    {
        var script = Path.Combine(dir, "noop.sh");
        File.WriteAllText(script, NoOp);
        var time = TimeProvider.System;
        Console.WriteLine($"dispatch overhead: {trials} trials of a no-op trainer (bash), {slots} slot(s), TPE sampler, SQLite store + Hangfire SQLite queue{(wake ? "" : " (no wake-up: idle workers find a job at their next poll)")}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (shared with other work: compare within this run only)");

        // Anchor, measured before and after the dispatch run: the same script started directly.
        var anchor = new List<(double Startup, double Lifetime)>();
        anchor.AddRange(await AnchorAsync(script, trials / 2));

        var studyPath = Path.Combine(dir, "bench.yaml");
        File.WriteAllText(studyPath, $$"""
            name: dispatch-bench
            objective: {metric: val/acc, direction: maximize}
            search_space:
              x: {type: float, low: 0.0, high: 1.0}
            sampler: {kind: tpe, seed: 1}
            budget: {max_trials: {{trials}}, max_parallel: {{slots}}}
            trainer:
              command: [bash, noop.sh, "{x}"]
              env: {LC_ALL: C}
            resources: {cpu_slots: {{slots}}}
            """);
        var definition = StudyFile.LoadOrThrow(studyPath);
        using var sqlite = await SqliteTrialStore.OpenAsync(Path.Combine(dir, "homm.db"));
        var (store, timing) = TimedStore.Wrap(sqlite, time);
        var (study, _) = await StudyOpener.OpenOrCreateAsync(store, definition);
        var options = new DispatchOptions
        {
            JobStore = JobStoreOptions.SqliteBeside(Path.Combine(dir, "homm.db")) with { WakeOnEnqueue = wake },
            RunsDirectory = Path.Combine(dir, "runs"),
        };
        var started = Stopwatch.GetTimestamp();
        var end = await new StudyDriver(store, study, definition, options).RunAsync(CancellationToken.None);
        var wall = Stopwatch.GetElapsedTime(started);

        anchor.AddRange(await AnchorAsync(script, trials - (trials / 2)));

        var rows = new List<(double AskToStart, double StartToCommit, double AskToCommit)>();
        var phases = new List<(double Ask, double Queue, double Start)>();
        foreach (var t in (await sqlite.GetTrialsAsync(study.Id)).Trials)
        {
            if (t.State != TrialState.Complete)
                throw new InvalidOperationException($"trial {t.Number} is {t.State}: {t.FailReason}");
            var attrs = await sqlite.GetTrialAttrsAsync(t.Id, AttrScope.System);
            var t0 = attrs["info/t0"].GetDouble();
            var ask = timing.AskStarted[t.Id];
            var commit = timing.Committed[t.Id];
            rows.Add((t0 - ask, commit - t0, commit - ask));
            // The job's first delivery asks the store for the trial (GetTrialAsync by id; the driver reads trials in pages).
            if (timing.Delivered.TryGetValue(t.Id, out var delivered))
                phases.Add((timing.Created[t.Id] - ask, delivered - timing.Created[t.Id], t0 - delivered));
        }

        var startup = Median(anchor.Select(a => a.Startup));
        var askToStart = Median(rows.Select(r => r.AskToStart));
        var startToCommit = Median(rows.Select(r => r.StartToCommit));
        var askToCommit = Median(rows.Select(r => r.AskToCommit));
        var overheads = rows.Select(r => r.AskToCommit - startup).ToList();
        var overhead = Median(overheads);
        Console.WriteLine($"driver ended: {end}; {rows.Count} trials in {wall.TotalSeconds:0.0} s ({wall.TotalMilliseconds / rows.Count:0} ms per trial, wall)");
        Console.WriteLine();
        Console.WriteLine("| per trial (median, ms) | value | p90 |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| ask → trainer running (sampler, trial written, Hangfire job delivered, trial claimed, attempt recorded, process started) | {askToStart * 1e3:0.0} | {P90(rows.Select(r => r.AskToStart)) * 1e3:0.0} |");
        Console.WriteLine($"| … of which ask → trial written (reads, sampler, insert) | {Median(phases.Select(p => p.Ask)) * 1e3:0.0} | {P90(phases.Select(p => p.Ask)) * 1e3:0.0} |");
        Console.WriteLine($"| … trial written → job delivered (Hangfire: job created, fetched, Processing) | {Median(phases.Select(p => p.Queue)) * 1e3:0.0} | {P90(phases.Select(p => p.Queue)) * 1e3:0.0} |");
        Console.WriteLine($"| … job delivered → trainer running (claim, slot, attempt, trial folder, process start) | {Median(phases.Select(p => p.Start)) * 1e3:0.0} | {P90(phases.Select(p => p.Start)) * 1e3:0.0} |");
        Console.WriteLine($"| trainer running → result committed | {startToCommit * 1e3:0.0} | {P90(rows.Select(r => r.StartToCommit)) * 1e3:0.0} |");
        Console.WriteLine($"| ask → result committed | {askToCommit * 1e3:0.0} | {P90(rows.Select(r => r.AskToCommit)) * 1e3:0.0} |");
        Console.WriteLine($"| anchor: process start-up of the same trainer started directly (spawn → running) | {startup * 1e3:0.0} | {P90(anchor.Select(a => a.Startup)) * 1e3:0.0} |");
        Console.WriteLine($"| anchor: its whole life (spawn → exited) | {Median(anchor.Select(a => a.Lifetime)) * 1e3:0.0} | {P90(anchor.Select(a => a.Lifetime)) * 1e3:0.0} |");
        Console.WriteLine($"| **dispatch overhead** = ask → committed − anchor start-up | **{overhead * 1e3:0.0}** | {P90(overheads) * 1e3:0.0} |");
        Console.WriteLine();
        Console.WriteLine($"target: overhead ≤ 100 ms → {(overhead <= 0.100 ? "met" : "NOT met")} (ratio to the target {overhead / 0.100:0.00})");
        return overhead <= 0.100 ? 0 : 1;
    }

    private static async Task<List<(double Startup, double Lifetime)>> AnchorAsync(string script, int count)
    {
        var result = new List<(double, double)>();
        for (var i = 0; i < count; i++)
        {
            var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
            info.ArgumentList.Add(script);
            info.ArgumentList.Add("0.5");
            info.Environment["LC_ALL"] = "C";
            var spawn = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalSeconds;
            using var p = Process.Start(info)!;
            var first = await p.StandardOutput.ReadLineAsync();
            await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            var exited = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalSeconds;
            var t0 = double.Parse(first!.Split(':')[2].TrimEnd('}'), CultureInfo.InvariantCulture);
            result.Add((t0 - spawn, exited - spawn));
        }
        return result;
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[(v.Count / 2) - 1] + v[v.Count / 2]) / 2;
    }

    private static double P90(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v[Math.Min(v.Count - 1, (int)Math.Ceiling(0.9 * v.Count) - 1)];
    }
}
