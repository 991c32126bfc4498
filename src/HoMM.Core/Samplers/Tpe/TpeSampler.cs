using System.Runtime.CompilerServices;
using HoMM.Core.MultiObjective;
using HoMM.Core.Numerics;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Samplers.Tpe;

/// <summary>
/// Tree-structured Parzen Estimator (Bergstra et al. 2011; the variant Optuna ships). Finished
/// trials are split into the best γ(n) ("below") and the rest ("above"); a Parzen estimator is
/// fitted to each, l(x) and g(x); candidates are drawn from l and the one maximising l(x)/g(x),
/// which is proportional to expected improvement, is proposed.
/// </summary>
/// <remarks>
/// Multivariate mode (the default) models the unconditional parameters jointly; conditional ones
/// are sampled one at a time, or with <see cref="TpeSamplerOptions.Group"/> each conditional branch
/// jointly too. Univariate mode models each parameter on its own, over the trials that have it.
/// Pruned trials rank after complete ones (the further they got, the better); failed trials are
/// ignored; with constant liar, running trials join the "above" side.
/// Cost per ask is O(n · candidates · parameters) kernel evaluations: no pairwise work over trials.
/// </remarks>
public sealed class TpeSampler : ISampler
{
    private readonly TrialRandom _random;
    private SearchSpaceDefinition? _space;
    private Dictionary<string, TpeDimension> _dimensions = [];
    private List<TpeDimension[]> _groups = [];
    private Split? _split;

    // Model-space values of each trial for every dimension (NaN where absent), computed once per
    // snapshot: finished trials never change, so an ask at 1,000 trials converts only the new ones.
    private ConditionalWeakTable<FrozenTrial, double[]> _models = new();
    private Dictionary<string, int> _column = [];

    public TpeSampler(TpeSamplerOptions? options = null)
    {
        Options = options ?? new TpeSamplerOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(Options.NStartupTrials, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.NEiCandidates, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(Options.PriorWeight, nameof(options));
        if (Options.BandwidthFactor is { } factor && !(factor > 0 && factor <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), factor, "TPE: bandwidth_factor must be in (0, 1] (a fraction of each parameter's range); the default is 0.1 with one objective, 0.2 with several");
        ArgumentNullException.ThrowIfNull(Options.Gamma, nameof(options));
        ArgumentNullException.ThrowIfNull(Options.Weights, nameof(options));
        if (Options.Group && !Options.Multivariate)
            throw new ArgumentException("TPE: group needs multivariate: true", nameof(options));
        _random = new TrialRandom(Options.Seed);
    }

    public TpeSamplerOptions Options { get; }

    public int Seed => _random.Seed;

    public IReadOnlyDictionary<string, double> SampleRelative(IStudyView study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        var rng = _random.BeginProposal(trial.Number);
        _split = null;
        if (!Options.Multivariate)
            return EmptyProposal.Instance;
        var split = GetSplit(study, trial);
        if (split.Finished < Options.NStartupTrials)
            return EmptyProposal.Instance;
        Prepare(study.SearchSpace);
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var group in _groups)
            SampleGroup(group, split, rng, multivariate: true, result);
        return result;
    }

