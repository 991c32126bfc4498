using HoMM.Core.Numerics;
using HoMM.Core.Trials;

namespace HoMM.Core.Samplers.CmaEs;

/// <summary>
/// CMA-ES over the unconditional float and int parameters (log scales in log space, every
/// dimension scaled to [0, 1], integers rounded, with a margin by default), with IPOP or BIPOP
/// restarts. Categorical and conditional parameters, and all parameters during start-up, come
/// from an independent sampler.
/// <para>
/// The sampler keeps no state between asks: the evolution is rebuilt each time by replaying the
/// finished trials in number order, in generations of λ, with every random choice derived from
/// (seed, trial number). A study resumed from storage after a crash therefore continues exactly
/// where it was, with no generation bookkeeping stored on trials. A replayed point that this
/// sampler did not draw itself from the replayed state (an enqueued trial, or one asked while an
/// earlier generation was still running) enters the update as an injected solution, clipped to
/// a plausible length.
/// </para>
/// </summary>
public sealed class CmaEsSampler : ISampler
{
    private const long ProposalStream = 0xC3A;
    private const long RestartStream = 0x5EED;

    private readonly CmaEsSamplerOptions _options;
    private readonly ISampler _independent;
    private int _trial = int.MinValue;
    private int _attempt;

    public CmaEsSampler(CmaEsSamplerOptions? options = null)
    {
        _options = options ?? new CmaEsSamplerOptions();
        _options.Validate();
        Seed = _options.Seed ?? Random.Shared.Next();
        _independent = _options.IndependentSampler ?? new RandomSampler(unchecked((int)Rng.Mix(Seed, 0x1D)));
    }

    /// <summary>The seed in use (drawn at construction when none was given).</summary>
    public int Seed { get; }

    public CmaEsSamplerOptions Options => _options;

    public IReadOnlyDictionary<string, double> SampleRelative(IStudyView study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        // Keep the independent sampler's per-attempt streams in step with ours.
        _ = _independent.SampleRelative(study, trial);
        _attempt = trial.Number == _trial ? _attempt + 1 : 0;
        _trial = trial.Number;

        var dims = UnitDimension.UnconditionalNumeric(study.SearchSpace);
        if (dims.Count == 0)
            return new Dictionary<string, double>();
        var history = Evaluations(study, dims);
        if (history.Count < _options.NStartupTrials)
            return new Dictionary<string, double>();

        var replay = Replay(dims, history.Skip(_options.NStartupTrials));
        var x = replay.Evolution.Sample(Rng.Derive(Seed, trial.Number, _attempt, ProposalStream));
        var proposal = new Dictionary<string, double>(dims.Count, StringComparer.Ordinal);
        for (var i = 0; i < dims.Count; i++)
            proposal[dims[i].Name] = dims[i].Decode(x[i]);
        return proposal;
    }

    /// <summary>
    /// Where the evolution stands for <paramref name="study"/> (for dashboards and tests): null
    /// during start-up or when no parameter is modelled.
    /// </summary>
    public CmaEsRunInfo? InspectState(IStudyView study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var dims = UnitDimension.UnconditionalNumeric(study.SearchSpace);
        if (dims.Count == 0)
            return null;
        var history = Evaluations(study, dims);
        if (history.Count < _options.NStartupTrials)
            return null;
        var r = Replay(dims, history.Skip(_options.NStartupTrials));
        var mean = new Dictionary<string, double>(dims.Count, StringComparer.Ordinal);
        for (var i = 0; i < dims.Count; i++)
            mean[dims[i].Name] = r.Evolution.Mean[i];
        return new CmaEsRunInfo(r.Restarts, r.Evolution.PopulationSize, r.Evolution.Generation, r.ToldInGeneration, r.Evolution.Sigma, mean);
    }

    public double SampleIndependent(IStudyView study, FrozenTrial trial, SearchSpace.ParameterSpec parameter) =>
        _independent.SampleIndependent(study, trial, parameter);

