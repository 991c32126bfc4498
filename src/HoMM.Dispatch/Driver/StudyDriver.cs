using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using HoMM.Core.Pruners;
using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;
using HoMM.Dispatch.Checkpoints;
using HoMM.Dispatch.Logging;
using HoMM.Dispatch.Scheduling;
using HoMM.Dispatch.Slots;
using HoMM.Storage;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Algorithms;
using HoMM.StudyFiles.Constraints;
using HoMM.StudyFiles.Trainer;
using Microsoft.Extensions.Logging;

namespace HoMM.Dispatch.Driver;

/// <summary>Why <see cref="StudyDriver.RunAsync"/> returned.</summary>
public enum DriverEnd
{
    /// <summary>max_trials trials are finished.</summary>
    BudgetSpent,

    /// <summary>The study's timeout passed and the running trials have ended.</summary>
    TimedOut,

    /// <summary>The sampler has nothing new to propose (a grid is done) and the running trials have ended.</summary>
    SearchSpaceExhausted,

    /// <summary>The caller stopped the driver (Ctrl-C): running trials checkpointed and resume next time.</summary>
    Stopped,

    /// <summary>
    /// budget.max_consecutive_failures trials in a row failed with the same reason
    /// (<see cref="StudyDriver.FailureReason"/>); running trials checkpointed and resume next time.
    /// </summary>
    TooManyFailures,

    /// <summary>
    /// <see cref="StudyDriver.MaxInfeasibleRounds"/> rounds of proposals in a row found no
    /// configuration that passes the constraints, and no trial was left running
    /// (<see cref="StudyDriver.FailureReason"/> says why): the constraints exclude the search space.
    /// </summary>
    NoFeasibleProposal,

    /// <summary>
    /// A write failed because the disk (or quota) is full (<see cref="StudyDriver.FailureReason"/>
    /// says which); running trials were interrupted and resume at the next run once space is freed.
    /// </summary>
    DiskFull,
}

/// <summary>What the driver is doing, for a progress display.</summary>
/// <param name="Paused">The study's <c>control/paused</c> attr is true: no new trials start.</param>
/// <param name="Draining">No new trials start (budget, timeout, exhausted search space); the running ones finish.</param>
/// <param name="Note">When no trial runs, why not ("paused", "no feasible proposal: ...", "waiting for a cluster worker ..."); else null.</param>
public sealed record DriverState(bool Paused, bool Draining, string? Note);

