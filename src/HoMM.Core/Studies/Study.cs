using System.Collections.Immutable;
using System.Globalization;
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
    private const int MaxDuplicateRetries = 20;

    private readonly Lock _gate = new();
    private readonly List<FrozenTrial> _trials = [];
    private readonly Dictionary<int, int> _indexByNumber = [];
    private readonly Queue<int> _waiting = new();
    private readonly SortedSet<int> _unfinished = [];
    private readonly LiveView _view;
    private readonly StudyOptions _options;
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
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        ArgumentNullException.ThrowIfNull(sampler);
        _options = options ?? new StudyOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxProposalAttempts, 1, nameof(options));
        ArgumentNullException.ThrowIfNull(_options.TimeProvider, nameof(options));
        SearchSpace = searchSpace;
        Direction = direction;
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

    public StudyDirection Direction { get; }

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

    /// <summary>The best trial by <see cref="BestTrialRule"/>, or null when none has completed with a finite value.</summary>
    public FrozenTrial? BestTrial
    {
        get
        {
            lock (_gate)
                return BestTrialRule.Of(_trials, Direction);
        }
    }

    /// <summary>An immutable view of the study now, for samplers, pruners or reports.</summary>
    public StudySnapshot Snapshot()
    {
        lock (_gate)
            return new StudySnapshot(Direction, SearchSpace, _trials.ToArray());
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
    /// <exception cref="ArgumentException">A name or value does not fit the search space or the constraints.</exception>
    public FrozenTrial Enqueue(IReadOnlyDictionary<string, object> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var fixedParams = ValidateFixed(parameters);
        lock (_gate)
        {
            var trial = new FrozenTrial(
                _nextId++,
                _nextNumber++,
                TrialState.Waiting,
                null,
                fixedParams.Params,
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
            var chosen = Propose(pending);
            var distributions = new Dictionary<string, Distribution>(chosen.Count, StringComparer.Ordinal);
            foreach (var name in chosen.Keys)
                distributions[name] = SearchSpace.Find(name)!.Distribution;

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
            };
            if (trial.State == TrialState.Waiting)
                RemoveFromWaiting(trialNumber);
            _trials[index] = finished;
            _unfinished.Remove(trialNumber);
            return finished;
        }
    }

    private IReadOnlyDictionary<string, object> Propose(FrozenTrial pending)
    {
        var fixedInternal = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in pending.Params)
            fixedInternal[name] = pending.Distributions[name].ToInternal(value);

        var needsSampler = NeedsSampler(fixedInternal);
        Dictionary<string, object>? duplicate = null;
        var infeasible = 0;
        var duplicates = 0;
        for (var attempt = 0; attempt < _options.MaxProposalAttempts; attempt++)
        {
            var chosen = ProposeOnce(pending, fixedInternal, needsSampler);
            if (_options.Feasibility is { } feasible && !feasible(chosen))
            {
                infeasible++;
                if (!needsSampler)
                    break;
                continue;
            }
            if (needsSampler && _options.AvoidDuplicatesOfRunningTrials && duplicates < MaxDuplicateRetries
                && DuplicatesUnfinished(chosen, pending.Number))
            {
                // A tiny space may have no free point while trials run: give up on uniqueness
                // after a few retries rather than spending every attempt on it.
                duplicates++;
                duplicate ??= chosen;
                continue;
            }
            return chosen;
        }
        if (duplicate is not null)
            return duplicate;
        throw new NoFeasibleProposalException(
            needsSampler
                ? string.Create(CultureInfo.InvariantCulture, $"trial {pending.Number}: none of {infeasible} proposals satisfied the constraints; they exclude (almost) the whole search space. Loosen the constraints or narrow the search space to where they hold.")
                : $"enqueued trial {pending.Number} fixes every parameter, and its parameters violate the constraints; remove it or change its values");
    }

    private Dictionary<string, object> ProposeOnce(FrozenTrial pending, Dictionary<string, double> fixedInternal, bool needsSampler)
    {
        var chosen = new Dictionary<string, object>(SearchSpace.Parameters.Count, StringComparer.Ordinal);
        var relative = needsSampler
            ? Sampler.SampleRelative(_view, pending)
            : ImmutableDictionary<string, double>.Empty;
        foreach (var p in SearchSpace.Parameters)
        {
            if (!SearchSpace.IsActive(p, chosen))
                continue;
            double value;
            if (fixedInternal.TryGetValue(p.Name, out var f))
            {
                value = f;
            }
            else if (p.Distribution.IsSingle)
            {
                value = UnitMapping.FromUnit(p.Distribution, 0);
            }
            else if (relative.TryGetValue(p.Name, out var r) && p.Distribution.Contains(r))
            {
                value = r;
            }
            else
            {
                var soFar = pending with { Params = new Dictionary<string, object>(chosen, StringComparer.Ordinal), Distributions = DistributionsOf(chosen) };
                value = Sampler.SampleIndependent(_view, soFar, p);
                if (!p.Distribution.Contains(value))
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"{Sampler.GetType().Name} proposed {value} for '{p.Name}', which is outside {p.Distribution}; this is a bug in the sampler"));
                }
            }
            chosen[p.Name] = p.Distribution.ToExternal(value);
        }
        return chosen;
    }

    private Dictionary<string, Distribution> DistributionsOf(Dictionary<string, object> chosen)
    {
        var result = new Dictionary<string, Distribution>(chosen.Count, StringComparer.Ordinal);
        foreach (var name in chosen.Keys)
            result[name] = SearchSpace.Find(name)!.Distribution;
        return result;
    }

    /// <summary>False when the fixed values already decide every active parameter.</summary>
    private bool NeedsSampler(Dictionary<string, double> fixedInternal)
    {
        var chosen = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var p in SearchSpace.Parameters)
        {
            if (!SearchSpace.IsActive(p, chosen))
                continue;
            if (fixedInternal.TryGetValue(p.Name, out var v))
                chosen[p.Name] = p.Distribution.ToExternal(v);
            else if (!p.Distribution.IsSingle)
                return true;
            else
                chosen[p.Name] = p.Distribution.ToExternal(UnitMapping.FromUnit(p.Distribution, 0));
        }
        return false;
    }

    private bool DuplicatesUnfinished(Dictionary<string, object> chosen, int self)
    {
        foreach (var number in _unfinished)
        {
            if (number == self)
                continue;
            var other = _trials[_indexByNumber[number]].Params;
            if (other.Count != chosen.Count)
                continue;
            var same = true;
            foreach (var (name, value) in chosen)
            {
                if (!other.TryGetValue(name, out var o) || !Condition.ValuesEqual(o, value))
                {
                    same = false;
                    break;
                }
            }
            if (same)
                return true;
        }
        return false;
    }

    private (IReadOnlyDictionary<string, object> Params, IReadOnlyDictionary<string, Distribution> Distributions) ValidateFixed(
        IReadOnlyDictionary<string, object> parameters)
    {
        foreach (var name in parameters.Keys)
        {
            if (SearchSpace.Find(name) is null)
            {
                var names = SearchSpace.Parameters.Select(p => p.Name).ToList();
                var hint = Constraints.NameSuggestion.Closest(name, names) is { } s ? $"; did you mean '{s}'?" : "";
                throw new ArgumentException($"enqueued parameter '{name}' is not in the search space{hint} (parameters: {string.Join(", ", names)})", nameof(parameters));
            }
        }

        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        var distributions = new Dictionary<string, Distribution>(StringComparer.Ordinal);
        var complete = true;
        foreach (var p in SearchSpace.Parameters)
        {
            var active = SearchSpace.IsActive(p, values);
            if (!parameters.TryGetValue(p.Name, out var raw))
            {
                if (active && !p.Distribution.IsSingle)
                    complete = false;
                continue;
            }
            if (p.When is { } when && !values.ContainsKey(when.Parent))
                throw new ArgumentException($"enqueued parameter '{p.Name}' depends on '{when.Parent}': fix '{when.Parent}' too", nameof(parameters));
            if (!active)
            {
                throw new ArgumentException(
                    $"enqueued parameter '{p.Name}' is inactive because '{p.When!.Parent}' = {Format(values[p.When.Parent])}; it applies only when '{p.When.Parent}' is one of [{string.Join(", ", p.When.Values.Select(Format))}]",
                    nameof(parameters));
            }
            double internalValue;
            try
            {
                internalValue = p.Distribution.ToInternal(raw);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                throw new ArgumentException($"enqueued parameter '{p.Name}' = {Format(raw)} is not in {p.Distribution}", nameof(parameters), e);
            }
            values[p.Name] = p.Distribution.ToExternal(internalValue);
            distributions[p.Name] = p.Distribution;
        }

        if (complete && _options.Feasibility is { } feasible)
        {
            var full = new Dictionary<string, object>(values, StringComparer.Ordinal);
            foreach (var p in SearchSpace.Parameters)
            {
                if (p.Distribution.IsSingle && !full.ContainsKey(p.Name) && SearchSpace.IsActive(p, full))
                    full[p.Name] = p.Distribution.ToExternal(UnitMapping.FromUnit(p.Distribution, 0));
            }
            if (!feasible(full))
                throw new ArgumentException("the enqueued parameters violate the study's constraints", nameof(parameters));
        }
        return (values, distributions);
    }

    private static string Format(object value) => value switch
    {
        string s => $"'{s}'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

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
        if (trial.State.IsFinished())
            _unfinished.Remove(trial.Number);
        else
            _unfinished.Add(trial.Number);
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

        public SearchSpaceDefinition SearchSpace => study.SearchSpace;

        public IReadOnlyList<FrozenTrial> Trials => study._trials;
    }
}