    /// <summary>
    /// The current run after replaying <paramref name="evaluations"/>: its evolution, how many
    /// restarts happened and how many points of the current generation are already told.
    /// </summary>
    internal ReplayResult Replay(IReadOnlyList<UnitDimension> dims, IEnumerable<Evaluation> evaluations)
    {
        var n = dims.Count;
        var defaultLambda = _options.PopulationSize ?? 4 + (int)Math.Floor(3 * Math.Log(n));
        Func<int, double, (double?, double?)>? thresholds = _options.WithMargin && dims.Any(d => d.IsDiscrete)
            ? (i, u) => dims[i].Thresholds(u)
            : null;

        var center = Enumerable.Repeat(0.5, n).ToArray();
        var es = new CmaEvolution(n, defaultLambda, center, _options.Sigma0, thresholds, _options.UseSeparableCma);
        var restarts = 0;
        var largeRestarts = 0;
        var lastLargeLambda = defaultLambda;
        long largeEvaluations = 0, smallEvaluations = 0;
        var currentIsLarge = true;
        var generation = new List<(double[] X, double F)>();

        foreach (var e in evaluations)
        {
            generation.Add((Reconstruct(dims, es, e), e.Value));
            if (generation.Count < es.PopulationSize)
                continue;
            es.Tell(generation);
            generation.Clear();
            if (currentIsLarge)
                largeEvaluations += es.PopulationSize;
            else
                smallEvaluations += es.PopulationSize;
            if (_options.RestartStrategy == CmaEsRestartStrategy.None || es.StopReason() is null)
                continue;

            restarts++;
            var rng = Rng.Derive(Seed, RestartStream, restarts);
            var mean = new double[n];
            for (var i = 0; i < n; i++)
                mean[i] = rng.NextDouble();
            int lambda;
            var sigma = _options.Sigma0;
            if (_options.RestartStrategy == CmaEsRestartStrategy.Bipop && smallEvaluations < largeEvaluations)
            {
                // Small regime: a population between the default and half the last large one,
                // and a step size down to 1/100 of σ0, both from one uniform draw.
                var u = rng.NextDouble();
                lambda = Math.Max(2, (int)Math.Floor(defaultLambda * Math.Pow(0.5 * lastLargeLambda / defaultLambda, u * u)));
                sigma = _options.Sigma0 * Math.Pow(10, -2 * u);
                currentIsLarge = false;
            }
            else
            {
                largeRestarts++;
                lambda = (int)Math.Round(defaultLambda * Math.Pow(_options.IncPopSize, largeRestarts));
                lastLargeLambda = lambda;
                currentIsLarge = true;
            }
            es = new CmaEvolution(n, lambda, mean, sigma, thresholds, _options.UseSeparableCma);
        }
        return new ReplayResult(es, restarts, generation.Count);
    }

    /// <summary>
    /// The unit-cube point of a told trial. When the trial's values are exactly what this sampler
    /// draws for it from the replayed state, the continuous draw is used (it carries more than
    /// the rounded integers do); otherwise the trial's own values are encoded.
    /// </summary>
    private double[] Reconstruct(IReadOnlyList<UnitDimension> dims, CmaEvolution es, Evaluation e)
    {
        var drawn = es.Sample(Rng.Derive(Seed, e.Number, 0, ProposalStream));
        var matches = true;
        for (var i = 0; i < dims.Count && matches; i++)
            matches = dims[i].SameValue(dims[i].Decode(drawn[i]), e.Internal[i]);
        if (matches)
            return drawn;
        var x = new double[dims.Count];
        for (var i = 0; i < dims.Count; i++)
            x[i] = dims[i].Encode(e.Internal[i]);
        return x;
    }

    /// <summary>
    /// Finished trials usable as evaluations, in number order, with the objective turned into
    /// "lower is better": complete ones, and pruned ones at their last value when allowed.
    /// </summary>
    internal List<Evaluation> Evaluations(IStudyView study, IReadOnlyList<UnitDimension> dims)
    {
        var sign = study.Direction == StudyDirection.Maximize ? -1.0 : 1.0;
        var result = new List<Evaluation>();
        foreach (var t in study.Trials.OrderBy(t => t.Number))
        {
            double? value = t.State switch
            {
                TrialState.Complete => t.Value,
                TrialState.Pruned when _options.ConsiderPrunedTrials => t.Value ?? (t.LastStep is { } s ? t.IntermediateValues[s] : null),
                _ => null,
            };
            if (value is not { } v || double.IsNaN(v))
                continue;
            var internals = new double[dims.Count];
            var usable = true;
            for (var i = 0; i < dims.Count && usable; i++)
            {
                usable = t.Params.ContainsKey(dims[i].Name)
                         && t.Distributions.TryGetValue(dims[i].Name, out var d) && d == dims[i].Distribution;
                if (usable)
                {
                    try
                    {
                        internals[i] = t.InternalParam(dims[i].Name);
                    }
                    catch (ArgumentException)
                    {
                        usable = false; // a stored value outside its distribution: not an evaluation of this space
                    }
                }
            }
            if (usable)
                result.Add(new Evaluation(t.Number, internals, sign * v));
        }
        return result;
    }

    internal sealed record Evaluation(int Number, double[] Internal, double Value);

    internal sealed record ReplayResult(CmaEvolution Evolution, int Restarts, int ToldInGeneration);
}

/// <summary>
/// A snapshot of the CMA-ES run: restarts so far, the current run's population size and
/// generation, how many points of the open generation are told, the step size and the mean
/// (unit-cube coordinates per parameter).
/// </summary>
public sealed record CmaEsRunInfo(
    int Restarts,
    int PopulationSize,
    int Generation,
    int ToldInGeneration,
    double Sigma,
    IReadOnlyDictionary<string, double> Mean);
