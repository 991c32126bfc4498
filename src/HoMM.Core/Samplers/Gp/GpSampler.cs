using HoMM.Core.Numerics;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Samplers.Gp;

/// <summary>
/// Bayesian optimisation with a Gaussian process (Matérn 5/2, ARD) and log expected
/// improvement, over the unconditional parameters: numbers as unit-cube coordinates (log
/// scales in log space, integers and steps rounded), categorical parameters through a Hamming
/// kernel. Running trials enter as fantasies at the posterior mean, so parallel asks spread.
/// Conditional parameters, and every parameter during start-up, come from an independent sampler.
/// Stateless between asks: the model is refitted from the trials each time, from fixed starting
/// hyperparameters, so proposals depend only on the seed and the history.
/// </summary>
public sealed class GpSampler : ISampler
{
    private const long CandidateStream = 0x6B0;

    private readonly GpSamplerOptions _options;
    private readonly ISampler _independent;
    private int _trial = int.MinValue;
    private int _attempt;

    public GpSampler(GpSamplerOptions? options = null)
    {
        _options = options ?? new GpSamplerOptions();
        _options.Validate();
        Seed = _options.Seed ?? Random.Shared.Next();
        _independent = _options.IndependentSampler ?? new RandomSampler(unchecked((int)Rng.Mix(Seed, 0x1D)));
    }

    /// <summary>The seed in use (drawn at construction when none was given).</summary>
    public int Seed { get; }

    public GpSamplerOptions Options => _options;

    public IReadOnlyDictionary<string, double> SampleRelative(IStudyView study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        _ = _independent.SampleRelative(study, trial);
        _attempt = trial.Number == _trial ? _attempt + 1 : 0;
        _trial = trial.Number;

        var space = Encoding.For(study.SearchSpace);
        if (space.Dimension == 0)
            return new Dictionary<string, double>();
        var (x, y, pending) = Observations(study, space, trial.Number);
        if (x.Count < Math.Max(_options.NStartupTrials, 1))
            return new Dictionary<string, double>();

        var gp = GaussianProcess.Fit(x, y, space.Categorical, new GaussianProcessOptions { Deterministic = _options.DeterministicObjective });
        var best = IncumbentValue(gp);
        var model = gp.WithFantasies(pending);
        // The believer treats pending points as observed at their mean, so they count as
        // incumbents too; otherwise a pending point predicted to improve keeps its full EI.
        foreach (var p in pending)
            best = Math.Min(best, gp.PredictStandardized(p, out _));
        var rng = Rng.Derive(Seed, trial.Number, _attempt, CandidateStream);
        var point = new AcquisitionOptimizer(model, space, best, _options).Maximize(rng);
        return space.Decode(point);
    }

    public double SampleIndependent(IStudyView study, FrozenTrial trial, ParameterSpec parameter) =>
        _independent.SampleIndependent(study, trial, parameter);

    /// <summary>
    /// The value to improve on, standardised: the best observation when the objective is
    /// deterministic, else the best posterior mean at an observed point, so one lucky noisy
    /// draw does not make every later improvement look impossible.
    /// </summary>
    private double IncumbentValue(GaussianProcess gp)
    {
        if (_options.DeterministicObjective)
            return gp.StandardizedOutputs.Min();
        var best = double.PositiveInfinity;
        foreach (var xi in gp.Inputs)
            best = Math.Min(best, gp.PredictStandardized(xi, out _));
        return best;
    }

