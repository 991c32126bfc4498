using System.Diagnostics;
using System.Globalization;
using HoMM.Cli.Tests.Common;
using HoMM.Core.Trials;
using HoMM.Dispatch.Cluster;
using HoMM.Dispatch.Driver;
using HoMM.Storage;
using HoMM.Storage.Postgres;
using HoMM.StudyFiles;
using HoMM.Testing;
using Xunit.Abstractions;

namespace HoMM.Cli.Tests.Worker;

/// <summary>
/// A cluster on the throwaway PostgreSQL server: <c>homm-search worker</c> processes on two
/// "nodes" (two names on this machine) and a study driver that runs no trials itself
/// (<c>homm-search run --no-local-worker</c>, or the driver in the test process with
/// <see cref="DispatchOptions.LocalWorker"/> false). The trainer is a bash script that writes a
/// line per start to events.log.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ClusterTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Trainer = """
        x="$1"
        echo "start $HOMM_TRIAL_NUMBER $HOMM_ATTEMPT $HOMM_RESUME $$" >> "$EVENTS"
        echo '{"info":{"params":1234,"device":"cpu"}}'
        steps="$STEPS"
        # The first attempt of the first $SLOW_TRIALS trials runs long (a worker is killed meanwhile).
        [ "$HOMM_ATTEMPT" = 1 ] && [ "$HOMM_TRIAL_NUMBER" -lt "${SLOW_TRIALS:-0}" ] && steps=1000
        for s in $(seq 1 "$steps"); do
          # A step's work is a wait on stdin: a control line (stop) ends the trainer, and so does
          # the end of stdin, as the protocol asks (the dispatcher is gone: no orphan stays).
          read -t "$STEP_SECONDS" line; rc=$?
          [ "$rc" -le 128 ] && exit 0
          echo "{\"step\":$s,\"metrics\":{\"val/acc\":$x}}"
        done
        echo "{\"final\":{\"val/acc\":$x}}"
        """;

    private readonly string dir = Directory.CreateTempSubdirectory("homm-cluster-").FullName;
    private readonly List<Process> workers = [];
    private readonly System.Collections.Concurrent.ConcurrentBag<string> serving = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Node, string Line)> lines = new();
    private string database = "";

    private string Url => server.Url(database);

    private string EventsPath => Path.Combine(dir, "events.log");

    public async Task InitializeAsync()
    {
        database = await server.CreateDatabaseAsync("cluster");
        await File.WriteAllTextAsync(Path.Combine(dir, "trainer.sh"), Trainer);
    }

    public async Task DisposeAsync()
    {
        foreach (var w in workers)
        {
            if (!w.HasExited)
                w.Kill(entireProcessTree: true);
            await w.WaitForExitAsync();
            output.WriteLine($"--- worker {w.Id} stderr:\n{await w.StandardError.ReadToEndAsync()}");
            w.Dispose();
        }
        await server.DropDatabaseAsync(database);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task TwoWorkersAndRunWithoutLocalWorker_AttemptsSpreadOverBothWorkers_NoneRunsTwice()
    {
        var definition = StudyFileFor(maxTrials: 8, maxParallel: 4, steps: 3, stepSeconds: 0.2);
        await StartWorkerAsync("node-a", slots: 2);
        await StartWorkerAsync("node-b", slots: 2);

        // The driver: `homm-search run --no-local-worker`, which runs no trial itself.
        using var run = StartCli("run", definition.SourcePath!, "--db", Url, "--no-local-worker", "--runs", Path.Combine(dir, "runs"));
        var runOutput = run.StandardOutput.ReadToEndAsync();
        var runError = run.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4)))
            await run.WaitForExitAsync(timeout.Token);
        output.WriteLine($"run: {await runOutput}{await runError}");
        Assert.Equal(0, run.ExitCode);

        using var store = await PostgresTrialStore.OpenAsync(Url);
        var study = (await store.GetStudyAsync("cluster"))!;
        var trials = (await store.GetTrialsAsync(study.Id)).Trials;
        Assert.Equal(8, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        var attempts = new List<TrialAttempt>();
        foreach (var t in trials)
            attempts.Add(Assert.Single(await store.GetAttemptsAsync(t.Id)));
        output.WriteLine(string.Join(", ", attempts.Select(a => $"{a.Node}/{a.Slot}")));
        Assert.Equal(["node-a", "node-b"], attempts.Select(a => a.Node).Distinct().Order());
        // The trainers' own record: every trial started exactly once.
        Assert.Equal(Enumerable.Range(0, 8), Starts().Select(s => s.Trial).Order());
    }

    [Fact]
    public async Task KillDashNineAWorkerMidTrial_ItsTrialResumesOnTheOtherWithinTenSeconds_AndTheStudyCompletes()
    {
        var definition = StudyFileFor(maxTrials: 4, maxParallel: 2, steps: 5, stepSeconds: 0.3, slowTrials: 2);
        // node-a alone first, so it takes the first two trials, whose first attempts run until it
        // is killed; node-b joins before the kill.
        var a = await StartWorkerAsync("node-a", slots: 2);
        using var store = await PostgresTrialStore.OpenAsync(Url);
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var drive = DriveAsync(store, definition, guard.Token);

        // node-b joins once node-a runs both trials; then pick a trial node-a runs that has reported
        // a step (its trainer is busy).
        var study = await WaitForAsync(() => store.GetStudyAsync("cluster"), s => s is not null, "the study to exist");
        await WaitForAsync(async () => (await store.CountTrialsAsync(study!.Id))[TrialState.Running], n => n == 2, "node-a to run two trials");
        await StartWorkerAsync("node-b", slots: 2);
        await WaitForAsync(() => Task.FromResult(serving.Contains("node-b")), x => x, "node-b to serve the study");
        var (victim, stale) = await WaitForAsync(async () =>
        {
            foreach (var t in (await store.GetTrialsAsync(study!.Id)).Trials.Where(t => t.State == TrialState.Running && t.IntermediateValues.Count > 0))
            {
                if ((await store.GetAttemptsAsync(t.Id)).SingleOrDefault(x => x.Node == "node-a" && x.Ended is null && x.Pid is not null) is { } attempt)
                    return ((FrozenTrial?)t, (TrialAttempt?)attempt);
            }
            return (null, null);
        }, r => r.Item1 is not null, "node-a to run a trial");

        a.Kill(); // SIGKILL: no shutdown, no checkpoint, its trainer is left behind
        var killed = Stopwatch.StartNew();
        var killedAt = TimeProvider.System.GetUtcNow();

        TrialAttempt? resumed;
        try
        {
            resumed = await WaitForAsync(async () => (await store.GetAttemptsAsync(victim!.Id)).FirstOrDefault(x => x.Number == 2),
                x => x is not null, "the trial's second attempt", TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            await DumpQueueAsync();
            throw;
        }
        var delay = killed.Elapsed;
        var lostClosed = (await store.GetAttemptsAsync(victim!.Id))[0].Ended;
        output.WriteLine($"trial {victim.Number}: second attempt on {resumed!.Node} {delay.TotalSeconds:F1} s after the kill " +
                         $"(the cluster fired the recovered job after {(lostClosed - killedAt)?.TotalSeconds:F1} s)");
        Assert.Equal("node-b", resumed.Node);
        Assert.True(delay < TimeSpan.FromSeconds(10), $"the attempt restarted {delay.TotalSeconds:F1} s after the kill (limit 10 s)");
        Assert.False(IsAlive(stale!.Pid!.Value), $"the stale trainer (pid {stale.Pid}) still runs");

        var (_, end) = await drive;
        Assert.Equal(DriverEnd.BudgetSpent, end);
        var trials = (await store.GetTrialsAsync(study!.Id)).Trials;
        Assert.Equal(4, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        // Every trial node-a was running is re-run once, resuming; every other trial ran once.
        var starts = Starts();
        foreach (var t in trials)
        {
            var attempts = await store.GetAttemptsAsync(t.Id);
            var mine = starts.Where(s => s.Trial == t.Number).ToList();
            if (attempts.Count == 1)
            {
                Assert.Equal("completed", attempts[0].Reason);
                Assert.Single(mine);
                continue;
            }
            Assert.Equal(2, attempts.Count);
            Assert.Equal("node-a", attempts[0].Node);
            Assert.StartsWith("lost", attempts[0].Reason, StringComparison.Ordinal);
            Assert.Equal(("node-b", "completed"), (attempts[1].Node, attempts[1].Reason));
            Assert.Equal([(t.Number, 1, false), (t.Number, 2, true)], mine);
        }
        Assert.Equal(2, (await store.GetAttemptsAsync(victim.Id)).Count);
    }

    [Fact]
    public async Task KillDashNineTheRunProcess_AWorkerTakesOverTheDriving_AndTheStudyCompletes()
    {
        var definition = StudyFileFor(maxTrials: 8, maxParallel: 2, steps: 4, stepSeconds: 0.3);
        await StartWorkerAsync("node-a", slots: 2);
        var run = StartCli("run", definition.SourcePath!, "--db", Url, "--no-local-worker", "--runs", Path.Combine(dir, "runs"));
        workers.Add(run); // killed and disposed at the end like the workers
        using var store = await PostgresTrialStore.OpenAsync(Url);
        var study = await WaitForAsync(() => store.GetStudyAsync("cluster"), s => s is not null, "the study to exist");
        await WaitForAsync(async () => (await store.CountTrialsAsync(study!.Id))[TrialState.Complete], n => n >= 2, "two finished trials");

        run.Kill(); // SIGKILL: the driver's lease goes with its connection; cluster/driving stays true
        await run.WaitForExitAsync();

        var counts = await WaitForAsync(() => store.CountTrialsAsync(study!.Id), c => c[TrialState.Complete] == 8, "the study to complete", TimeSpan.FromMinutes(3));
        Assert.Equal(8, counts.Values.Sum());
        // Every trial ran once; the worker drove the study in its own process, said so, and the
        // driver it built (the factory `run` uses) ended the study on purpose.
        Assert.Equal(Enumerable.Range(0, 8), Starts().Select(x => x.Trial).Order());
        await WaitForAsync(() => Task.FromResult(lines.Any(l => l.Line.Contains("study 'cluster': the driver taken over here ended: the budget is spent", StringComparison.Ordinal))),
            x => x, "the takeover driver to finish");
        Assert.Contains(lines, l => l.Node == "node-a" && l.Line.Contains("study 'cluster' lost its driver; driving it from here (in this worker's process", StringComparison.Ordinal));
        var runLog = await File.ReadAllTextAsync(DriverFactory.LogPath(Path.Combine(dir, "runs"), "cluster"));
        Assert.Contains("driving study 'cluster' as ", runLog, StringComparison.Ordinal); // the killed run's start
        Assert.Contains("taken over by a cluster worker", runLog, StringComparison.Ordinal);
        Assert.Contains("the driver of study 'cluster' ended: the budget is spent", runLog, StringComparison.Ordinal);
        Assert.False(await DriverLease.WantsDriverAsync(store, study!.Id));
    }

    private StudyDefinition StudyFileFor(int maxTrials, int maxParallel, int steps, double stepSeconds, int slowTrials = 0)
    {
        var yaml = $$"""
            name: cluster
            objective: {metric: val/acc, direction: maximize}
            search_space:
              x: {type: float, low: 0.0, high: 1.0}
            sampler: {kind: random, seed: 5}
            budget: {max_trials: {{maxTrials}}, max_parallel: {{maxParallel}}}
            trainer:
              command: [bash, trainer.sh, "{x}"]
              env: {EVENTS: "{{EventsPath}}", STEPS: "{{steps}}", STEP_SECONDS: "{{stepSeconds.ToString(CultureInfo.InvariantCulture)}}", SLOW_TRIALS: "{{slowTrials}}"}
            resources: {cpu_slots: {{maxParallel}}}
            """;
        var path = Path.Combine(dir, "cluster.yaml");
        File.WriteAllText(path, yaml);
        return StudyFile.LoadOrThrow(path);
    }

    private async Task<(StudyRecord Study, DriverEnd End)> DriveAsync(ITrialStore store, StudyDefinition definition, CancellationToken cancellationToken = default)
    {
        var (study, _) = await StudyOpener.OpenOrCreateAsync(store, definition, cancellationToken: cancellationToken);
        var options = new DispatchOptions
        {
            JobStore = await ClusterQueue.PostgresAsync(Url, "driver", cancellationToken),
            RunsDirectory = Path.Combine(dir, "runs"),
            LocalWorker = false,
            Node = "driver",
        };
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(TimeSpan.FromMinutes(4)); // a hung cluster stops instead of hanging CI
        return (study, await new StudyDriver(store, study, definition, options).RunAsync(guard.Token));
    }

    private Process StartCli(params string[] args)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "homm-search.dll"));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }

    private async Task<Process> StartWorkerAsync(string node, int slots)
    {
        var process = StartCli("worker", "--db", Url, "--slots", slots.ToString(CultureInfo.InvariantCulture), "--node", node, "--runs", Path.Combine(dir, "runs"));
        workers.Add(process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        Assert.True(line?.StartsWith("worker ", StringComparison.Ordinal) == true, $"worker {node} said: {line} {(line is null ? await process.StandardError.ReadToEndAsync() : "")}");
        // Keep reading its output so it never blocks on a full pipe.
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } l)
            {
                output.WriteLine($"[{node}] {l}");
                lines.Enqueue((node, l));
                if (l.Contains("serving study", StringComparison.Ordinal))
                    serving.Add(node);
            }
        });
        return process;
    }

    /// <summary>The store's leases and Hangfire's view of the queue, for a failure's output.</summary>
    private async Task DumpQueueAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(server.KeywordConnectionString(database));
        await connection.OpenAsync();
        foreach (var sql in new[]
        {
            "SELECT t.number, t.state, l.owner, l.lease_until, l.dispatched_at FROM trials t LEFT JOIN trial_leases l ON l.trial_id = t.id ORDER BY t.number",
            "SELECT id, statename, arguments FROM hangfire.job ORDER BY id",
            "SELECT id, jobid, queue, fetchedat FROM hangfire.jobqueue ORDER BY id",
            "SELECT id, lastheartbeat FROM hangfire.server",
        })
        {
            output.WriteLine(sql);
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                output.WriteLine("  " + string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i))));
        }
        output.WriteLine($"now {TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()}");
    }

    private List<(int Trial, int Attempt, bool Resume)> Starts() =>
        File.ReadAllLines(EventsPath).Select(l => l.Split(' ')).Select(f => (
            int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), f[3] == "1")).ToList();

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? patience = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
                return value;
            if (clock.Elapsed > (patience ?? TimeSpan.FromSeconds(90)))
                throw new TimeoutException($"gave up waiting for {what}");
            await Task.Delay(100);
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
