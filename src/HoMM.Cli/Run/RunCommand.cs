using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using HoMM.Cli.Common;
using HoMM.Cli.Validate;
using HoMM.Dispatch.Cluster;
using HoMM.Dispatch.Driver;
using HoMM.Dispatch.Notifications;
using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Scheduling;
using HoMM.Dispatch.Slots;
using HoMM.Storage;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Trainer;
using Spectre.Console;

namespace HoMM.Cli.Run;

/// <summary>
/// <c>homm-search run &lt;study.yaml&gt; [--db &lt;path|conn&gt;] [--fork &lt;new-name&gt;]</c>: validates
/// the study file, creates the study or resumes it, and runs it on this machine until its budget is
/// spent, with live progress. Ctrl-C (or SIGTERM) stops gracefully: running trainers get a stop
/// line, checkpoint and exit; the next <c>run</c> resumes them. A second Ctrl-C exits at once,
/// killing the trainers' process groups first; the same signal twice within a second (GNU
/// <c>timeout</c> signals the process and its group) counts as one (<see cref="StopSignals"/>).
/// </summary>
public static class RunCommand
{
    public const int ExitDone = 0;
    public const int ExitError = 1;
    public const int ExitInvalid = 2;
    public const int ExitCannotRun = 3;
    public const int ExitStore = StoreOpener.ExitStoreError;
    public const int ExitConflict = 5;
    public const int ExitTooManyFailures = 6;
    public const int ExitNoFeasibleProposal = 7;
    public const int ExitDiskFull = 8;
    public const int ExitInterrupted = 130;