/// <summary>
/// Runs a study on this machine: keeps up to <c>max_parallel</c> trials in flight (never more than
/// slots), running existing Waiting trials first (lowest number first: trials enqueued in the study
/// file, from the dashboard or the CLI) and otherwise asking the sampler over every stored trial,
/// writing the Waiting trial and queueing its job; stops starting trials when the budget is
/// spent, the timeout passed or the study is paused (<c>control/paused</c>, polled about once a second).
/// <para>
/// Every trial passes the study's <see cref="TrialRules"/> before it starts: a Waiting trial that
/// breaks them (enqueued before a constraint could be checked, or written to the store by anyone)
/// fails with the reason and the study goes on, so no trial can block it.
/// </para>
/// <para>
/// Exactly <c>max_trials</c> trials finish: a new trial is created only while finished + unfinished
/// trials are fewer, and a Waiting trial is started only while finished + running are fewer.
/// </para>
/// </summary>
public sealed class StudyDriver
{
    private IReadOnlySet<long> _imported = new HashSet<long>();
    private readonly ITrialStore _store;
    private readonly StudyRecord _study;
    private readonly StudyDefinition _definition;
    private readonly DispatchOptions _options;
    private readonly TimeProvider _time;
    private readonly TrialRules _rules;
    private readonly ILogger _log;
    private readonly ITrialQueue? _sharedQueue;
    private readonly IPromotionSchedule? _promotion;
    private readonly HashSet<long> _inFlight = [];
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0);
    private volatile DriverState _state = new(false, false, "starting");

    /// <param name="store">Where the study lives.</param>
    /// <param name="study">The study to drive.</param>
    /// <param name="definition">Its validated study file.</param>
    /// <param name="options">How this machine runs it.</param>
    /// <param name="queue">
    /// A queue of this study the caller owns and runs (a cluster worker's, when the worker drives
    /// the study in-process): the driver only adds jobs to it. Null: the driver opens the study's
    /// queue from <see cref="DispatchOptions.JobStore"/> and shuts it down at the end.
    /// </param>
    public StudyDriver(ITrialStore store, StudyRecord study, StudyDefinition definition, DispatchOptions options, ITrialQueue? queue = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _study = study;
        _definition = definition;
        _options = options;
        _time = options.TimeProvider;
        _log = options.Logger;
        var c = definition.Constraints;
        if ((c.MaxParams is not null || c.MaxFlops is not null) && (definition.Trainer is not HommTrainerDefinition || options.ModelSize is null))
            throw new InvalidOperationException("constraints max_params/max_flops need the built-in trainer's model counter, which this build does not provide");
        if (definition.Trainer is HommTrainerDefinition && options.HommTrainExecutable is null)
            throw new InvalidOperationException("this study uses the built-in trainer (homm-train), but its executable was not found");
        _rules = StudyRules.For(definition, options.ModelSize);
        _promotion = definition.Pruner.PromotionSchedule(definition.Trainer.FullRunSteps);
        var plan = SlotPlanner.ForStudy(definition, options.ProcessorCount, options.DetectGpus, options.ModelShape, _rules);
        Slots = plan.Slots;
        SlotSummary = plan.Summary;
        MaxParallel = Math.Min(definition.Budget.MaxParallel ?? Slots.Count, Slots.Count);
        _sharedQueue = queue;
    }

    /// <summary>The slots of this worker.</summary>
    public IReadOnlyList<Processes.TrainerSlot> Slots { get; }

    /// <summary>How the slots were planned, e.g. "gpu0 (80 GiB): 6 trials, gpu1 (22 GiB): 2 trials, estimate 9.1 GiB/trial (...)".</summary>
    public string SlotSummary { get; }

    /// <summary>Trials run at once: max_parallel, at most one per slot.</summary>
    public int MaxParallel { get; }

    public DriverState State => _state;

    /// <summary>After <see cref="DriverEnd.TooManyFailures"/>: the reason the trials failed with; after
    /// <see cref="DriverEnd.NoFeasibleProposal"/>: why no proposal passed the rules; after
    /// <see cref="DriverEnd.DiskFull"/>: the write that failed.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>
    /// Rounds of proposals (each <see cref="ProposalOptions.MaxProposalAttempts"/> tries) that may all
    /// fail in a row before the driver gives up: a few seconds of trying, enough for constraints that
    /// leave a sliver of the space, far less than waiting forever on ones that leave nothing.
    /// </summary>
    public const int MaxInfeasibleRounds = 10;

    /// <summary>Runs until the budget is spent, the timeout passes or <paramref name="stop"/> is cancelled.</summary>
    public async Task<DriverEnd> RunAsync(CancellationToken stop)
    {
        var trials = new StudyTrials(_store, _study.Id);
        var sampler = SamplerCatalog.Create(_definition.Sampler.Kind, Options(_definition.Sampler.Options), _definition.Sampler.Seed);
        var proposer = new TrialProposer(_rules, sampler);
        var pruner = CreatePruner(_definition.Pruner);
        var pool = new SlotPool(Slots);
        var runner = new TrialRunner(_store, _study, _definition, pruner, pool, trials, _options);
        runner.TrialLeft += id =>
        {
            lock (_lock)
                _inFlight.Remove(id);
            _wake.Release();
        };

        var own = _sharedQueue is null ? TrialQueue.ForStudy(_options.JobStore, _study.Id, runner, Slots.Count) : null;
        try
        {
            var queue = _sharedQueue ?? own!.Study(_study.Id);
            var finishedBefore = await ReconcileAsync(queue, trials, stop).ConfigureAwait(false);
            // Without a local worker this process only queues jobs; the cluster's workers run them.
            if (own is not null && _options.LocalWorker)
                own.Start();
            return await DriveAsync(queue, trials, proposer, new FailureStreak(_definition.Budget.MaxConsecutiveFailures, finishedBefore), stop).ConfigureAwait(false);
        }
        finally
        {
            // Interrupts the running attempts (stop line: trainers checkpoint) and waits for them.
            if (own is not null)
                await own.ShutdownAsync().ConfigureAwait(false);
        }
    }

    private async Task<DriverEnd> DriveAsync(ITrialQueue queue, StudyTrials trials, TrialProposer proposer, FailureStreak streak, CancellationToken stop)
    {
        var started = _time.GetTimestamp();
        var worker = new WorkerInfo(_options.WorkerId, _options.Node, Environment.ProcessId, Slots.Count, _study.Name);
        long lastHeartbeat = 0, lastControl = 0, lastReconcile = 0;
        var paused = false;
        var exhausted = false;
        var sweptAt = -1;
        var sweeper = new CheckpointSweeper(_store, _study.Id, _definition.Objective.Direction, _definition.Checkpoints);
        string? problem = null;
        var infeasibleRounds = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (DiskSpace.Problem is { } full)
                {
                    FailureReason = full;
                    _state = new DriverState(paused, true, $"stopped: the disk is full ({full})");
                    return DriverEnd.DiskFull;
                }
                var now = _time.GetTimestamp();
                if (lastHeartbeat == 0 || _time.GetElapsedTime(lastHeartbeat) >= _options.HeartbeatInterval)
                {
                    await _store.HeartbeatAsync(worker, stop).ConfigureAwait(false);
                    lastHeartbeat = now;
                }
                if (lastControl == 0 || _time.GetElapsedTime(lastControl) >= _options.ControlPollInterval)
                {
                    paused = await IsPausedAsync(stop).ConfigureAwait(false);
                    // Imported trials (a fork's history, homm-search import) ran elsewhere: they do not spend the budget.
                    _imported = (await _store.GetTrialAttrOfStudyAsync(_study.Id, AttrScope.System, SystemAttrs.Imported, stop).ConfigureAwait(false)).Keys.ToHashSet();
                    lastControl = now;
                }

                if (lastReconcile == 0 || _time.GetElapsedTime(lastReconcile) >= _options.ReconcileInterval)
                {
                    await LeaseReconciler.DispatchExpiredAsync(_store, _study.Id, queue, _options, id =>
                    {
                        lock (_lock)
                            _inFlight.Add(id);
                    }, stop).ConfigureAwait(false);
                    lastReconcile = now;
                }

                var all = await trials.RefreshAsync(stop).ConfigureAwait(false);
                var finished = SpentBudget(all);
                // Cancelled trials end too: their checkpoints go by the same policy.
                var ended = all.Count(t => t.State.IsFinished());
                if (ended != sweptAt)
                    sweptAt = await SweepCheckpointsAsync(sweeper, all, stop).ConfigureAwait(false) ? ended : sweptAt;
                int flying;
                lock (_lock)
                {
                    // A trial that finished while its job's end was not yet seen is not in flight.
                    _inFlight.RemoveWhere(id => all.FirstOrDefault(t => t.Id == id) is { State: not (TrialState.Waiting or TrialState.Running) });
                    flying = _inFlight.Count;
                }
                if (streak.Check(all) is { } repeated)
                {
                    FailureReason = repeated;
                    _log.TooManyFailures(_definition.Budget.MaxConsecutiveFailures!.Value, repeated);
                    _state = new DriverState(paused, true, $"stopped: {_definition.Budget.MaxConsecutiveFailures} trials in a row failed with: {repeated}");
                    return DriverEnd.TooManyFailures;
                }
                var maxTrials = _definition.Budget.MaxTrials;
                var timedOut = _definition.Budget.Timeout is { } limit && _time.GetElapsedTime(started) >= limit;
                if (!paused && flying == 0 && WhyPausedTrialsEnd(all, finished, timedOut, exhausted, infeasibleRounds) is { } why)
                {
                    await EndPausedAsync(all, why, stop).ConfigureAwait(false);
                    continue;
                }
                if (maxTrials is { } m && finished >= m && flying == 0)
                    return DriverEnd.BudgetSpent;
                if (timedOut && flying == 0)
                    return DriverEnd.TimedOut;
                if (exhausted && flying == 0)
                    return DriverEnd.SearchSpaceExhausted;
                if (infeasibleRounds >= MaxInfeasibleRounds && flying == 0)
                    return DriverEnd.NoFeasibleProposal;

                var budgetFull = maxTrials is { } mt && finished + flying >= mt;
                if (!paused && !timedOut && !exhausted && !budgetFull)
                {
                    try
                    {
                        await FillAsync(queue, all, proposer, stop).ConfigureAwait(false);
                        problem = null;
                        infeasibleRounds = 0;
                    }
                    catch (SearchSpaceExhaustedException e)
                    {
                        exhausted = true;
                        problem = $"the search space is exhausted: {e.Message}";
                        _log.SearchSpaceExhausted(e.Message);
                    }
                    catch (NoFeasibleProposalException e)
                    {
                        var note = $"no feasible proposal: {e.Message}";
                        if (note != problem)
                            _log.NoFeasibleProposal(e.Message);
                        problem = note;
                        infeasibleRounds++;
                        FailureReason = e.Message;
                    }
                }
                lock (_lock)
                    flying = _inFlight.Count;
                var running = all.Count(t => t.State == TrialState.Running);
                _state = new DriverState(paused, timedOut || exhausted || budgetFull,
                    running > 0 ? null : WhyNothingRuns(paused, problem, timedOut, budgetFull, flying));
                try
                {
                    await _wake.WaitAsync(TimeSpan.FromMilliseconds(250), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            return DriverEnd.Stopped;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped in the middle of a store call or a queueing: the same end as between ticks.
            return DriverEnd.Stopped;
        }
        catch (Exception e) when (DiskSpace.Report("writing the study database", e))
        {
            FailureReason = DiskSpace.Problem;
            return DriverEnd.DiskFull;
        }
        finally
        {
            try
            {
                await _store.RemoveWorkerAsync(_options.WorkerId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Best effort: a stale heartbeat row only shows an old worker as silent.
                _log.WorkerNotRemoved(_options.WorkerId, e.Message, e);
            }
        }
    }

    /// <summary>
    /// Promotion mode, nothing in flight: why the paused trials will never be promoted — the study
    /// ends (timeout, exhausted space, no feasible proposal), or every unfinished trial is paused, no
    /// rung can promote one and the budget allows no new trial — else null. A stopped run (Ctrl-C,
    /// kill) never gets here: its paused trials stay paused and the next run promotes them.
    /// </summary>
    private string? WhyPausedTrialsEnd(IReadOnlyList<FrozenTrial> all, int finished, bool timedOut, bool exhausted, int infeasibleRounds)
    {
        if (_promotion is null || !all.Any(t => t.State == TrialState.Paused))
            return null;
        if (timedOut)
            return "the study's timeout passed";
        if (exhausted)
            return "the search space is exhausted";
        if (infeasibleRounds >= MaxInfeasibleRounds)
            return "no feasible proposal";
        var onlyPaused = all.All(t => t.State.IsFinished() || t.State == TrialState.Paused);
        var unfinished = all.Count(t => !t.State.IsFinished());
        return onlyPaused && _definition.Budget.MaxTrials is { } m && finished + unfinished >= m && NextPromotion(all, []) is null
            ? "the budget is spent"
            : null;
    }

    /// <summary>
    /// The paused trials that no promotion reached end Pruned (the trials successive halving did not
    /// keep), with their last objective value and where they stopped; their checkpoints then go by
    /// <c>checkpoints.keep</c>. Compare-and-set from Paused: a trial a person cancelled meanwhile stays cancelled.
    /// </summary>
    private async Task EndPausedAsync(IReadOnlyList<FrozenTrial> all, string why, CancellationToken cancellationToken)
    {
        var ended = 0;
        foreach (var t in all.Where(t => t.State == TrialState.Paused))
        {
            var at = t.LastStep is { } s ? string.Create(CultureInfo.InvariantCulture, $" at step {s}") : "";
            var value = t.LastStep is { } last ? t.IntermediateValues[last] : (double?)null;
            if (await _store.TrySetStateAsync(t.Id, TrialState.Pruned, TrialState.Paused, value, $"paused{at} and not promoted: {why}", cancellationToken).ConfigureAwait(false))
                ended++;
        }
        if (ended > 0)
            _log.PausedTrialsEnded(ended, why);
    }

    /// <summary>The promotion a free slot takes now (the schedule's rule over every stored trial), or null.</summary>
    private Promotion? NextPromotion(IReadOnlyList<FrozenTrial> all, long[] flying)
    {
        if (_promotion is null)
            return null;
        var paused = all.Where(t => t.State == TrialState.Paused && !flying.Contains(t.Id)).Select(t => t.Number).ToHashSet();
        return paused.Count == 0 ? null : _promotion.Next(new StudySnapshot(_study.Directions, _study.SearchSpace, all), paused);
    }

    /// <summary>
    /// Promotes a paused trial: records the step it runs to next, then moves it Paused → Waiting in
    /// the store (the store decides: a trial cancelled meanwhile is not promoted); its job then claims
    /// it like any waiting trial and resumes it from its checkpoint on whichever slot is free.
    /// </summary>
    private async Task<FrozenTrial?> PromoteAsync(List<FrozenTrial> all, Promotion promotion, CancellationToken cancellationToken)
    {
        var index = all.FindIndex(t => t.Number == promotion.TrialNumber);
        var trial = all[index];
        await _store.SetTrialAttrAsync(trial.Id, AttrScope.System, SystemAttrs.PromotedUntil, JsonSerializer.SerializeToElement(promotion.UntilStep), cancellationToken).ConfigureAwait(false);
        if (!await _store.TrySetStateAsync(trial.Id, TrialState.Waiting, TrialState.Paused, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            // Changed meanwhile (cancelled): the next tick reads what it is.
            all[index] = trial with { State = TrialState.Cancelled };
            return null;
        }
        _log.TrialPromoted(trial.Number, promotion.FromRung, promotion.UntilStep);
        all[index] = trial with { State = TrialState.Waiting };
        return all[index];
    }

    /// <summary>The sentence a progress display shows when no trial runs.</summary>
    private string WhyNothingRuns(bool paused, string? problem, bool timedOut, bool budgetFull, int flying) =>
        paused ? "paused: no new trials start; resume from the dashboard"
        : problem is not null ? problem
        : timedOut ? "the study's timeout has passed; no new trials start"
        : budgetFull && flying == 0 ? "the budget is spent"
        : flying > 0 && !_options.LocalWorker ? "waiting for a cluster worker (homm-search worker) to take the queued trials"
        : flying > 0 ? "waiting for the queued trials to start"
        : "proposing the next trial";

    /// <summary>
    /// Before anything runs: every Running trial is in flight and queued again — the store decides
    /// whether the delivery runs it (its owner died: taken over at once; its owner lives on another
    /// node: the delivery returns), so nothing stays Running forever and the queue is never asked
    /// what it holds. Waiting trials are queued by <see cref="FillAsync"/> as slots allow.
    /// </summary>
    /// <returns>The trials finished before this run (they do not count towards a failure streak).</returns>
    private async Task<IReadOnlySet<long>> ReconcileAsync(ITrialQueue queue, StudyTrials trials, CancellationToken cancellationToken)
    {
        var finished = new HashSet<long>();
        var all = await trials.RefreshAsync(cancellationToken).ConfigureAwait(false);
        if (!_options.JobStore.Clustered)
            await CloseLeftAttemptsAsync(all, cancellationToken).ConfigureAwait(false);
        foreach (var t in all)
        {
            if (t.State.IsFinished())
            {
                finished.Add(t.Id);
                continue;
            }
            if (t.State == TrialState.Running)
            {
                lock (_lock)
                    _inFlight.Add(t.Id);
                await queue.EnqueueAsync(t.Id, t.Number, cancellationToken).ConfigureAwait(false);
            }
        }
        return finished;
    }

    /// <summary>
    /// A dispatcher killed between a trial's commit and closing its attempt left that attempt
    /// open. On PostgreSQL the node's job comes back to a live node after the invisibility timeout
    /// and the delivery closes it; a SQLite queue's jobs of a killed process are never delivered
    /// again (one process per queue file), so this process — the study's only dispatcher now, it
    /// holds the study's lock — closes them before anything runs, with the committed outcome.
    /// A paused trial's commit is such an outcome too: it has no trainer until it is promoted, and
    /// an attempt left open would draw it as running on the timeline forever.
    /// </summary>
    private async Task CloseLeftAttemptsAsync(IReadOnlyList<FrozenTrial> trials, CancellationToken cancellationToken)
    {
        var attempts = await _store.GetAttemptsOfStudyAsync(_study.Id, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var t in trials)
        {
            if (!(t.State.IsFinished() || t.State == TrialState.Paused) || !attempts.TryGetValue(t.Id, out var list))
                continue;
            foreach (var a in list.Where(a => a.Ended is null))
                await _store.EndAttemptAsync(a.Id, null, TrialRunner.LeftOpenReason(t), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The trials that spend <c>budget.max_trials</c>: finished here, neither cancelled nor imported.</summary>
    private int SpentBudget(IEnumerable<FrozenTrial> trials) => trials.Count(t => t.State.CountsTowardBudget() && !_imported.Contains(t.Id));

    private async Task FillAsync(ITrialQueue queue, IReadOnlyList<FrozenTrial> trials, TrialProposer proposer, CancellationToken cancellationToken)
    {
        var maxTrials = _definition.Budget.MaxTrials;
        // This tick's view, kept current as trials are created or refused here.
        var all = trials.ToList();
        // Promoted trials (waiting to run on from their checkpoint) ran before: they are not prepared again.
        var promoted = _promotion is null
            ? new HashSet<long>()
            : (await _store.GetTrialAttrOfStudyAsync(_study.Id, AttrScope.System, SystemAttrs.PromotedUntil, cancellationToken).ConfigureAwait(false)).Keys.ToHashSet();
        while (true)
        {
            long[] flying;
            lock (_lock)
                flying = [.. _inFlight];
            var finished = SpentBudget(all);
            if (flying.Length >= MaxParallel || (maxTrials is { } m && finished + flying.Length >= m))
                return;

            // A Running trial without a job here lost it (the dispatcher failed on it, e.g. the
            // database was briefly unavailable): it resumes first. Then Waiting trials, lowest
            // number first (enqueued from the study file, the dashboard or the CLI).
            // Promotion mode: a trial promoted earlier whose job was lost goes next, then the best
            // promotable paused trial, before any new or enqueued trial.
            var orphan = all.FirstOrDefault(t => t.State == TrialState.Running && !flying.Contains(t.Id))
                         ?? all.FirstOrDefault(t => t.State == TrialState.Waiting && !flying.Contains(t.Id) && promoted.Contains(t.Id));
            if (orphan is null && NextPromotion(all, flying) is { } promotion)
            {
                orphan = await PromoteAsync(all, promotion, cancellationToken).ConfigureAwait(false);
                if (orphan is null)
                    continue;
                promoted.Add(orphan.Id);
            }
            var waiting = orphan ?? all.FirstOrDefault(t => t.State == TrialState.Waiting && !flying.Contains(t.Id));
            FrozenTrial next;
            if (waiting is { State: TrialState.Waiting } && !promoted.Contains(waiting.Id))
            {
                if (await PrepareWaitingAsync(all, waiting, proposer, cancellationToken).ConfigureAwait(false) is not { } ready)
                {
                    // Refused (now Fail) or changed by someone else: the next tick reads what it is.
                    all[all.IndexOf(waiting)] = waiting with { State = TrialState.Fail };
                    continue;
                }
                next = ready;
            }
            else if (waiting is not null)
            {
                next = waiting;
            }
            else
            {
                // Paused trials may still run on: they hold their place in the budget.
                var unfinished = all.Count(t => t.State is TrialState.Waiting or TrialState.Running or TrialState.Paused);
                if (maxTrials is { } mt && finished + Math.Max(unfinished, flying.Length) >= mt)
                    return;
                next = await AskAsync(all, proposer, cancellationToken).ConfigureAwait(false);
                all.Add(next);
            }
            lock (_lock)
                _inFlight.Add(next.Id);
            await queue.EnqueueAsync(next.Id, next.Number, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Proposes a new trial from every stored trial (constant liar over the running ones) and writes it Waiting.</summary>
    private async Task<FrozenTrial> AskAsync(IReadOnlyList<FrozenTrial> all, TrialProposer proposer, CancellationToken cancellationToken)
    {
        // Waiting trials are about to run: the sampler treats them as running (liar, no duplicates).
        var history = new StudySnapshot(_study.Directions, _study.SearchSpace,
            all.Select(t => t.State == TrialState.Waiting ? t with { State = TrialState.Running } : t));
        var pending = new FrozenTrial(
            all.Count == 0 ? 0 : all.Max(t => t.Id) + 1,
            all.Count == 0 ? 0 : all.Max(t => t.Number) + 1,
            TrialState.Running,
            null,
            ImmutableDictionary<string, object>.Empty,
            ImmutableDictionary<string, Distribution>.Empty,
            ImmutableSortedDictionary<long, double>.Empty);
        var chosen = proposer.Propose(history, pending);
        return await _store.CreateTrialAsync(_study.Id, chosen, TrialProposer.DistributionsOf(_study.SearchSpace, chosen), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A Waiting trial about to start: checked against the study's rules — one that breaks them is
    /// failed with the reason (it can never run, and must not hold up the study) — and, when it
    /// fixes only some parameters ("the rest is sampled"), completed by the sampler; the sampled
    /// values are stored before it starts. Null when it may not start.
    /// </summary>
    private async Task<FrozenTrial?> PrepareWaitingAsync(IReadOnlyList<FrozenTrial> all, FrozenTrial waiting, TrialProposer proposer,
        CancellationToken cancellationToken)
    {
        var check = _rules.Check(waiting.Params!);
        var refusal = check.IsValid ? null : check.Describe();
        IReadOnlyDictionary<string, object>? completed = null;
        if (refusal is null)
        {
            // Only this trial is Waiting in the history, so the proposal completes exactly it.
            var history = new StudySnapshot(_study.Directions, _study.SearchSpace,
                all.Select(t => t.State == TrialState.Waiting && t.Id != waiting.Id ? t with { State = TrialState.Running } : t));
            try
            {
                completed = proposer.Propose(history, waiting with { State = TrialState.Running });
            }
            catch (NoFeasibleProposalException e)
            {
                refusal = e.Message;
            }
        }
        if (refusal is not null)
        {
            if (await _store.TryFailAsync(waiting.Id, TrialReasons.Refused(refusal), TrialState.Waiting, cancellationToken).ConfigureAwait(false))
                _log.TrialRefused(waiting.Number, refusal);
            return null;
        }
        var missing = completed!.Where(p => !waiting.Params.ContainsKey(p.Key)).ToList();
        foreach (var (name, value) in missing)
        {
            if (!await _store.SetParamAsync(waiting.Id, name, _study.SearchSpace.Find(name)!.Distribution, value, cancellationToken).ConfigureAwait(false))
                return null; // finished meanwhile: a user stopped it
        }
        return missing.Count == 0 ? waiting : await _store.GetTrialAsync(waiting.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>checkpoints.keep after trials finished; false when a file could not be deleted (tried again later).</summary>
    private async Task<bool> SweepCheckpointsAsync(CheckpointSweeper sweeper, IReadOnlyList<FrozenTrial> all, CancellationToken cancellationToken)
    {
        try
        {
            var freed = await sweeper.SweepAsync(all, cancellationToken).ConfigureAwait(false);
            if (freed > 0)
                _log.CheckpointsDeleted(_definition.Checkpoints.ToString(), freed);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.CheckpointSweepFailed(e.Message, e);
            return false;
        }
    }

    private async Task<bool> IsPausedAsync(CancellationToken cancellationToken)
    {
        var attrs = await _store.GetStudyAttrsAsync(_study.Id, AttrScope.System, cancellationToken).ConfigureAwait(false);
        return attrs.TryGetValue(SystemAttrs.ControlPaused, out var p) && p.ValueKind == JsonValueKind.True;
    }

    internal static IPruner CreatePruner(PrunerDefinition definition) =>
        PrunerCatalog.Create(definition.Kind, Options(definition.Options), definition.Wrapped is { } w ? CreatePruner(w) : null);

    private static Dictionary<string, object?> Options(IReadOnlyDictionary<string, object> options) =>
        options.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);

    /// <summary>A sentence for the end of a run.</summary>
    public static string Describe(DriverEnd end) => end switch
    {
        DriverEnd.BudgetSpent => "the budget is spent",
        DriverEnd.TimedOut => "the study's timeout has passed",
        DriverEnd.SearchSpaceExhausted => "the search space is exhausted",
        DriverEnd.Stopped => "stopped; running trials checkpointed and resume at the next run",
        DriverEnd.TooManyFailures => "stopped after budget.max_consecutive_failures failures in a row with the same reason; " +
                                     "running trials checkpointed and resume at the next run",
        DriverEnd.NoFeasibleProposal => "stopped: no proposal passed the constraints",
        DriverEnd.DiskFull => "stopped because the disk is full; free space and run again to resume",
        _ => end.ToString(),
    };
}
