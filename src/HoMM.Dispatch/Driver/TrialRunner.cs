using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using HoMM.Core.Pruners;
using HoMM.Core.Studies;
using HoMM.Core.Trials;
using HoMM.Dispatch.Logging;
using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Protocol;
using HoMM.Dispatch.Scheduling;
using HoMM.Dispatch.Slots;
using HoMM.Storage;
using HoMM.Storage.Serialization;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Trainer;
using HoMM.TrainerSettings;
using Microsoft.Extensions.Logging;

namespace HoMM.Dispatch.Driver;

/// <summary>
/// What a delivered trial job does: holds a slot, claims the trial in the store (Waiting →
/// Running, or over from a dispatcher whose lease ran out or whose process died, after killing its
/// stale trainer), keeps the lease alive while it runs attempts — retrying crashed attempts from
/// the last checkpoint — and commits the outcome only while it still owns the trial.
/// <para>
/// The store is the only judge: delivery is at-least-once and this is safe to run twice, at once
/// or later, in any process. A second delivery of a trial someone holds returns; a delivery of a
/// finished trial returns (closing attempts a killed dispatcher left open); an owner that lost its
/// lease (a user's cancel, a takeover after it stalled) stops its trainer and commits nothing.
/// </para>
/// </summary>
internal sealed class TrialRunner : ITrialJobHandler
{
    /// <summary>A trial whose dispatcher failed this many times (database down, disk full) is failed.</summary>
    private const int MaxDispatcherErrors = 3;

    /// <summary>A trial that ran out of GPU memory beside neighbours is retried with fewer at most this many times.</summary>
    internal const int MaxOutOfMemoryRetries = 3;

    private readonly ITrialStore _store;
    private readonly StudyRecord _study;
    private readonly StudyDefinition _definition;
    private readonly IPruner _pruner;
    private readonly string _prunerName;
    private readonly IPromotionSchedule? _promotion;
    private readonly SlotPool _slots;
    private readonly StudyTrials _trials;
    private readonly DispatchOptions _options;
    private readonly AttemptRunner _runner;
    private readonly StaleTrainerKiller _killer;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<long, byte> _active = new();
    private readonly ConcurrentDictionary<long, int> _dispatcherErrors = new();
    private readonly string _owner;
    private readonly ConcurrentDictionary<long, LeaseKeeper> _leases = new();

    public TrialRunner(ITrialStore store, StudyRecord study, StudyDefinition definition, IPruner pruner, SlotPool slots,
        StudyTrials trials, DispatchOptions options)
    {
        _store = store;
        _study = study;
        _definition = definition;
        _pruner = pruner;
        _prunerName = definition.Pruner.Kind;
        // mode: promote: trials pause at their rungs instead of being judged by the pruner.
        _promotion = definition.Pruner.PromotionSchedule(definition.Trainer.FullRunSteps);
        _slots = slots;
        _trials = trials;
        _options = options;
        _runner = new AttemptRunner(options.Runner, options.TimeProvider);
        _killer = new StaleTrainerKiller(options.TimeProvider, options.Runner.TerminateGracePeriod);
        _log = options.Logger;
        _owner = LeaseOwner.ForThisProcess(options.Node).ToString();
    }

    /// <summary>Raised when a delivery that claimed its trial returns (finished, interrupted, lost or failed in the dispatcher).</summary>
    public event Action<long>? TrialLeft;

    /// <summary>The folder of trial <paramref name="number"/>.</summary>
    public string TrialDirectory(int number) =>
        Path.Combine(_options.RunsDirectory, _study.Name, string.Create(CultureInfo.InvariantCulture, $"trial-{number}"));

    /// <summary>The name this runner holds trial leases under.</summary>
    public string Owner => _owner;

