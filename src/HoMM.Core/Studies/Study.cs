using System.Collections.Immutable;
using HoMM.Core.MultiObjective;
using HoMM.Core.Pruners;
using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Studies;

/// <summary>
/// The in-memory ask/tell loop: <see cref="Ask"/> proposes a trial, <see cref="Report"/> records an
/// intermediate value and returns the pruner's decision, <see cref="Tell(int, double)"/> finishes the trial.
/// </summary>
/// <remarks>
/// All state is a list of <see cref="FrozenTrial"/> snapshots, so a store can persist every snapshot
/// the study returns and later rebuild the study (or just a <see cref="StudySnapshot"/> for a
/// sampler) from the stored trials. Trials keep their state machine: Waiting (enqueued) → Running
/// (asked) → Complete | Pruned | Fail, and a finished trial never changes again.
/// Thread-safe: calls are serialised, so samplers and pruners never run concurrently.
/// </remarks>
public sealed class Study
{
    private readonly Lock _gate = new();
    private readonly List<FrozenTrial> _trials = [];
    private readonly Dictionary<int, int> _indexByNumber = [];
    private readonly Queue<int> _waiting = new();
    private readonly LiveView _view;
    private readonly StudyOptions _options;
    private readonly TrialProposer _proposer;
    private int _nextNumber;
    private long _nextId;

    /// <param name="searchSpace">The parameters every trial draws from.</param>
    /// <param name="direction">Whether the objective is minimised or maximised.</param>
    /// <param name="sampler">Proposes parameters.</param>
    /// <param name="pruner">Judges intermediate values; null never prunes.</param>
    /// <param name="options">Clock, constraints and duplicate avoidance.</param>
    /// <param name="trials">Trials of this study loaded from a store, to resume it; any order.</param>
    public Study(
        SearchSpaceDefinition searchSpace,
        StudyDirection direction,
        ISampler sampler,
        IPruner? pruner = null,
        StudyOptions? options = null,
        IEnumerable<FrozenTrial>? trials = null)
        : this(searchSpace, [direction], sampler, pruner, options, trials)
    {
    }

