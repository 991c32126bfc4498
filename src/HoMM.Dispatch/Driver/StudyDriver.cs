using System.Globalization;
using System.Text.Json;
using HoMM.Core.Algorithms;
using HoMM.Core.Pruners;
using HoMM.Core.Samplers;
using HoMM.Core.Studies;
using HoMM.Core.Trials;
using HoMM.Dispatch.Scheduling;
using HoMM.Dispatch.Slots;
using HoMM.Storage;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Algorithms;
using HoMM.StudyFiles.Trainer;

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
}

/// <summary>What the driver is doing, for a progress display.</summary>
/// <param name="Paused">The study's <c>control/paused</c> attr is true: no new trials start.</param>
/// <param name="Draining">No new trials start (budget, timeout, exhausted search space); the running ones finish.</param>
/// <param name="Note">A sentence about why, when there is one ("no feasible proposal: ...").</param>
public sealed record DriverState(bool Paused, bool Draining, string? Note);

/// <summary>
/// Runs a study on this machine: keeps up to <c>max_parallel</c> trials in flight (never more than
/// slots), running existing Waiting trials first (lowest number first: trials enqueued in the study
/// file or from the dashboard) and otherwise asking the sampler over every stored trial, writing
/// the Waiting trial and queueing its Quartz job; stops starting trials when the budget is spent,
/// the timeout passed or the study is paused (<c>control/paused</c>, polled about once a second).
/// <para>
/// Exactly <c>max_trials</c> trials finish: a new trial is created only while finished + unfinished
/// trials are fewer, and a Waiting trial is started only while finished + running are fewer.
/// </para>
/// </summary>
public sealed class StudyDriver
{
    private readonly ITrialStore _store;
    private readonly StudyRecord _study;
    private readonly StudyDefinition _definition;
    private readonly DispatchOptions _options;
    private readonly TimeProvider _time;
    private readonly HashSet<long> _inFlight = [];
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0);
    private volatile DriverState _state = new(false, false, null);

    public StudyDriver(ITrialStore store, StudyRecord study, StudyDefinition definition, DispatchOptions options)
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
        Slots = SlotPlanner.Plan(definition.Resources, options.ProcessorCount, options.DetectGpus);
        MaxParallel = Math.Min(definition.Budget.MaxParallel ?? Slots.Count, Slots.Count);
        var c = definition.Constraints;
        if ((c.MaxParams is not null || c.MaxFlops is not null) && (definition.Trainer is not HommTrainerDefinition || options.ModelSize is null))
            throw new InvalidOperationException("constraints max_params/max_flops need the built-in trainer's model counter, which this build does not provide");
        if (definition.Trainer is HommTrainerDefinition && options.HommTrainExecutable is null)
            throw new InvalidOperationException("this study uses the built-in trainer (homm-train), but its executable was not found");
    }

    /// <summary>The slots of this worker.</summary>
    public IReadOnlyList<Processes.TrainerSlot> Slots { get; }

    /// <summary>Trials run at once: max_parallel, at most one per slot.</summary>
    public int MaxParallel { get; }

    public DriverState State => _state;

    /// <summary>Runs until the budget is spent, the timeout passes or <paramref name="stop"/> is cancelled.</summary>
    public async Task<DriverEnd> RunAsync(CancellationToken stop)
    {
        var started = _time.GetTimestamp();
        var trials = new StudyTrials(_store, _study.Id);
        var sampler = SamplerCatalog.Create(_definition.Sampler.Kind, Options(_definition.Sampler.Options), _definition.Sampler.Seed);
        var pruner = CreatePruner(_definition.Pruner);
        var pool = new SlotPool(Slots);
        var runner = new TrialRunner(_store, _study, _definition, pruner, pool, trials, _options);
        runner.TrialLeft += id =>
        {
            lock (_lock)
                _inFlight.Remove(id);
            _wake.Release();
        };

        await using var scheduler = await TrialScheduler.CreateAsync(_options.JobStore, _study.Id, runner, Slots.Count, _time, stop).ConfigureAwait(false);
        await ReconcileAsync(scheduler, trials, stop).ConfigureAwait(false);
        // Without a local worker the scheduler only queues jobs (a standby Quartz scheduler still
        // writes to its store); the cluster's workers fire them.
        if (_options.LocalWorker)
            await scheduler.StartAsync(stop).ConfigureAwait(false);

        var worker = new WorkerInfo(_options.WorkerId, _options.Node, Environment.ProcessId, Slots.Count, _study.Name);
        long lastHeartbeat = 0, lastControl = 0;
        var paused = false;
        var exhausted = false;
        string? note = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var now = _time.GetTimestamp();
                if (lastHeartbeat == 0 || _time.GetElapsedTime(lastHeartbeat) >= _options.HeartbeatInterval)
                {
                    await _store.HeartbeatAsync(worker, stop).ConfigureAwait(false);
                    lastHeartbeat = now;
                }
                if (lastControl == 0 || _time.GetElapsedTime(lastControl) >= _options.ControlPollInterval)
                {
                    paused = await IsPausedAsync(stop).ConfigureAwait(false);
                    lastControl = now;
                }

                var all = await trials.RefreshAsync(stop).ConfigureAwait(false);
                var finished = all.Count(t => t.State is TrialState.Complete or TrialState.Pruned or TrialState.Fail);
                int flying;
                lock (_lock)
                {
                    // A trial that finished while its job's end was not yet seen is not in flight.
                    _inFlight.RemoveWhere(id => all.FirstOrDefault(t => t.Id == id) is { State: not (TrialState.Waiting or TrialState.Running) });
                    flying = _inFlight.Count;
                }
                var maxTrials = _definition.Budget.MaxTrials;
                var timedOut = _definition.Budget.Timeout is { } limit && _time.GetElapsedTime(started) >= limit;
                if (maxTrials is { } m && finished >= m && flying == 0)
                    return DriverEnd.BudgetSpent;
                if (timedOut && flying == 0)
                    return DriverEnd.TimedOut;
                if (exhausted && flying == 0)
                    return DriverEnd.SearchSpaceExhausted;

                var draining = timedOut || exhausted || (maxTrials is { } mt && finished + flying >= mt);
                if (!paused && !draining)
                {
                    try
                    {
                        await FillAsync(scheduler, all, finished, sampler, pruner, stop).ConfigureAwait(false);
                        note = null;
                    }
                    catch (SearchSpaceExhaustedException e)
                    {
                        exhausted = true;
                        note = $"the search space is exhausted: {e.Message}";
                    }
                    catch (NoFeasibleProposalException e)
                    {
                        note = $"no feasible proposal: {e.Message}";
                    }
                }
                _state = new DriverState(paused, draining, note ?? (timedOut ? "the study's timeout has passed; waiting for the running trials" : null));
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
        finally
        {
            // Interrupts the running attempts (stop line: trainers checkpoint) and waits for them.
            await scheduler.ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await _store.RemoveWorkerAsync(_options.WorkerId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Best effort: a stale heartbeat row only shows an old worker as silent.
            }
        }
    }

    /// <summary>
    /// Before firing anything: every unfinished trial that has a job is in flight (a job that was
    /// running when the last dispatcher died is recovered by Quartz); a Running trial without a job
    /// (its queue was lost, or its job ended without finishing it) gets a new one, so nothing stays
    /// Running forever.
    /// </summary>
    private async Task ReconcileAsync(TrialScheduler scheduler, StudyTrials trials, CancellationToken cancellationToken)
    {
        foreach (var t in await trials.RefreshAsync(cancellationToken).ConfigureAwait(false))
        {
            if (t.State is not (TrialState.Waiting or TrialState.Running))
                continue;
            if (await scheduler.HasJobAsync(t.Id, cancellationToken).ConfigureAwait(false))
            {
                lock (_lock)
                    _inFlight.Add(t.Id);
            }
            else if (t.State == TrialState.Running)
            {
                lock (_lock)
                    _inFlight.Add(t.Id);
                await scheduler.ScheduleAsync(t.Id, t.Number, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task FillAsync(TrialScheduler scheduler, IReadOnlyList<FrozenTrial> all, int finished,
        ISampler sampler, IPruner pruner, CancellationToken cancellationToken)
    {
        var maxTrials = _definition.Budget.MaxTrials;
        while (true)
        {
            long[] flying;
            lock (_lock)
                flying = [.. _inFlight];
            if (flying.Length >= MaxParallel || (maxTrials is { } m && finished + flying.Length >= m))
                return;

            // A Running trial without a job here lost it (the dispatcher failed on it, e.g. the
            // database was briefly unavailable): it resumes first. Then Waiting trials, lowest
            // number first (contracts: enqueued from the study file or the dashboard).
            var orphan = all.FirstOrDefault(t => t.State == TrialState.Running && !flying.Contains(t.Id));
            var waiting = orphan ?? all.FirstOrDefault(t => t.State == TrialState.Waiting && !flying.Contains(t.Id));
            FrozenTrial next;
            if (waiting is not null)
            {
                next = waiting.State == TrialState.Waiting ? await CompleteParamsAsync(all, waiting, sampler, pruner, cancellationToken).ConfigureAwait(false) : waiting;
            }
            else
            {
                var unfinished = all.Count(t => t.State is TrialState.Waiting or TrialState.Running);
                if (maxTrials is { } mt && finished + Math.Max(unfinished, flying.Length) >= mt)
                    return;
                next = await AskAsync(all, sampler, pruner, cancellationToken).ConfigureAwait(false);
                all = [.. all, next];
            }
            lock (_lock)
                _inFlight.Add(next.Id);
            await scheduler.ScheduleAsync(next.Id, next.Number, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Proposes a new trial from every stored trial (constant liar over the running ones) and writes it Waiting.</summary>
    private async Task<FrozenTrial> AskAsync(IReadOnlyList<FrozenTrial> all, ISampler sampler, IPruner pruner, CancellationToken cancellationToken)
    {
        // Waiting trials are about to run: the sampler treats them as running (liar, no duplicates).
        var history = all.Select(t => t.State == TrialState.Waiting ? t with { State = TrialState.Running } : t);
        var study = new Study(_study.SearchSpace, _study.Direction, sampler, pruner, new StudyOptions
        {
            TimeProvider = _time,
            Feasibility = Feasible,
        }, history);
        var proposal = study.Ask();
        return await _store.CreateTrialAsync(_study.Id, proposal.Params, proposal.Distributions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An enqueued trial may fix only some parameters ("the rest is sampled"): the sampler fills in
    /// the others, with the fixed ones as given, and they are stored before the trial starts.
    /// </summary>
    private async Task<FrozenTrial> CompleteParamsAsync(IReadOnlyList<FrozenTrial> all, FrozenTrial waiting,
        ISampler sampler, IPruner pruner, CancellationToken cancellationToken)
    {
        // Only this trial is Waiting in the history, so the study's ask completes exactly it.
        var history = all.Select(t => t.State == TrialState.Waiting && t.Id != waiting.Id ? t with { State = TrialState.Running } : t);
        var study = new Study(_study.SearchSpace, _study.Direction, sampler, pruner, new StudyOptions
        {
            TimeProvider = _time,
            Feasibility = Feasible,
        }, history);
        var completed = study.Ask();
        var missing = completed.Params.Where(p => !waiting.Params.ContainsKey(p.Key)).ToList();
        foreach (var (name, value) in missing)
            await _store.SetParamAsync(waiting.Id, name, completed.Distributions[name], value, cancellationToken).ConfigureAwait(false);
        return missing.Count == 0 ? waiting : await _store.GetTrialAsync(waiting.Id, cancellationToken).ConfigureAwait(false) ?? waiting;
    }

    private bool Feasible(IReadOnlyDictionary<string, object> parameters)
    {
        var c = _definition.Constraints;
        if (!c.AreSatisfiedBy(parameters))
            return false;
        if ((c.MaxParams is null && c.MaxFlops is null) || _definition.Trainer is not HommTrainerDefinition homm || _options.ModelSize is not { } count)
            return true;
        var size = count(homm.Resolve(parameters));
        return (c.MaxParams is not { } mp || size.Parameters <= mp) && (c.MaxFlops is not { } mf || size.Flops <= mf);
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
        _ => end.ToString(),
    };
}