    public double SampleIndependent(IStudyView study, FrozenTrial trial, ParameterSpec parameter)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(parameter);
        var rng = _random.Current(trial.Number);
        if (parameter.Distribution.IsSingle)
            return UnitMapping.FromUnit(parameter.Distribution, 0);
        var split = GetSplit(study, trial);
        if (split.Finished < Options.NStartupTrials)
            return UnitMapping.FromUnit(parameter.Distribution, rng.NextDouble());
        Prepare(study.SearchSpace);
        var dim = _dimensions.TryGetValue(parameter.Name, out var known) && known.Spec == parameter
            ? known
            : TpeDimension.Create(parameter);
        var result = new Dictionary<string, double>(1, StringComparer.Ordinal);
        SampleGroup([dim], split, rng, multivariate: false, result);
        return result[parameter.Name];
    }

    private void SampleGroup(TpeDimension[] dims, Split split, Rng rng, bool multivariate, Dictionary<string, double> result)
    {
        var (belowObs, belowWeights) = Observations(dims, split.Below, split.BelowWeights);
        var (aboveObs, aboveWeights) = Observations(dims, split.Above, null);
        var bandwidth = Options.BandwidthFactorFor(split.MultiObjective);
        var below = new ParzenEstimator(dims, belowObs, belowWeights, Options, multivariate, bandwidth);
        var above = new ParzenEstimator(dims, aboveObs, aboveWeights, Options, multivariate, bandwidth);

        var candidates = below.Sample(rng, Options.NEiCandidates);
        var lBelow = below.LogPdf(candidates);
        var lAbove = above.LogPdf(candidates);
        var best = 0;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < candidates.Length; i++)
        {
            var score = lBelow[i] - lAbove[i];
            if (score > bestScore || (double.IsNaN(bestScore) && !double.IsNaN(score)))
            {
                bestScore = score;
                best = i;
            }
        }
        for (var j = 0; j < dims.Length; j++)
            result[dims[j].Spec.Name] = dims[j].ToInternal(candidates[best][j]);
    }

    /// <summary>Model-space rows of the trials that have every parameter of the group, with their weights.</summary>
    private (List<double[]> Rows, double[] Weights) Observations(TpeDimension[] dims, FrozenTrial[] trials, double[]? trialWeights)
    {
        var rows = new List<double[]>(trials.Length);
        var kept = trialWeights is null ? null : new List<double>(trials.Length);
        var columns = new int[dims.Length];
        for (var j = 0; j < dims.Length; j++)
            columns[j] = _column.TryGetValue(dims[j].Spec.Name, out var c) && ReferenceEquals(_dimensions[dims[j].Spec.Name], dims[j]) ? c : -1;
        var cached = Array.IndexOf(columns, -1) < 0;
        foreach (var t in trials)
        {
            var model = cached ? ModelValues(t) : null;
            var row = new double[dims.Length];
            var ok = true;
            for (var j = 0; j < dims.Length && ok; j++)
            {
                if (model is not null)
                {
                    row[j] = model[columns[j]];
                    ok = !double.IsNaN(row[j]);
                }
                else
                {
                    ok = t.Params.TryGetValue(dims[j].Spec.Name, out var v) && dims[j].TryToModel(v, out row[j]);
                }
            }
            if (ok)
            {
                rows.Add(row);
                kept?.Add(trialWeights![Array.IndexOf(trials, t)]);
            }
        }
        if (kept is not null)
            return (rows, [.. kept]);
        var weights = Options.Weights(rows.Count);
        if (weights.Length != rows.Count)
            throw new InvalidOperationException($"TPE weights function returned {weights.Length} weights for {rows.Count} observations");
        return (rows, weights);
    }

    private double[] ModelValues(FrozenTrial trial) =>
        _models.GetValue(trial, t =>
        {
            var values = new double[_column.Count];
            foreach (var (name, j) in _column)
                values[j] = t.Params.TryGetValue(name, out var v) && _dimensions[name].TryToModel(v, out var m) ? m : double.NaN;
            return values;
        });

    private Split GetSplit(IStudyView study, FrozenTrial trial)
    {
        var trials = study.Trials;
        if (_split is { } cached && cached.TrialNumber == trial.Number && cached.TrialCount == trials.Count)
            return cached;

        var complete = new List<FrozenTrial>();
        var pruned = new List<FrozenTrial>();
        var running = new List<FrozenTrial>();
        // Objectives known from the parameters make every waiting or running trial count (PendingLosses).
        var pendingKnown = study.Directions.Count > 1 && PendingLosses.AnyKnown(study.KnownObjectives) ? new List<FrozenTrial>() : null;
        foreach (var t in trials)
        {
            if (t.Number == trial.Number)
                continue;
            if (pendingKnown is not null && t.State is TrialState.Waiting or TrialState.Running && t.Params.Count > 0)
            {
                pendingKnown.Add(t);
                continue;
            }
            switch (t.State)
            {
                case TrialState.Complete when t.Value is { } v && !double.IsNaN(v):
                    complete.Add(t);
                    break;
                case TrialState.Pruned:
                    pruned.Add(t);
                    break;
                case TrialState.Running when Options.ConstantLiar:
                    running.Add(t);
                    break;
            }
        }
        var finished = complete.Count + pruned.Count;
        if (study.Directions.Count > 1)
        {
            _split = MultiObjectiveSplit(trial, trials.Count, finished, complete, pruned, running, study.Directions,
                pendingKnown ?? [], study.KnownObjectives);
            return _split;
        }
        var sign = study.Direction == StudyDirection.Minimize ? 1.0 : -1.0;
        // Sorting on extracted keys is several times faster than a comparer over records; the input
        // is in number order, so ties still break the same way every time.
        var keys = new double[complete.Count];
        for (var i = 0; i < keys.Length; i++)
            keys[i] = sign * complete[i].Value!.Value;
        var sortedComplete = complete.ToArray();
        Array.Sort(keys, sortedComplete);
        var prunedScores = pruned.Select(t => PrunedScore(t, sign)).ToArray();
        var prunedOrder = Enumerable.Range(0, pruned.Count).ToArray();
        Array.Sort(prunedOrder, (a, b) =>
        {
            var c = prunedScores[a].CompareTo(prunedScores[b]);
            return c != 0 ? c : pruned[a].Number.CompareTo(pruned[b].Number);
        });

        var nBelow = Math.Clamp(Options.Gamma(finished), 0, finished);
        var below = new List<FrozenTrial>(nBelow);
        var above = new List<FrozenTrial>(finished - nBelow + running.Count);
        foreach (var t in sortedComplete)
            (below.Count < nBelow ? below : above).Add(t);
        foreach (var i in prunedOrder)
            (below.Count < nBelow ? below : above).Add(pruned[i]);
        above.AddRange(running);

        // Ordered by trial number so the weights function can fade old trials.
        _split = new Split(trial.Number, trials.Count, finished, ByNumber(below), ByNumber(above));
        return _split;
    }

    /// <summary>
    /// Multi-objective TPE (Ozaki et al. 2020, as Optuna's): "below" is filled front by front in
    /// non-dominated order, the front that overflows cut by greedy hypervolume contribution; each
    /// below trial is weighted by its share of the below set's hypervolume, so the estimator l(x)
    /// follows the parts of the front that add most. Pruned trials and trials without every
    /// objective value go above. Waiting and running trials with objectives known from their
    /// parameters are ranked too, with <see cref="PendingLosses"/> (known values exact, the rest the worst).
    /// </summary>
    private Split MultiObjectiveSplit(FrozenTrial trial, int trialCount, int finished, List<FrozenTrial> complete,
        List<FrozenTrial> pruned, List<FrozenTrial> running, IReadOnlyList<StudyDirection> directions,
        List<FrozenTrial> pendingKnown, IReadOnlyList<Studies.KnownObjective?> known)
    {
        var ranked = complete.Where(t => ParetoFrontRule.IsRanked(t, directions.Count)).ToList();
        var lossList = ranked.Select(t => Pareto.ToLoss(t.ObjectiveValues!, directions)).ToList();
        if (pendingKnown.Count > 0 && PendingLosses.Worst(lossList) is { } worst)
        {
            foreach (var t in pendingKnown)
            {
                ranked.Add(t);
                lossList.Add(PendingLosses.Of(t, known, directions, worst));
            }
        }
        else
        {
            // Nothing finished to take the worst from: pending trials wait above, as without known objectives.
            running.AddRange(pendingKnown);
        }
        var losses = lossList.ToArray();
        var ranks = Pareto.Ranks(losses);
        var nBelow = Math.Clamp(Options.Gamma(finished), 0, ranked.Count);
        var chosen = new List<int>(nBelow);
        for (var r = 0; chosen.Count < nBelow; r++)
        {
            var front = Enumerable.Range(0, ranked.Count).Where(i => ranks[i] == r).ToList();
            if (chosen.Count + front.Count <= nBelow)
                chosen.AddRange(front);
            else
                chosen.AddRange(GreedyHypervolumeSubset(front, losses, nBelow - chosen.Count));
        }
        var isBelow = new bool[ranked.Count];
        foreach (var i in chosen)
            isBelow[i] = true;
        // By trial number (the weights function fades old trials), each with its own losses.
        var belowIndices = chosen.OrderBy(i => ranked[i].Number).ToArray();
        var below = belowIndices.Select(i => ranked[i]).ToArray();
        var above = new List<FrozenTrial>(finished - below.Length + running.Count);
        for (var i = 0; i < ranked.Count; i++)
        {
            if (!isBelow[i])
                above.Add(ranked[i]);
        }
        above.AddRange(complete.Where(t => !ParetoFrontRule.IsRanked(t, directions.Count)));
        above.AddRange(pruned);
        above.AddRange(running);

        double[]? belowWeights = null;
        if (below.Length > 0)
        {
            var belowLosses = belowIndices.Select(i => losses[i]).ToArray();
            var contributions = Hypervolume.Contributions(belowLosses, Hypervolume.NadirReference(belowLosses));
            var max = contributions.Max();
            belowWeights = [.. contributions.Select(c => max > 0 ? Math.Max(c / max, 1e-12) : 1.0)];
        }
        return new Split(trial.Number, trialCount, finished, below, ByNumber(above), belowWeights, MultiObjective: true);
    }

    /// <summary>
    /// <paramref name="count"/> members of one front chosen one at a time, each adding the most
    /// hypervolume to those already chosen (reference: the front's nadir); ties by index.
    /// </summary>
    private static IEnumerable<int> GreedyHypervolumeSubset(List<int> front, double[][] losses, int count)
    {
        var points = front.Select(i => losses[i]).ToList();
        var reference = Hypervolume.NadirReference(points);
        var chosen = new List<double[]>(count);
        var left = Enumerable.Range(0, front.Count).ToList();
        var result = new List<int>(count);
        var current = 0.0;
        while (result.Count < count && left.Count > 0)
        {
            var best = -1;
            var bestGain = double.NegativeInfinity;
            foreach (var k in left)
            {
                chosen.Add(points[k]);
                var gain = Hypervolume.Compute(chosen, reference) - current;
                chosen.RemoveAt(chosen.Count - 1);
                if (gain > bestGain)
                    (best, bestGain) = (k, gain);
            }
            chosen.Add(points[best]);
            current += bestGain;
            left.Remove(best);
            result.Add(front[best]);
        }
        return result;
    }

    private static FrozenTrial[] ByNumber(List<FrozenTrial> trials)
    {
        var items = trials.ToArray();
        var numbers = new int[items.Length];
        for (var i = 0; i < items.Length; i++)
            numbers[i] = items[i].Number;
        Array.Sort(numbers, items);
        return items;
    }

    /// <summary>Pruned trials that got further rank first, then by their last value.</summary>
    private static (long NegativeStep, double Value) PrunedScore(FrozenTrial t, double sign)
    {
        if (t.IntermediateValues.Count == 0)
            return (long.MaxValue, double.PositiveInfinity);
        var last = long.MinValue;
        foreach (var step in t.IntermediateValues.Keys)
            last = Math.Max(last, step);
        var value = t.IntermediateValues[last];
        return (-last, double.IsNaN(value) ? double.PositiveInfinity : sign * value);
    }

    /// <summary>Dimensions and groups of the search space, computed once per space.</summary>
    private void Prepare(SearchSpaceDefinition space)
    {
        if (ReferenceEquals(space, _space))
            return;
        var modelled = space.Parameters.Where(p => !p.Distribution.IsSingle).ToList();
        _dimensions = modelled.ToDictionary(p => p.Name, TpeDimension.Create, StringComparer.Ordinal);
        _column = modelled.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        _models = new ConditionalWeakTable<FrozenTrial, double[]>();
        var groups = new Dictionary<string, List<TpeDimension>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var p in modelled)
        {
            var key = ActivationKey(space, p);
            if (!Options.Group && key.Length > 0)
                continue; // conditional parameters are sampled one at a time
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
                order.Add(key);
            }
            list.Add(_dimensions[p.Name]);
        }
        _groups = [.. order.Select(k => groups[k].ToArray())];
        _space = space;
    }

    /// <summary>
    /// Parameters with equal keys are active in exactly the same trials: the chain of conditions
    /// from the root to the parameter.
    /// </summary>
    private static string ActivationKey(SearchSpaceDefinition space, ParameterSpec p)
    {
        var parts = new List<string>();
        for (var current = p; current.When is { } when; current = space.Find(when.Parent)!)
            parts.Add(when.Parent + "∈{" + string.Join("|", when.Values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))) + "}");
        parts.Reverse();
        return string.Join("/", parts);
    }

    // BelowWeights: per below trial (same order) for multi-objective splits; null: TpeSamplerOptions.Weights.
    private sealed record Split(int TrialNumber, int TrialCount, int Finished, FrozenTrial[] Below, FrozenTrial[] Above, double[]? BelowWeights = null, bool MultiObjective = false);
}