    /// <summary>
    /// Complete trials as (point, lower-is-better value), and running ones (other than the trial
    /// being asked) as pending points. Infinite values are clipped to the worst finite one.
    /// </summary>
    private static (List<double[]> X, List<double> Y, List<double[]> Pending) Observations(IStudyView study, Encoding space, int asking)
    {
        var sign = study.Direction == StudyDirection.Maximize ? -1.0 : 1.0;
        var x = new List<double[]>();
        var y = new List<double>();
        var pending = new List<double[]>();
        foreach (var t in study.Trials.OrderBy(t => t.Number))
        {
            var complete = t.State == TrialState.Complete && t.Value is { } v && !double.IsNaN(v);
            var running = t.State == TrialState.Running && t.Number != asking;
            if (!complete && !running)
                continue;
            if (space.Encode(t) is not { } point)
                continue;
            if (complete)
            {
                x.Add(point);
                y.Add(sign * t.Value!.Value);
            }
            else
            {
                pending.Add(point);
            }
        }
        var finite = y.Where(double.IsFinite).ToArray();
        if (finite.Length < y.Count)
        {
            var (lo, hi) = finite.Length > 0 ? (finite.Min(), finite.Max()) : (0.0, 0.0);
            for (var i = 0; i < y.Count; i++)
            {
                if (!double.IsFinite(y[i]))
                    y[i] = y[i] > 0 ? hi : lo;
            }
        }
        return (x, y, pending);
    }

    /// <summary>The modelled parameters and their coordinates: unit-cube numbers, then category indices.</summary>
    internal sealed class Encoding
    {
        private Encoding(IReadOnlyList<UnitDimension> numeric, IReadOnlyList<ParameterSpec> categorical)
        {
            Numeric = numeric;
            CategoricalParameters = categorical;
            Categorical = Enumerable.Range(0, numeric.Count + categorical.Count).Select(i => i >= numeric.Count).ToArray();
            ChoiceCounts = categorical.Select(c => ((CategoricalDistribution)c.Distribution).Choices.Count).ToArray();
        }

        public IReadOnlyList<UnitDimension> Numeric { get; }

        public IReadOnlyList<ParameterSpec> CategoricalParameters { get; }

        public bool[] Categorical { get; }

        public int[] ChoiceCounts { get; }

        public int Dimension => Categorical.Length;

        public static Encoding For(SearchSpaceDefinition space) => new(
            UnitDimension.UnconditionalNumeric(space),
            space.Parameters.Where(p => p.When is null && !p.Distribution.IsSingle && p.Distribution is CategoricalDistribution).ToArray());

        /// <summary>The coordinates of a trial, or null when it lacks a modelled parameter or drew it from another distribution.</summary>
        public double[]? Encode(FrozenTrial t)
        {
            var point = new double[Dimension];
            try
            {
                for (var i = 0; i < Numeric.Count; i++)
                {
                    var dim = Numeric[i];
                    if (!t.Distributions.TryGetValue(dim.Name, out var d) || d != dim.Distribution || !t.Params.ContainsKey(dim.Name))
                        return null;
                    point[i] = dim.Encode(t.InternalParam(dim.Name));
                }
                for (var c = 0; c < CategoricalParameters.Count; c++)
                {
                    var p = CategoricalParameters[c];
                    if (!t.Distributions.TryGetValue(p.Name, out var d) || d != p.Distribution || !t.Params.ContainsKey(p.Name))
                        return null;
                    point[Numeric.Count + c] = t.InternalParam(p.Name);
                }
            }
            catch (ArgumentException)
            {
                return null; // a stored value outside its distribution
            }
            return point;
        }

        /// <summary>Rounds discrete numeric coordinates onto their values (in place).</summary>
        public void Snap(double[] point)
        {
            for (var i = 0; i < Numeric.Count; i++)
            {
                point[i] = Math.Clamp(point[i], 0, 1);
                if (Numeric[i].IsDiscrete)
                    point[i] = Numeric[i].Encode(Numeric[i].Decode(point[i]));
            }
        }

        public Dictionary<string, double> Decode(double[] point)
        {
            var result = new Dictionary<string, double>(Dimension, StringComparer.Ordinal);
            for (var i = 0; i < Numeric.Count; i++)
                result[Numeric[i].Name] = Numeric[i].Decode(point[i]);
            for (var c = 0; c < CategoricalParameters.Count; c++)
                result[CategoricalParameters[c].Name] = point[Numeric.Count + c];
            return result;
        }
    }
}