    public static Command Create()
    {
        var command = new Command("run", "Run (or resume) the search a study file describes. Exit codes: 0 done, 1 unexpected error, " +
            "2 invalid study file, 3 cannot run here (trainer or resources missing), 4 database error, " +
            "5 study conflict (search space changed, or already running), 6 stopped after budget.max_consecutive_failures failures in a row " +
            "with the same reason, 7 stopped because no proposal passed the constraints, 8 stopped because the disk is full (free space, run again to resume), 130 stopped by Ctrl-C (run again to resume)");
        var file = StudyFileOptions.StudyFileArgument();
        var db = StoreOpener.CreateDbOption();
        var fork = new Option<string?>("--fork")
        {
            Description = "start a new study with this name from the study file (when the stored study's search space differs)",
            HelpName = "new-name",
        };
        var runs = StudyFileOptions.RunsOption();
        // PostgreSQL only (docs/cluster.md): the queue is the cluster's; this process may run no trials.
        var noLocalWorker = new Option<bool>("--no-local-worker")
        {
            Description = "with a PostgreSQL --db: only drive the study (ask, queue, stop); the cluster's `homm-search worker`s run the trials",
        };
        var set = SetOption.Create();
        command.Arguments.Add(file);
        command.Options.Add(db);
        command.Options.Add(set);
        command.Options.Add(fork);
        command.Options.Add(runs);
        command.Options.Add(noLocalWorker);
        // Synchronous on purpose: System.CommandLine's own Ctrl-C handling for async actions ends
        // the process after a short timeout, too soon for trainers to checkpoint.
        command.SetAction(parse => RunWithSignals(
            new RunRequest(parse.GetValue(file)!, parse.GetValue(db), parse.GetValue(fork), parse.GetValue(runs), parse.GetValue(noLocalWorker))
            {
                Overrides = parse.GetValue(set) ?? [],
            },
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static int RunWithSignals(RunRequest request, TextWriter output, TextWriter error)
    {
        using var stop = new CancellationTokenSource();
        var signals = new StopSignals(TimeProvider.System);
        void OnSignal(PosixSignalContext context)
        {
            switch (signals.Receive(context.Signal))
            {
                case StopRequest.Stop:
                    context.Cancel = true;
                    error.WriteLine("homm-search run: stopping: running trials checkpoint and resume at the next run (Ctrl-C again to quit at once)");
                    stop.Cancel();
                    break;
                case StopRequest.Repeat:
                    context.Cancel = true; // the same request again (timeout signals the process and its group)
                    break;
                default:
                    // Quit at once, but leave no trainer behind: one that ignores the end of its
                    // stdin would run on. The next run resumes the trials from their checkpoints.
                    var killed = LiveTrainers.KillAll();
                    error.WriteLine($"homm-search run: quitting at once; killed {killed} trainer process group{(killed == 1 ? "" : "s")}; the next run resumes from the checkpoints");
                    break; // not cancelled: the runtime ends the process
            }
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        return RunAsync(request, output, error, TimeProvider.System, stop.Token).GetAwaiter().GetResult();
    }

    /// <summary>What <c>run</c> was asked to do.</summary>
    internal sealed record RunRequest(string StudyPath, string? Db, string? Fork, string? RunsDirectory, bool NoLocalWorker = false)
    {
        /// <summary>The <c>--set</c> values (<c>key.path=value</c>), applied to the study file before validation.</summary>
        public IReadOnlyList<string> Overrides { get; init; } = [];
    }

    internal static async Task<int> RunAsync(RunRequest request, TextWriter output, TextWriter error, TimeProvider time, CancellationToken stop)
    {
        // --fork names a new study: the study file's name rule, before anything is read or written.
        if (request.Fork is { } fork && StudyNames.Problem(fork) is { } badFork)
        {
            error.WriteLine($"homm-search run: --fork: {badFork}");
            return ExitInvalid;
        }
        var loaded = StudyFile.Load(request.StudyPath, request.Overrides);
        if (loaded.Definition is not { } definition)
            return ValidateCommand.Run(request.StudyPath, output, error, request.Overrides) == ValidateCommand.ExitValid ? ExitError : ExitInvalid;
        foreach (var warning in loaded.Warnings)
            error.WriteLine(warning.ToString());
        var hommTrain = definition.Trainer is HommTrainerDefinition ? TrainerLocator.FindHommTrain() : null;
        OpenedStore opened;
        try
        {
            // Before anything is written (no database file, no study): what this machine lacks is said once.
            if (CannotRunHere(definition, request, StoreOpener.Parse(request.Db).Kind, hommTrain) is { } lack)
            {
                error.WriteLine($"homm-search run: {lack}");
                return ExitCannotRun;
            }
            opened = await StoreOpener.OpenAsync(request.Db, StoreAccess.CreateIfMissing, time, stop);
        }
        catch (StoreOpenException e)
        {
            error.WriteLine($"homm-search run: {e.Message}");
            // Another process writes the database through another name: a conflict, like a second run.
            return e.InnerException is StoreInUseException ? ExitConflict : ExitStore;
        }
        using (opened)
        {
            StudyRecord study;
            bool created;
            try
            {
                (study, created) = await StudyOpener.OpenOrCreateAsync(opened.Store, definition, request.Fork, stop);
                if (created && request.Fork is not null)
                {
                    // The fork starts warm: the old study's finished trials that fit the new file.
                    var copied = await StudyHistory.CopyAsync(opened.Store, definition.Name, study, definition,
                        HoMM.StudyFiles.Constraints.StudyRules.For(definition, TrainerLocator.CountModel), stop);
                    if (copied.Count > 0)
                        output.WriteLine($"study '{study.Name}' starts with {copied.Count} finished trials of '{definition.Name}' that fit its search space and settings (imported)");
                }
            }
            catch (StudyChangedException e)
            {
                error.WriteLine($"homm-search run: {e.Message}");
                return ExitConflict;
            }

            var sqlite = opened.Kind == StoreKind.Sqlite;
            var options = new DispatchOptions
            {
                // PostgreSQL: the cluster's queue (docs/cluster.md). This process is a node of its
                // own, named apart from a `worker` on the same host (Hangfire server names must be unique).
                JobStore = sqlite
                    ? JobStoreOptions.SqliteBeside(opened.Location.Value)
                    : await ClusterQueue.PostgresAsync(opened.Location.Value, $"{Environment.MachineName}/run", stop),
                LocalWorker = !request.NoLocalWorker,
                RunsDirectory = RunsDirectory(request, opened.Location),
                HommTrainExecutable = hommTrain,
                ModelSize = TrainerLocator.CountModel,
                ModelShape = TrainerLocator.Shape,
                TimeProvider = time,
            };

            // PostgreSQL: one driver per study in the whole cluster (a lease the server drops if
            // this process dies; a worker then takes the study over, docs/cluster.md).
            var placement = sqlite ? DriverPlacement.SingleHost : new DriverPlacement { ClusterConnection = opened.Location.Value };
            DrivenStudy driven;
            try
            {
                driven = await DriverFactory.OpenAsync(opened.Store, study, definition, options, placement, stop);
            }
            catch (DriverSetupException e)
            {
                error.WriteLine(e.Problem == DriverSetupProblem.AlreadyDriven
                    ? $"homm-search run: {e.Message}; its progress: homm-search status --db ..."
                    : $"homm-search run: {e.Message}");
                return e.Problem == DriverSetupProblem.AlreadyDriven ? ExitConflict : ExitCannotRun;
            }
            await using (driven)
            {
                var driver = driven.Driver;
                output.WriteLine($"{(created ? "created" : "resuming")} study '{study.Name}' in {opened.Location.Display}; " +
                    $"{driver.Slots.Count} slot{(driver.Slots.Count == 1 ? "" : "s")} ({string.Join(", ", driver.Slots.Select(s => $"{s.Id}: {s.Threads} thread{(s.Threads == 1 ? "" : "s")}"))}), " +
                    $"{driver.MaxParallel} at a time; trial folders in {options.RunsDirectory}; log {driven.LogPath}");
                if (definition.Resources.UsesGpus)
                    output.WriteLine($"slots: {driver.SlotSummary}");

                var progress = new RunProgress(opened.Store, study, definition.Budget.MaxTrials, definition.Budget.Timeout, time);
                // notify: events go out on a background loop; the run never waits for a receiver
                // (at its end, at most notify.timeout for what is still queued).
                await using var notifier = definition.Notify is { } notify
                    ? new Notifier(notify, driven.Options.Logger, time)
                    : null;
                var watch = notifier is null ? null : await StudyWatch.StartAsync(opened.Store, study, notifier, definition.Notify!, time, stop);
                DriverEnd end;
                try
                {
                    end = await RunWithProgressAsync(driven, progress, output, stop, watch);
                }
                catch (DispatchLockedException e)
                {
                    error.WriteLine($"homm-search run: {e.Message}");
                    return ExitConflict;
                }
                if (watch is not null)
                    await watch.EndAsync(end, driver.State, CancellationToken.None);
                var final = await progress.ReadAsync(driver.State, CancellationToken.None);
                output.WriteLine(progress.Line(final));
                output.WriteLine($"{StudyDriver.Describe(end)}.");
                if (final.Best is { } best)
                    output.WriteLine($"best trial {best.Number}: {study.ObjectiveMetric} = {best.Value} with {string.Join(", ", best.Params.Select(kv => $"{kv.Key}={HoMM.Core.Trials.ParamFormatter.Format(kv.Value)}"))}");
                if (end == DriverEnd.DiskFull)
                {
                    error.WriteLine($"homm-search run: the disk is full: {driver.FailureReason?.TrimEnd('.')}. Running trials were stopped and keep their last checkpoint; " +
                        "free space and run again to resume.");
                    return ExitDiskFull;
                }
                if (end == DriverEnd.TooManyFailures)
                {
                    error.WriteLine($"homm-search run: {definition.Budget.MaxConsecutiveFailures} trials in a row failed with the same reason: {driver.FailureReason}. " +
                        "Fix the cause and run again to resume (or change budget.max_consecutive_failures); every trial's log is in its folder.");
                    return ExitTooManyFailures;
                }
                if (end == DriverEnd.NoFeasibleProposal)
                {
                    error.WriteLine($"homm-search run: stopped: {StudyDriver.MaxInfeasibleRounds * new HoMM.Core.Studies.ProposalOptions().MaxProposalAttempts} proposals in a row broke the constraints: {driver.FailureReason}");
                    return ExitNoFeasibleProposal;
                }
                return end == DriverEnd.Stopped ? ExitInterrupted : ExitDone;
            }
        }
    }

    /// <summary>
    /// Why this machine cannot run the study (exit 3), or null: the data set, the built-in trainer,
    /// the GPUs, a <c>--no-local-worker</c> without a cluster. Checked before the database is
    /// opened, so a run that cannot start leaves no database file and no empty study behind.
    /// </summary>
    /// <param name="definition">The valid study.</param>
    /// <param name="request">What run was asked to do.</param>
    /// <param name="store">The kind of database <c>--db</c> names.</param>
    /// <param name="hommTrain">The homm-train found (<see cref="TrainerLocator.FindHommTrain"/>), or null.</param>
    /// <param name="detectGpus">Lists this machine's GPUs for <c>gpus: auto</c>; default nvidia-smi.</param>
    internal static string? CannotRunHere(StudyDefinition definition, RunRequest request, StoreKind store, string? hommTrain, Func<IReadOnlyList<GpuInfo>>? detectGpus = null)
    {
        if (request.NoLocalWorker && store == StoreKind.Sqlite)
        {
            return "--no-local-worker needs a PostgreSQL --db, whose workers (homm-search worker) run the trials; " +
                   "with a SQLite database run runs them itself (see docs/cluster.md)";
        }
        if (definition.Trainer is HommTrainerDefinition homm)
        {
            if (!request.NoLocalWorker && homm.Fixed.GetValueOrDefault("path") is string data && !Directory.Exists(data))
            {
                var dataset = homm.Fixed.GetValueOrDefault("dataset") as string;
                return $"the data is missing: trainer.data.path {data} ({dataset}) does not exist on this machine. " +
                       (dataset == "fashion-mnist"
                           ? "Install it with scripts/bootstrap (Debian package dataset-fashion-mnist), or point trainer.data.path at its IDX files."
                           : "Put the image folder there (one sub-folder per class, train/ and val/), or point trainer.data.path at it.");
            }
            if (hommTrain is null)
            {
                return "the built-in trainer homm-train was not found: run through ./homm-search (it builds it), " +
                       $"or set {TrainerLocator.EnvironmentVariable} to its path";
            }
        }
        try
        {
            TrainerLocator.PlanSlots(definition, detectGpus);
        }
        catch (SlotPlanException e)
        {
            return e.Message;
        }
        // What the trials of this machine need: a typo here would fail every trial of the budget.
        return request.NoLocalWorker ? null : TrainerPreflight.Problem(definition, RunsDirectory(request, StoreOpener.Parse(request.Db)));
    }

    /// <summary>Where the trial folders go: --runs, else runs/ beside a SQLite database, else in the current directory.</summary>
    private static string RunsDirectory(RunRequest request, StoreLocation location) =>
        Path.GetFullPath(request.RunsDirectory ?? Path.Combine(
            location.Kind == StoreKind.Sqlite ? Path.GetDirectoryName(location.Value)! : Directory.GetCurrentDirectory(), "runs"));

    private static async Task<DriverEnd> RunWithProgressAsync(DrivenStudy driven, RunProgress progress, TextWriter output, CancellationToken stop, StudyWatch? watch)
    {
        var driver = driven.Driver;
        var running = driven.RunAsync(stop);
        var live = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (live)
        {
            await AnsiConsole.Live(new Text("starting...")).AutoClear(true).StartAsync(async ctx =>
            {
                while (!running.IsCompleted)
                {
                    ctx.UpdateTarget(progress.Render(await progress.ReadAsync(driver.State, CancellationToken.None)));
                    if (watch is not null)
                        await watch.LookAsync(driver.State, CancellationToken.None);
                    await Task.WhenAny(running, Task.Delay(1000, CancellationToken.None));
                }
            });
            return await running;
        }
        string? last = null;
        var lastPrinted = long.MinValue;
        var time = TimeProvider.System;
        while (!running.IsCompleted)
        {
            var snapshot = await progress.ReadAsync(driver.State, CancellationToken.None);
            if (watch is not null)
                await watch.LookAsync(driver.State, CancellationToken.None);
            // Print when the counts, the best trial or the pause state change (not the clock or the ETA).
            var key = string.Create(CultureInfo.InvariantCulture,
                $"{snapshot.Complete} {snapshot.Pruned} {snapshot.Failed} {snapshot.Running} {snapshot.Best?.Number} {snapshot.State.Paused} {(snapshot.Running == 0 ? snapshot.State.Note : null)}");
            if (key != last || time.GetElapsedTime(lastPrinted) >= TimeSpan.FromSeconds(30))
            {
                output.WriteLine(progress.Line(snapshot));
                last = key;
                lastPrinted = time.GetTimestamp();
            }
            await Task.WhenAny(running, Task.Delay(2000, CancellationToken.None));
        }
        return await running;
    }
}