    public async ValueTask RunTrialAsync(long trialId, CancellationToken cancellationToken)
    {
        if (!_active.TryAdd(trialId, 0))
            return; // already running in this process (a second delivery)
        var claimed = false;
        try
        {
            claimed = await RunAsync(trialId, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            claimed = true;
            throw; // shutdown: the lease was released; the store re-dispatches the trial
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The dispatcher itself failed (database unavailable, disk full): the trial stays
            // unfinished and the driver queues it again; a trial that keeps failing here is failed.
            claimed = true;
            // A full disk is the machine's trouble, not the trial's: the driver stops the study
            // (and no write is tried: the next run takes the trial over from this process).
            if (DiskSpace.Report(DiskFullWhat(e), e))
                return;
            var errors = _dispatcherErrors.AddOrUpdate(trialId, 1, (_, n) => n + 1);
            var number = await TrialNumberAsync(trialId).ConfigureAwait(false);
            _log.DispatcherError(number, errors, MaxDispatcherErrors, $"{e.GetType().Name}: {e.Message}", e);
            if (errors >= MaxDispatcherErrors)
                await TryFailAnyAsync(trialId, number, string.Create(CultureInfo.InvariantCulture, $"dispatcher error ({MaxDispatcherErrors} times): {e.GetType().Name}: {e.Message}")).ConfigureAwait(false);
            await TryReleaseAsync(trialId).ConfigureAwait(false);
        }
        finally
        {
            _active.TryRemove(trialId, out _);
            if (claimed)
                TrialLeft?.Invoke(trialId);
        }
    }

    /// <summary>What a disk-full failure was writing, for the message that stops the run.</summary>
    private string DiskFullWhat(Exception e) =>
        e is System.Data.Common.DbException || e.InnerException is System.Data.Common.DbException
            ? $"writing the study database{(_options.JobStore.StudyDatabasePath is { } db ? " " + db : "")}"
            : "running a trial";

    /// <summary>Hands the trial back (best effort: a lease left behind runs out by itself).</summary>
    private async Task TryReleaseAsync(long trialId)
    {
        try
        {
            await _store.ReleaseLeaseAsync(trialId, _owner, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LeaseReleaseFailed(trialId, $"{e.GetType().Name}: {e.Message}", e);
        }
    }

    private async Task TryFailAnyAsync(long trialId, int number, string reason)
    {
        try
        {
            // A Waiting trial has no owner yet; a Running one is failed only by its owner (this
            // runner, when it still holds the lease), never under another dispatcher's feet.
            var t = await _store.GetTrialAsync(trialId).ConfigureAwait(false);
            if (t is { State: TrialState.Waiting })
                await _store.TryFailAsync(trialId, reason, TrialState.Waiting).ConfigureAwait(false);
            else if (t is { State: TrialState.Running })
                await FinishAsync(trialId, TrialState.Fail, null, reason, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The driver will see the trial unfinished again and schedule it.
            _log.CouldNotFail(number, $"{e.GetType().Name}: {e.Message}", e);
        }
    }

    /// <summary>The trial's number for a log line (-1 when even that cannot be read).</summary>
    private async Task<int> TrialNumberAsync(long trialId)
    {
        try
        {
            return (await _trials.RefreshAsync().ConfigureAwait(false)).FirstOrDefault(t => t.Id == trialId)?.Number ?? -1;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return -1;
        }
    }

    /// <returns>Whether this delivery claimed the trial.</returns>
    private async Task<bool> RunAsync(long trialId, CancellationToken cancellationToken)
    {
        var trial = await _store.GetTrialAsync(trialId, cancellationToken).ConfigureAwait(false);
        if (trial is null)
            return false;
        if (trial.State.IsFinished())
        {
            // A dispatcher killed after committing the result but before closing the attempt:
            // this delivery finds the trial finished; it starts nothing and closes that attempt
            // with the outcome already committed, so no attempt stays open for ever.
            await CloseFinishedAsync(trial, cancellationToken).ConfigureAwait(false);
            return false;
        }
        var attrs = await _store.GetTrialAttrsAsync(trialId, AttrScope.System, cancellationToken).ConfigureAwait(false);
        if (trial.State == TrialState.Waiting && attrs.TryGetValue(SystemAttrs.ControlStop, out var early))
        {
            if (await _store.TrySetStateAsync(trialId, TrialState.Cancelled, TrialState.Waiting, reason: TrialStop.RequestText(early), cancellationToken: cancellationToken).ConfigureAwait(false))
                _log.CancelledBeforeStart(trial.Number);
            return false;
        }

        await WaitForLeaseEndAsync(trialId, cancellationToken).ConfigureAwait(false);
        var held = new HeldSlot(await _slots.AcquireAsync(cancellationToken).ConfigureAwait(false));
        try
        {
            return await ClaimAndRunAsync(trial, held, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            held.Lease.Dispose();
        }
    }

    /// <returns>Whether this delivery claimed the trial.</returns>
    private async Task<bool> ClaimAndRunAsync(FrozenTrial trial, HeldSlot held, CancellationToken cancellationToken)
    {
        var trialId = trial.Id;
        var claim = await ClaimAsync(trialId, cancellationToken).ConfigureAwait(false);
        if (!claim.Claimed)
        {
            if (claim.State.IsFinished() && await _store.GetTrialAsync(trialId, cancellationToken).ConfigureAwait(false) is { } done)
                await CloseFinishedAsync(done, cancellationToken).ConfigureAwait(false);
            // Otherwise another dispatcher holds a live lease: it runs the trial, and if it dies
            // the reconciler queues the trial again when the lease runs out.
            return false;
        }
        trial = await _store.GetTrialAsync(trialId, cancellationToken).ConfigureAwait(false) ?? trial;
        var dir = TrialDirectory(trial.Number);
        var attrs = await _store.GetTrialAttrsAsync(trialId, AttrScope.System, cancellationToken).ConfigureAwait(false);
        if (claim.TookOver)
        {
            // Taken over from a dispatcher that died or stalled: its trainer may still run.
            await KillStaleAsync(attrs, Path.Combine(dir, "trainer.log"), cancellationToken).ConfigureAwait(false);
            await CloseOpenAttemptsAsync(trialId, AttemptReasons.Lost, cancellationToken).ConfigureAwait(false);
        }
        if (attrs.TryGetValue(SystemAttrs.ControlStop, out var stop))
        {
            await FinishAsync(trialId, TrialState.Cancelled, null, TrialStop.RequestText(stop), cancellationToken).ConfigureAwait(false);
            _log.CancelledBeforeStart(trial.Number);
            return true;
        }
        await using var ownership = new LeaseKeeper(this, trialId, cancellationToken);
        await RunAttemptsAsync(trial, dir, held, ownership, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// A delivery of a trial whose lease runs out within a lease and a bit waits for it (holding
    /// no slot) before it claims: when a node dies, Hangfire delivers its job again after the
    /// invisibility timeout, and waiting here starts the trial as soon as the lease allows rather
    /// than at the reconciler's next round. An owner that is alive renews meanwhile, and the claim
    /// then fails as it would have.
    /// </summary>
    private async Task WaitForLeaseEndAsync(long trialId, CancellationToken cancellationToken)
    {
        var lease = await _store.GetLeaseAsync(trialId, cancellationToken).ConfigureAwait(false);
        if (lease is not { Owner: { } owner, LeaseUntil: { } until } || owner == _owner)
            return;
        var left = until - _options.TimeProvider.GetUtcNow();
        if (left <= TimeSpan.Zero || left > _options.LeaseDuration + TimeSpan.FromSeconds(2)
            || LeaseOwner.Parse(owner) is { } holder && holder.IsDeadOn(_options.Node))
            return;
        await Task.Delay(left + TimeSpan.FromMilliseconds(50), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Claims the trial; a lease whose owner died on this node is taken over at once.</summary>
    private async Task<TrialClaim> ClaimAsync(long trialId, CancellationToken cancellationToken)
    {
        var current = await _store.GetLeaseAsync(trialId, cancellationToken).ConfigureAwait(false);
        var dead = LeaseOwner.Parse(current?.Owner) is { } holder && holder.IsDeadOn(_options.Node) ? current!.Owner : null;
        return await _store.TryClaimAsync(trialId, _owner, _options.LeaseDuration, dead, cancellationToken).ConfigureAwait(false);
    }

    private Task CloseFinishedAsync(FrozenTrial trial, CancellationToken cancellationToken) =>
        CloseOpenAttemptsAsync(trial.Id, LeftOpenReason(trial), cancellationToken);

    /// <summary>How an attempt a killed dispatcher left open is closed once its trial is finished or paused: with the committed outcome (a paused trial's reason, "paused at step S", is its attempt's too).</summary>
    internal static string LeftOpenReason(FrozenTrial trial) =>
        trial.State == TrialState.Complete ? AttemptReasons.Completed : trial.FailReason ?? AttemptReasons.Lost;

    /// <summary>The slot a trial holds; an out-of-GPU-memory retry swaps it for another.</summary>
    private sealed class HeldSlot(SlotPool.SlotLease lease)
    {
        public SlotPool.SlotLease Lease { get; set; } = lease;
    }

    /// <summary>Runs attempts on the held slot until the trial is finished, the lease is lost or the dispatcher shuts down.</summary>
    private async Task RunAttemptsAsync(FrozenTrial trial, string dir, HeldSlot held, LeaseKeeper ownership, CancellationToken cancellationToken)
    {
        var trialId = trial.Id;
        var lease = held.Lease;
        Directory.CreateDirectory(dir);
        await _store.SetTrialAttrAsync(trialId, AttrScope.System, SystemAttrs.TrialDir, dir, cancellationToken).ConfigureAwait(false);
        await _store.SetTrialAttrAsync(trialId, AttrScope.System, SystemAttrs.Slot, lease.Slot.Id, cancellationToken).ConfigureAwait(false);

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ownership.Lost)
                return;
            var previous = await _store.GetAttemptsAsync(trialId, cancellationToken).ConfigureAwait(false);
            var attempt = await _store.StartAttemptAsync(trialId, new AttemptStart(_options.Node, lease.Slot.Id, _options.WorkerId), cancellationToken).ConfigureAwait(false);
            if (attempt is null)
                return; // finished meanwhile
            var request = BuildRequest(trial, attempt.Number, dir, lease.Slot, resume: previous.Count > 0);
            var observer = new AttemptRecorder(this, trial, attempt, await PauseStepAsync(trial, cancellationToken).ConfigureAwait(false));
            AttemptResult result;
            try
            {
                result = await _runner.RunAsync(request, observer, ownership.Token).ConfigureAwait(false);
            }
            finally
            {
                await observer.DisposeAsync().ConfigureAwait(false);
            }

            var exit = result.Exit?.ExitCode;
            switch (result.Outcome)
            {
                case AttemptOutcome.Completed c:
                    // Usually committed already at the final line; commit before closing the attempt.
                    await CompleteAsync(trialId, c.FinalMetrics, CancellationToken.None).ConfigureAwait(false);
                    await _store.EndAttemptAsync(attempt.Id, exit, AttemptReasons.Completed, CancellationToken.None).ConfigureAwait(false);
                    return;
                case AttemptOutcome.Pruned p:
                    var last = await LastObjectiveAsync(trialId).ConfigureAwait(false);
                    var reason = p.LastStep is { } s
                        ? string.Create(CultureInfo.InvariantCulture, $"pruned by {_prunerName} at step {s}")
                        : $"pruned by {_prunerName}";
                    await FinishAsync(trialId, TrialState.Pruned, last, reason).ConfigureAwait(false);
                    await _store.EndAttemptAsync(attempt.Id, exit, reason, CancellationToken.None).ConfigureAwait(false);
                    return;
                case AttemptOutcome.Paused p:
                    // Checkpointed at its rung: the slot is free for the driver's next promotion or trial.
                    var at = p.LastStep is { } step ? string.Create(CultureInfo.InvariantCulture, $" at step {step}") : "";
                    if (await FinishAsync(trialId, TrialState.Paused, null, $"paused{at}").ConfigureAwait(false))
                        _log.TrialPaused(trial.Number, p.LastStep ?? -1);
                    await _store.EndAttemptAsync(attempt.Id, exit, $"{AttemptReasons.Paused}{at}", CancellationToken.None).ConfigureAwait(false);
                    return;
                case AttemptOutcome.Interrupted when ownership.Lost:
                    // Another dispatcher owns the trial now, or someone finished it: nothing of ours to commit.
                    await _store.EndAttemptAsync(attempt.Id, exit, $"{AttemptReasons.Interrupted}: {LeaseKeeper.LostReason}", CancellationToken.None).ConfigureAwait(false);
                    return;
                case AttemptOutcome.Interrupted i:
                    await _store.EndAttemptAsync(attempt.Id, exit, $"{AttemptReasons.Interrupted}: {i.Reason}", CancellationToken.None).ConfigureAwait(false);
                    // Shutdown: the trial stays Running and is handed back, so whoever runs next resumes it at once.
                    await TryReleaseAsync(trialId).ConfigureAwait(false);
                    throw new OperationCanceledException("the dispatcher is shutting down", cancellationToken);
                case AttemptOutcome.Failed { Kind: FailureKind.Stopped }:
                    var why = observer.UserStopReason ?? TrialStop.Reason(null, null);
                    await FinishAsync(trialId, TrialState.Cancelled, null, why).ConfigureAwait(false);
                    await _store.EndAttemptAsync(attempt.Id, exit, why, CancellationToken.None).ConfigureAwait(false);
                    return;
                case AttemptOutcome.Failed { Kind: FailureKind.OutOfMemory } oom when lease.Slot.CudaVisibleDevices is not null && GpuOutOfMemory.IsGpu(oom.Reason):
                    var decision = _slots.ReportOutOfMemory(lease);
                    var oomRetries = previous.Count(a => AttemptReasons.IsOutOfMemoryRetry(a.Reason));
                    if (decision.Retry && oomRetries < MaxOutOfMemoryRetries)
                    {
                        // Not a failure and not a crash retry: the trial waits for a slot where fewer
                        // trials share the GPU, and resumes from its last checkpoint if it has one.
                        await _store.EndAttemptAsync(attempt.Id, exit, $"{AttemptReasons.OutOfMemoryRetry} ({decision.Why}); retried: {oom.Reason}", CancellationToken.None).ConfigureAwait(false);
                        _log.OutOfMemoryRetry(trial.Number, decision.Why, oomRetries + 1, MaxOutOfMemoryRetries);
                        lease.Dispose();
                        held.Lease = lease = await _slots.AcquireAsync(cancellationToken).ConfigureAwait(false);
                        await _store.SetTrialAttrAsync(trialId, AttrScope.System, SystemAttrs.Slot, lease.Slot.Id, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    var oomReason = decision.Retry
                        ? string.Create(CultureInfo.InvariantCulture, $"{oom.Reason} (after {oomRetries} retries with fewer neighbours)")
                        : $"{oom.Reason} ({decision.Why})";
                    await FinishAsync(trialId, TrialState.Fail, null, oomReason).ConfigureAwait(false);
                    await _store.EndAttemptAsync(attempt.Id, exit, oomReason, CancellationToken.None).ConfigureAwait(false);
                    return;
                case AttemptOutcome.Failed f:
                    await _store.EndAttemptAsync(attempt.Id, exit, f.Reason, CancellationToken.None).ConfigureAwait(false);
                    var crashes = previous.Count(a => AttemptReasons.IsCrash(a.Reason)) + 1;
                    if (f.Kind == FailureKind.Crashed && crashes <= _definition.Budget.Retries)
                        continue; // retry, resuming from the last checkpoint
                    var attempts = f.Kind == FailureKind.Crashed && crashes > 1 ? $" (after {crashes} attempts)" : "";
                    await FinishAsync(trialId, TrialState.Fail, null, f.Reason + attempts).ConfigureAwait(false);
                    return;
            }
        }
    }

    /// <summary>
    /// Promotion mode: the step at which this attempt pauses the trial — the rung the driver promoted
    /// it to (<see cref="SystemAttrs.PromotedUntil"/>), else its first rung; null when it runs to the end
    /// (no promotion schedule, or promoted past its last rung).
    /// </summary>
    private async Task<long?> PauseStepAsync(FrozenTrial trial, CancellationToken cancellationToken)
    {
        if (_promotion is null)
            return null;
        var attrs = await _store.GetTrialAttrsAsync(trial.Id, AttrScope.System, cancellationToken).ConfigureAwait(false);
        var until = attrs.TryGetValue(SystemAttrs.PromotedUntil, out var u) && u.ValueKind == JsonValueKind.Number
            ? u.GetInt64()
            : _promotion.NextStop(trial.Number, -1);
        return until < _promotion.MaxResource ? until : null;
    }

    /// <summary>The owner's commit: refused (false) when this runner no longer owns the trial.</summary>
    private async Task<bool> FinishAsync(long trialId, TrialState to, double? value, string? reason, CancellationToken cancellationToken = default) =>
        Committed(trialId, await _store.TryFinishOwnedAsync(trialId, _owner, to, value, reason, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// After a commit the lease has ended and the trainer may still be exiting: its keeper stops
    /// renewing, so the refused renewal does not read as a lost lease that kills the trainer.
    /// </summary>
    private bool Committed(long trialId, bool committed)
    {
        if (committed && _leases.TryGetValue(trialId, out var keeper))
            keeper.Committed();
        return committed;
    }

    private async Task<double?> LastObjectiveAsync(long trialId)
    {
        var values = await _store.GetIntermediateValuesAsync(trialId, _study.ObjectiveMetric, CancellationToken.None).ConfigureAwait(false);
        return values.Count == 0 ? null : values[^1].Value;
    }

    private AttemptRequest BuildRequest(FrozenTrial trial, int attempt, string dir, TrainerSlot slot, bool resume)
    {
        var studyDir = _definition.SourcePath is { } src ? Path.GetDirectoryName(src) : null;
        var request = new AttemptRequest
        {
            TrialId = trial.Id,
            TrialNumber = trial.Number,
            Attempt = attempt,
            Params = trial.Params,
            Command = TrainerCommand.HommTrain("homm-train"),
            TrialDirectory = dir,
            Slot = slot,
            Timeout = _definition.Budget.TrialTimeout,
            LogMaxBytes = _definition.Trainer.LogMaxBytes,
            Resume = resume,
            StudyName = _study.Name,
            StudyDirectory = studyDir,
            Objective = _study.ObjectiveMetric,
            // A custom trainer's metrics names are only known when it runs; the built-in one's are checked by validate.
            ObjectiveInEveryMetricsLine = _definition.Trainer is CommandTrainerDefinition,
        };
        switch (_definition.Trainer)
        {
            case HommTrainerDefinition homm:
                var exe = _options.HommTrainExecutable
                    ?? throw new InvalidOperationException("this study uses the built-in trainer, but no homm-train executable was given");
                return request with
                {
                    Command = TrainerCommand.HommTrain(exe),
                    Settings = HommTrainerSettingsJson.ToJson(homm.Resolve(trial.Params)),
                };
            case CommandTrainerDefinition command:
                var workingDir = command.WorkingDirectory is { } wd
                    ? Path.GetFullPath(wd, studyDir ?? Directory.GetCurrentDirectory())
                    : studyDir;
                return request with
                {
                    Command = TrainerCommand.Custom(command.Command, command.Environment),
                    WorkingDirectory = workingDir,
                };
            default:
                throw new InvalidOperationException($"unknown trainer kind {_definition.Trainer.GetType().Name}");
        }
    }

    private async Task KillStaleAsync(IReadOnlyDictionary<string, JsonElement> attrs, string logPath, CancellationToken cancellationToken)
    {
        if (!attrs.TryGetValue(SystemAttrs.Process, out var p) || p.ValueKind != JsonValueKind.Object)
            return;
        var node = p.TryGetProperty("node", out var n) ? n.GetString() : null;
        var pid = p.GetProperty("pid").GetInt32();
        using var log = new TrainerLog(logPath);
        if (node != _options.Node)
        {
            log.Note($"the previous attempt ran on node {node} (pid {pid}); it cannot be checked from {_options.Node}");
            return;
        }
        var identity = new ProcessIdentity(
            pid,
            p.GetProperty("pgid").GetInt32(),
            p.TryGetProperty("start_time", out var st) && st.ValueKind == JsonValueKind.Number ? st.GetUInt64() : null,
            p.TryGetProperty("boot_id", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null);
        var report = await _killer.KillAsync(identity, cancellationToken).ConfigureAwait(false);
        log.Note($"recovering the trial: {report.Message}");
    }

    private async Task CloseOpenAttemptsAsync(long trialId, string reason, CancellationToken cancellationToken)
    {
        foreach (var a in await _store.GetAttemptsAsync(trialId, cancellationToken).ConfigureAwait(false))
        {
            if (a.Ended is null)
                await _store.EndAttemptAsync(a.Id, null, reason, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Completes the trial with its final line: every final metric is kept first (the test set's
    /// <c>test/*</c> only there, never as intermediate values a pruner or sampler reads), then the
    /// objective's value finishes the trial. A finished trial refuses the write, so a repeat of
    /// this after a crash between the two writes changes nothing but what is missing.
    /// </summary>
    private async Task CompleteAsync(long trialId, IReadOnlyDictionary<string, double> finalMetrics, CancellationToken cancellationToken = default)
    {
        await _store.SetTrialAttrAsync(trialId, AttrScope.System, SystemAttrs.FinalMetrics, FinalMetricsJson.ToJson(finalMetrics), cancellationToken).ConfigureAwait(false);
        if (!_study.IsMultiObjective)
        {
            await FinishAsync(trialId, TrialState.Complete, finalMetrics[_study.ObjectiveMetric], reason: null, cancellationToken).ConfigureAwait(false);
            return;
        }
        // Several objectives: trainer metrics from the final line, info/… from the trainer's info
        // lines (homm-train reports params and FLOPs at start, ms/step and peak memory at the end).
        var attrs = await _store.GetTrialAttrsAsync(trialId, AttrScope.System, cancellationToken).ConfigureAwait(false);
        var values = new double[_study.Objectives.Count];
        var missing = new List<string>();
        for (var i = 0; i < values.Length; i++)
        {
            var metric = _study.Objectives[i].Metric;
            if (metric.StartsWith(SystemAttrs.InfoPrefix, StringComparison.Ordinal))
            {
                if (attrs.TryGetValue(metric, out var info) && info.ValueKind == JsonValueKind.Number)
                    values[i] = info.GetDouble();
                else
                    missing.Add(metric);
            }
            else if (!finalMetrics.TryGetValue(metric, out values[i]))
            {
                missing.Add(metric);
            }
        }
        if (missing.Count > 0)
        {
            await FinishAsync(trialId, TrialState.Fail, null, $"the trainer did not report the objective{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)} " +
                                                              "(metrics in its final line, info/… in an info line)", cancellationToken).ConfigureAwait(false);
            return;
        }
        if (Array.FindIndex(values, double.IsNaN) is var nan and >= 0)
        {
            await FinishAsync(trialId, TrialState.Fail, null, $"the objective {_study.Objectives[nan].Metric} is NaN", cancellationToken).ConfigureAwait(false);
            return;
        }
        Committed(trialId, await _store.TryCompleteOwnedAsync(trialId, _owner, values, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Keeps the trial's lease alive while it runs (<see cref="DispatchOptions.LeaseRenewInterval"/>).
    /// When a renewal is refused — another dispatcher took the trial over, or someone finished it
    /// (a user's cancel) — <see cref="Token"/> is cancelled, which stops the trainer.
    /// </summary>
    private sealed class LeaseKeeper : IAsyncDisposable
    {
        public const string LostReason = "this dispatcher no longer owns the trial (it was finished elsewhere or taken over)";

        private readonly TrialRunner _owner;
        private readonly long _trialId;
        private readonly CancellationTokenSource _stop;
        private readonly CancellationTokenSource _done = new();
        private readonly Task _loop;
        private volatile bool _lost;

        public LeaseKeeper(TrialRunner owner, long trialId, CancellationToken shutdown)
        {
            _owner = owner;
            _trialId = trialId;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
            owner._leases[trialId] = this;
            _loop = RenewAsync();
        }

        /// <summary>This runner committed the trial: the lease has ended and needs no renewal.</summary>
        public void Committed() => _done.Cancel();

        /// <summary>Cancelled at shutdown or when the lease is lost.</summary>
        public CancellationToken Token => _stop.Token;

        public bool Lost => _lost;

        private async Task RenewAsync()
        {
            var options = _owner._options;
            while (!_done.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(options.LeaseRenewInterval, options.TimeProvider, _done.Token).ConfigureAwait(false);
                    if (!await _owner._store.RenewLeaseAsync(_trialId, _owner._owner, options.LeaseDuration, _done.Token).ConfigureAwait(false))
                    {
                        _lost = true;
                        await _stop.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
                catch (OperationCanceledException) when (_done.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // The database is briefly unavailable: try again; the lease outlives a few misses.
                    _owner._log.LeaseRenewFailed(_trialId, $"{e.GetType().Name}: {e.Message}", e);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _owner._leases.TryRemove(_trialId, out _);
            await _done.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            _done.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>
    /// Records one attempt as it runs: its process (for a later recovery), metrics (and the
    /// pruner's verdict), info, checkpoints, the final result; polls for a user's stop.
    /// </summary>
    private sealed class AttemptRecorder(TrialRunner owner, FrozenTrial trial, TrialAttempt attempt, long? pauseAt) : IAttemptObserver, IAsyncDisposable
    {
        private readonly CancellationTokenSource _done = new();
        private readonly StepOrder _steps = new();
        private Task _poll = Task.CompletedTask;

        public string? UserStopReason { get; private set; }

        public async ValueTask OnStartedAsync(IAttemptControl control)
        {
            var p = control.Process;
            var store = owner._store;
            await store.SetAttemptProcessAsync(attempt.Id, p.Pid, p.ProcessGroupId).ConfigureAwait(false);
            var process = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
            {
                ["attempt"] = attempt.Number,
                ["node"] = owner._options.Node,
                ["pid"] = p.Pid,
                ["pgid"] = p.ProcessGroupId,
                ["start_time"] = p.StartTime,
                ["boot_id"] = p.BootId,
            });
            await store.SetTrialAttrAsync(trial.Id, AttrScope.System, SystemAttrs.Process, process).ConfigureAwait(false);
            _poll = PollForStopAsync(control);
        }

        public async ValueTask OnEventAsync(TrainerEvent trainerEvent, IAttemptControl control)
        {
            try
            {
                await RecordAsync(trainerEvent, control).ConfigureAwait(false);
            }
            catch (Exception e) when (DiskSpace.Report(owner.DiskFullWhat(e), e))
            {
                // Said at once, so the driver stops the study now rather than when this attempt has unwound.
                throw;
            }
        }

        private async ValueTask RecordAsync(TrainerEvent trainerEvent, IAttemptControl control)
        {
            var store = owner._store;
            switch (trainerEvent)
            {
                case MetricsReported m:
                    await store.ReportAsync(trial.Id, m.Step, m.Metrics).ConfigureAwait(false);
                    var order = _steps.Check(m);
                    if (order.Note(attempt.Number) is { } note)
                        await TrialNotes.AddAsync(store, trial.Id, note).ConfigureAwait(false);
                    if (!m.Metrics.ContainsKey(owner._study.ObjectiveMetric) || !order.InOrderFor(owner._study.ObjectiveMetric))
                        break;
                    // Promotion mode: the rung's value is stored; pause (checkpoint, free the slot) rather than judge.
                    if (pauseAt is { } rung && m.Step >= rung)
                        control.Stop(StopReason.Paused);
                    else if (await ShouldPruneAsync().ConfigureAwait(false))
                        control.Stop(StopReason.Pruned);
                    break;
                case InfoReported info:
                    foreach (var (key, value) in info.Values)
                        await store.SetTrialAttrAsync(trial.Id, AttrScope.System, SystemAttrs.InfoPrefix + key, value).ConfigureAwait(false);
                    break;
                case FinalResultReported final when control.StopRequested is null
                                                    && final.Metrics.TryGetValue(owner._study.ObjectiveMetric, out var value)
                                                    && double.IsFinite(value):
                    // Commit the result the moment it arrives, not when the process has exited: a
                    // dispatcher killed in between would run the trial to completion again.
                    await owner.CompleteAsync(trial.Id, final.Metrics).ConfigureAwait(false);
                    break;
                case CheckpointReported c:
                    await store.SetTrialAttrAsync(trial.Id, AttrScope.System, SystemAttrs.Checkpoint,
                        JsonSerializer.SerializeToElement(new { path = c.Path, step = c.Step })).ConfigureAwait(false);
                    break;
            }
        }

        private async Task<bool> ShouldPruneAsync()
        {
            var trials = await owner._trials.RefreshAsync().ConfigureAwait(false);
            var self = trials.FirstOrDefault(t => t.Id == trial.Id);
            if (self is not { State: TrialState.Running })
                return false;
            return owner._pruner.ShouldPrune(new StudySnapshot(owner._study.Directions, owner._study.SearchSpace, trials), self);
        }

        private async Task PollForStopAsync(IAttemptControl control)
        {
            var time = owner._options.TimeProvider;
            try
            {
                while (!_done.IsCancellationRequested)
                {
                    await Task.Delay(owner._options.ControlPollInterval, time, _done.Token).ConfigureAwait(false);
                    var attrs = await owner._store.GetTrialAttrsAsync(trial.Id, AttrScope.System, _done.Token).ConfigureAwait(false);
                    if (attrs.TryGetValue(SystemAttrs.ControlStop, out var stop))
                    {
                        UserStopReason = TrialStop.RequestText(stop);
                        control.Stop(StopReason.User);
                        return;
                    }
                    // Finished by someone else through the store (a user's cancel): stop at once
                    // rather than at the next lease renewal.
                    if (await owner._store.GetTrialAsync(trial.Id, _done.Token).ConfigureAwait(false) is { } now && now.State.IsFinished())
                    {
                        UserStopReason = $"the trial was finished elsewhere ({now.State}{(now.FailReason is { } r ? ": " + r : "")})";
                        control.Stop(StopReason.User);
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The attempt ended.
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A failed poll must not take the attempt down; the next attempt polls again.
                owner._log.StopPollFailed(trial.Number, $"{e.GetType().Name}: {e.Message}", e);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _done.CancelAsync().ConfigureAwait(false);
            await _poll.ConfigureAwait(false);
            _done.Dispose();
        }
    }
}