    /// <summary>A study with one objective per direction (multi-objective when more than one).</summary>
    /// <param name="searchSpace">The parameters every trial draws from.</param>
    /// <param name="directions">Per objective, in the order values are told; the pruner sees the first objective only.</param>
    /// <param name="sampler">Proposes parameters.</param>
    /// <param name="pruner">Judges intermediate values (of the first objective); null never prunes.</param>
    /// <param name="options">Clock, constraints and duplicate avoidance.</param>
    /// <param name="trials">Trials of this study loaded from a store, to resume it; any order.</param>
    public Study(
        SearchSpaceDefinition searchSpace,
        IReadOnlyList<StudyDirection> directions,
        ISampler sampler,
        IPruner? pruner = null,
        StudyOptions? options = null,
        IEnumerable<FrozenTrial>? trials = null)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        ArgumentNullException.ThrowIfNull(directions);
        if (directions.Count == 0)
            throw new ArgumentException("a study has at least one objective", nameof(directions));
        ArgumentNullException.ThrowIfNull(sampler);
        _options = options ?? new StudyOptions();
        ArgumentNullException.ThrowIfNull(_options.TimeProvider, nameof(options));
        Rules = new TrialRules(searchSpace, _options.Constraints, _options.Feasibility);
        _proposer = new TrialProposer(Rules, sampler, _options.Proposal);
        SearchSpace = searchSpace;
        Directions = [.. directions];
        Direction = directions[0];
        Sampler = sampler;
        Pruner = pruner ?? new NopPruner();
        _view = new LiveView(this);
        if (trials is not null)
        {
            foreach (var t in trials.OrderBy(t => t.Number))
            {
                if (_indexByNumber.ContainsKey(t.Number))
                    throw new ArgumentException($"trial number {t.Number} appears twice", nameof(trials));
                Store(t);
                if (t.State == TrialState.Waiting)
                    _waiting.Enqueue(t.Number);
                _nextNumber = Math.Max(_nextNumber, t.Number + 1);
                _nextId = Math.Max(_nextId, t.Id + 1);
            }
        }
    }

    public SearchSpaceDefinition SearchSpace { get; }

    /// <summary>What a trial of this study may be: its search space, constraints and limits.</summary>
    public TrialRules Rules { get; }

    /// <summary>The first objective's direction.</summary>
    public StudyDirection Direction { get; }

    /// <summary>One direction per objective.</summary>
    public IReadOnlyList<StudyDirection> Directions { get; }

    /// <summary>True when the study has more than one objective.</summary>
    public bool IsMultiObjective => Directions.Count > 1;

    public ISampler Sampler { get; }

    public IPruner Pruner { get; }

    /// <summary>A copy of all trials, in number order.</summary>
    public IReadOnlyList<FrozenTrial> Trials
    {
        get
        {
            lock (_gate)
                return _trials.ToArray();
        }
    }

    /// <summary>
    /// The best trial by <see cref="BestTrialRule"/> on the first objective, or null when none has
    /// completed with a finite value. A multi-objective study's answer is <see cref="ParetoFront"/>.
    /// </summary>
    public FrozenTrial? BestTrial
    {
        get
        {
            lock (_gate)
                return BestTrialRule.Of(_trials, Direction);
        }
    }

    /// <summary>The non-dominated trials by <see cref="ParetoFrontRule"/>, in number order.</summary>
    public IReadOnlyList<FrozenTrial> ParetoFront
    {
        get
        {
            lock (_gate)
                return ParetoFrontRule.Front(_trials, Directions);
        }
    }

    /// <summary>An immutable view of the study now, for samplers, pruners or reports.</summary>
    public StudySnapshot Snapshot()
    {
        lock (_gate)
            return new StudySnapshot(Directions, SearchSpace, _trials.ToArray());
    }

    public FrozenTrial GetTrial(int trialNumber)
    {
        lock (_gate)
            return _trials[IndexOf(trialNumber)];
    }

    /// <summary>
    /// Adds a Waiting trial with fixed parameters (warm start); asks return waiting trials first, in
    /// the order they were enqueued, sampling only the parameters left out.
    /// </summary>
    /// <param name="parameters">
    /// External values by parameter name. A conditional parameter may be fixed only together with
    /// its parent, and only when the parent's value activates it.
    /// </param>
    /// <exception cref="TrialRejectedException">A name or value does not fit the search space or the constraints (<see cref="TrialRules"/>).</exception>
    public FrozenTrial Enqueue(IReadOnlyDictionary<string, object> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var fixedParams = Rules.Validate(parameters!);
        lock (_gate)
        {
            var trial = new FrozenTrial(
                _nextId++,
                _nextNumber++,
                TrialState.Waiting,
                null,
                fixedParams.Values,
                fixedParams.Distributions,
                ImmutableSortedDictionary<long, double>.Empty);
            Store(trial);
            _waiting.Enqueue(trial.Number);
            return trial;
        }
    }

    /// <summary>
    /// Starts the next trial: the oldest enqueued one if any, else a new one, with every active
    /// parameter set (sampler's joint proposal first, then per-parameter fallback).
    /// </summary>
    /// <exception cref="NoFeasibleProposalException">No proposal satisfied the constraints.</exception>
    /// <exception cref="SearchSpaceExhaustedException">The sampler has no new point left (grid).</exception>
    public FrozenTrial Ask()
    {
        lock (_gate)
        {
            FrozenTrial pending;
            var enqueued = _waiting.Count > 0;
            if (enqueued)
            {
                pending = _trials[IndexOf(_waiting.Peek())] with { State = TrialState.Running };
            }
            else
            {
                pending = new FrozenTrial(
                    _nextId,
                    _nextNumber,
                    TrialState.Running,
                    null,
                    ImmutableDictionary<string, object>.Empty,
                    ImmutableDictionary<string, Distribution>.Empty,
                    ImmutableSortedDictionary<long, double>.Empty);
            }

            // Propose before changing any state, so a failed ask leaves the study as it was.
            var chosen = _proposer.Propose(_view, pending);
            var distributions = TrialProposer.DistributionsOf(SearchSpace, chosen);

            var trial = pending with
            {
                State = TrialState.Running,
                Params = chosen,
                Distributions = distributions,
                Started = _options.TimeProvider.GetUtcNow(),
            };
            if (enqueued)
            {
                _waiting.Dequeue();
            }
            else
            {
                _nextId++;
                _nextNumber++;
            }
            Store(trial);
            return trial;
        }
    }

    /// <summary>
    /// Records the objective at <paramref name="step"/> and returns the pruner's verdict. A step
    /// reported twice keeps its first value (a resumed attempt may repeat a report).
    /// </summary>
    /// <returns>True when the trial should stop; tell it <see cref="TrialState.Pruned"/> then.</returns>
    public bool Report(int trialNumber, long step, double value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        lock (_gate)
        {
            var index = IndexOf(trialNumber);
            var trial = _trials[index];
            if (trial.State != TrialState.Running)
                throw new InvalidOperationException($"trial {trialNumber} is {trial.State}; only a running trial can report intermediate values");
            if (!trial.IntermediateValues.ContainsKey(step))
            {
                var values = trial.IntermediateValues as ImmutableSortedDictionary<long, double>
                             ?? trial.IntermediateValues.ToImmutableSortedDictionary();
                trial = trial with { IntermediateValues = values.Add(step, value) };
                _trials[index] = trial;
            }
            return Pruner.ShouldPrune(_view, trial);
        }
    }

    /// <summary>The pruner's verdict on the trial's latest intermediate value.</summary>
    public bool ShouldPrune(int trialNumber)
    {
        lock (_gate)
            return Pruner.ShouldPrune(_view, _trials[IndexOf(trialNumber)]);
    }

    /// <summary>
    /// Completes a trial with one value per objective; a NaN among them fails it instead (as for
    /// one objective). <see cref="FrozenTrial.Value"/> becomes the first value.
    /// </summary>
    public FrozenTrial Tell(int trialNumber, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != Directions.Count)
            throw new ArgumentException($"trial {trialNumber}: {values.Count} values told to a study with {Directions.Count} objectives", nameof(values));
        if (!IsMultiObjective)
            return Tell(trialNumber, values[0]);
        if (values.Any(double.IsNaN))
            return Tell(trialNumber, TrialState.Fail, null, "an objective value is NaN");
        return Finish(trialNumber, TrialState.Complete, values[0], null, [.. values]);
    }

    /// <summary>Completes the trial with its objective value; a NaN value fails it instead.</summary>
    public FrozenTrial Tell(int trialNumber, double value) =>
        double.IsNaN(value)
            ? Tell(trialNumber, TrialState.Fail, null, "the objective value is NaN")
            : Tell(trialNumber, TrialState.Complete, value);

    /// <summary>
    /// Finishes the trial. Complete needs a value; Pruned takes the last intermediate value when
    /// none is given; Fail keeps no value and records <paramref name="reason"/>. A waiting trial
    /// may only be failed (cancelled).
    /// </summary>
    public FrozenTrial Tell(int trialNumber, TrialState state, double? value = null, string? reason = null)
    {
        if (state == TrialState.Complete && IsMultiObjective)
            throw new ArgumentException($"trial {trialNumber}: a study with {Directions.Count} objectives completes a trial with one value per objective (Tell(number, values))", nameof(state));
        return Finish(trialNumber, state, value, reason, null);
    }

    private FrozenTrial Finish(int trialNumber, TrialState state, double? value, string? reason, double[]? values)
    {
        if (!state.IsFinished())
            throw new ArgumentException($"tell needs a finished state (Complete, Pruned or Fail), not {state}", nameof(state));
        lock (_gate)
        {
            var index = IndexOf(trialNumber);
            var trial = _trials[index];
            if (trial.State.IsFinished())
                throw new InvalidOperationException($"trial {trialNumber} is already {trial.State}; a finished trial never changes");
            if (trial.State == TrialState.Waiting && state != TrialState.Fail)
                throw new InvalidOperationException($"trial {trialNumber} is waiting: ask for it before telling {state}, or tell Fail to cancel it");

            switch (state)
            {
                case TrialState.Complete when value is not { } v:
                    throw new ArgumentException($"trial {trialNumber}: Complete needs an objective value", nameof(value));
                case TrialState.Complete when double.IsNaN(value.Value):
                    (state, value, reason) = (TrialState.Fail, null, "the objective value is NaN");
                    break;
                case TrialState.Pruned when value is null && trial.LastStep is { } last:
                    value = trial.IntermediateValues[last];
                    break;
                case TrialState.Fail:
                    value = null;
                    break;
            }

            var finished = trial with
            {
                State = state,
                Value = value,
                Finished = _options.TimeProvider.GetUtcNow(),
                FailReason = state == TrialState.Fail ? reason ?? "failed" : null,
                Values = state == TrialState.Complete ? values : null,
            };
            if (trial.State == TrialState.Waiting)
                RemoveFromWaiting(trialNumber);
            _trials[index] = finished;
            return finished;
        }
    }

    private void Store(FrozenTrial trial)
    {
        if (_indexByNumber.TryGetValue(trial.Number, out var index))
        {
            _trials[index] = trial;
        }
        else
        {
            _indexByNumber[trial.Number] = _trials.Count;
            _trials.Add(trial);
        }
    }

    private void RemoveFromWaiting(int trialNumber)
    {
        var rest = _waiting.Where(n => n != trialNumber).ToList();
        _waiting.Clear();
        foreach (var n in rest)
            _waiting.Enqueue(n);
    }

    private int IndexOf(int trialNumber) =>
        _indexByNumber.TryGetValue(trialNumber, out var index)
            ? index
            : throw new ArgumentException($"this study has no trial {trialNumber}", nameof(trialNumber));

    /// <summary>The live trial list as samplers and pruners see it; only read under the study's lock.</summary>
    private sealed class LiveView(Study study) : IStudyView
    {
        public StudyDirection Direction => study.Direction;

        public IReadOnlyList<StudyDirection> Directions => study.Directions;

        public SearchSpaceDefinition SearchSpace => study.SearchSpace;

        public IReadOnlyList<FrozenTrial> Trials => study._trials;
    }
}
