using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using HoMM.Cli.Control;
using HoMM.Cli.Tests.Run;
using HoMM.Core.Trials;
using HoMM.Dashboard;
using HoMM.Storage;
using HoMM.Storage.Sqlite;

namespace HoMM.Cli.Tests.Control;

/// <summary>
/// A real <c>homm-search run</c> whose first two trials hang (a shell and its child, in one process
/// group, both ignoring the stop line): one is cancelled with the <c>cancel</c> command, the other
/// from the dashboard. Each trainer's whole process group is gone within 5 s, the study goes on to
/// spend its budget on other trials, and the cancelled ones never run again.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CancelEndToEndTests : IDisposable
{
    private const string Trainer = """
        echo "start $HOMM_TRIAL_NUMBER $$" >> "$EVENTS"
        if [ "$1" = hang ]; then sleep 600 & wait; fi
        echo '{"step":1,"metrics":{"val/acc":0.5}}'
        echo '{"final":{"val/acc":0.5}}'
        """;

    private readonly RunFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Cancel_RunningTrialsFromCliAndDashboard_GroupsGoneWithin5sStudyGoesOn()
    {
        File.WriteAllText(Path.Combine(_folder.Dir, "trainer.sh"), Trainer);
        var studyPath = Path.Combine(_folder.Dir, "cancel.yaml");
        File.WriteAllText(studyPath, $$"""
            name: cancel
            objective: {metric: val/acc, direction: maximize}
            search_space:
              mode: {type: categorical, choices: [ok, hang]}
            sampler: {kind: random, seed: 1}
            budget: {max_trials: 2, max_parallel: 2}
            enqueue:
              - {mode: hang}
              - {mode: hang}
              - {mode: ok}
              - {mode: ok}
            trainer:
              command: [bash, trainer.sh, "{mode}"]
              env: {EVENTS: "{{_folder.EventsPath}}"}
            resources: {cpu_slots: 2}
            """);
        using var run = _folder.StartRun(studyPath);
        try
        {
            using var store = await WaitForDatabaseAsync();
            var study = (await store.GetStudyAsync("cancel"))!;
            var groups = await WaitForRunningGroupsAsync(store, study.Id, 2);

            // From the command line.
            Assert.Equal(0, await StopCommand.RunAsync(_folder.Db, "cancel", 0, "from the cli", new StringWriter(), new StringWriter()));
            await AssertGroupGoneWithinAsync(groups[0], TimeSpan.FromSeconds(5));

            // From the dashboard, as its Cancel button does.
            var app = DashboardServer.Build(store, new DashboardOptions { Host = "127.0.0.1", Port = 0 });
            await app.StartAsync();
            try
            {
                using var client = new HttpClient { BaseAddress = DashboardServer.Address(app) };
                var response = await client.PostAsJsonAsync("/api/studies/cancel/trials/1/cancel", new { reason = "from the dashboard" });
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
                await AssertGroupGoneWithinAsync(groups[1], TimeSpan.FromSeconds(5));
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }

            Assert.True(run.WaitForExit(TimeSpan.FromMinutes(2)), string.Join("\n", _folder.Output));
            Assert.Equal(0, run.ExitCode);
            var trials = (await store.GetTrialsAsync(study.Id)).Trials;
            Assert.Equal((TrialState.Cancelled, TrialState.Cancelled, TrialState.Complete, TrialState.Complete), (trials[0].State, trials[1].State, trials[2].State, trials[3].State));
            Assert.Equal(4, trials.Count);
            Assert.Equal($"cancelled by {Environment.UserName}@{Environment.MachineName} (cli): from the cli", trials[0].FailReason);
            Assert.StartsWith("cancelled by the dashboard (", trials[1].FailReason, StringComparison.Ordinal);
            Assert.EndsWith("): from the dashboard", trials[1].FailReason, StringComparison.Ordinal);
            // Never run again: one start each.
            Assert.Equal(1, _folder.Events().Count(e => e.Trial == 0));
            Assert.Equal(1, _folder.Events().Count(e => e.Trial == 1));
            Assert.Single(await store.GetAttemptsAsync(trials[0].Id));
        }
        finally
        {
            if (!run.HasExited)
                run.Kill(entireProcessTree: true);
        }
    }

    private async Task<SqliteTrialStore> WaitForDatabaseAsync()
    {
        for (var i = 0; i < 600; i++)
        {
            if (File.Exists(_folder.Db))
            {
                var store = await SqliteTrialStore.OpenAsync(_folder.Db);
                if (await store.GetStudyAsync("cancel") is not null)
                    return store;
                store.Dispose();
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("run never created the study: " + string.Join("\n", _folder.Output));
    }

    /// <summary>The process groups of the first <paramref name="count"/> trials, once each runs with its trainer started.</summary>
    private static async Task<int[]> WaitForRunningGroupsAsync(ITrialStore store, long studyId, int count)
    {
        for (var i = 0; i < 1200; i++)
        {
            var trials = (await store.GetTrialsAsync(studyId)).Trials.Take(count).ToList();
            if (trials.Count == count && trials.All(t => t.State == TrialState.Running))
            {
                var groups = new List<int>();
                foreach (var t in trials)
                {
                    if ((await store.GetAttemptsAsync(t.Id)).LastOrDefault() is { ProcessGroup: { } g } && GroupAlive(g))
                        groups.Add(g);
                }
                if (groups.Count == count)
                    return [.. groups];
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the hanging trials never ran");
    }

    private static async Task AssertGroupGoneWithinAsync(int group, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (GroupAlive(group))
        {
            Assert.True(clock.Elapsed < limit, $"process group {group} still has processes {clock.Elapsed.TotalSeconds:F1} s after the cancel");
            await Task.Delay(50);
        }
    }

    /// <summary>Whether any live (not zombie) process is in process group <paramref name="group"/>.</summary>
    private static bool GroupAlive(int group)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // exited meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            // pid (comm) state ppid pgrp …: after the last ')' come state, ppid, pgrp.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] != "Z" && int.Parse(fields[2], CultureInfo.InvariantCulture) == group)
                return true;
        }
        return false;
    }
}
