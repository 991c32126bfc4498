namespace HoMM.Core.Samplers.Tpe;

/// <summary>
/// Options of <see cref="TpeSampler"/>. Names follow Optuna's TPESampler arguments
/// (n_startup_trials → <see cref="NStartupTrials"/>, …) and so do the defaults, except three that
/// benchmarks/samplers measured better (docs/benchmarks.md, Samplers): <see cref="Multivariate"/>
/// on, narrower multivariate kernels (<see cref="BandwidthFactor"/> 0.1, Optuna's 0.2) and
/// γ = 15 % of the finished trials (Optuna's 10 %). With Optuna 3.1's own defaults our TPE
/// proposes from the same distributions as Optuna's (compared on fixed histories).
/// </summary>
public sealed record TpeSamplerOptions
{
    /// <summary>Trials sampled uniformly at random before the model is used (finished trials counted).</summary>
    public int NStartupTrials { get; init; } = 10;

    /// <summary>Candidates drawn from the good-trials density; the one with the best l(x)/g(x) wins.</summary>
    public int NEiCandidates { get; init; } = 24;

    /// <summary>
    /// Model the parameters jointly (multivariate TPE, as in BOHB) instead of one at a time, so a
    /// proposal keeps the combination of values that made a good trial good. On by default (off in
    /// Optuna): with the defaults below it lowers the median regret on all five functions of
    /// benchmarks/samplers (300 seeds each).
    /// </summary>
    public bool Multivariate { get; init; } = true;

    /// <summary>
    /// Width of the multivariate kernels per dimension as a fraction of the range, shrinking with
    /// the number n of observations modelled like Scott's rule: factor · range · n^(−1/(d+4)) over d
    /// dimensions. Optuna fixes it at 0.2, which keeps a model of the best ten trials almost as
    /// wide as a fifth of the range. Null (the default) picks by the study: 0.1 with one
    /// objective, which refines good regions faster and still found the better basins as often on
    /// our benchmarks; 0.2 with several, where the good set is spread along a front that the
    /// proposals must cover (higher hypervolume on all four multi-objective problems at 100
    /// trials, docs/benchmarks.md). Univariate widths do not use it (they follow the gaps between
    /// neighbouring observations). Not an Optuna option.
    /// </summary>
    public double? BandwidthFactor { get; init; }

    /// <summary>The kernel width factor a study gets: <see cref="BandwidthFactor"/>, else the default for its objective count.</summary>
    public double BandwidthFactorFor(bool multiObjective) => BandwidthFactor ?? (multiObjective ? 0.2 : 0.1);

    /// <summary>
    /// With <see cref="Multivariate"/>: model each group of parameters that are active together
    /// (the unconditional ones, and each conditional branch) jointly, so conditional parameters
    /// are modelled jointly too instead of falling back to one-at-a-time sampling.
    /// </summary>
    public bool Group { get; init; }

    /// <summary>
    /// Count running trials among the bad ones, so parallel asks steer away from configurations
    /// already being trained.
    /// </summary>
    public bool ConstantLiar { get; init; }

    /// <summary>Add a broad prior kernel (centre of the range, width of the range) to both densities.</summary>
    public bool ConsiderPrior { get; init; } = true;

    /// <summary>Weight of the prior kernel relative to one observation.</summary>
    public double PriorWeight { get; init; } = 1.0;

    /// <summary>Keep kernel widths at least range / min(100, 1 + kernels) so densities never collapse to spikes.</summary>
    public bool ConsiderMagicClip { get; init; } = true;

    /// <summary>Let the outermost kernels' widths reach to the range's ends (univariate widths).</summary>
    public bool ConsiderEndpoints { get; init; }

    /// <summary>
    /// Give each kernel of a continuous parameter a weight proportional to its width, so a region
    /// is not judged by how often the sampler happened to visit it. Optuna up to 3.4 behaved like
    /// this (its truncated-normal log-density left out −log σ); on our benchmark functions it
    /// finds better values than normalised kernels (Hartmann-6 median 0.26 vs 0.36, Branin 0.039
    /// vs 0.053, 60 trials of a 4-parameter quadratic 0.29 vs 0.56). False gives normalised
    /// kernels, as Optuna 3.5 and later. Not an Optuna option.
    /// </summary>
    public bool WeightKernelsByBandwidth { get; init; } = true;

    /// <summary>
    /// How many of n finished trials count as good; default min(⌈0.15·n⌉, 25) (Optuna: ⌈0.1·n⌉):
    /// a few more good trials make l(x) less dependent on the single best one.
    /// </summary>
    public Func<int, int> Gamma { get; init; } = DefaultGamma;

    /// <summary>
    /// Weights of n observations ordered from oldest to newest trial; default: 1 for the newest 25,
    /// a linear ramp from 1/n up to 1 for the older ones, so old trials fade.
    /// </summary>
    public Func<int, double[]> Weights { get; init; } = DefaultWeights;

    /// <summary>Seeds every draw; the same seed and history give the same proposals.</summary>
    public int? Seed { get; init; }

    public static int DefaultGamma(int n) => Math.Min((int)Math.Ceiling(0.15 * n), 25);

    public static double[] DefaultWeights(int n)
    {
        var w = new double[n];
        const int Flat = 25;
        if (n <= Flat)
        {
            Array.Fill(w, 1.0);
            return w;
        }
        var ramp = n - Flat;
        for (var i = 0; i < ramp; i++)
            w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (ramp - 1);
        for (var i = ramp; i < n; i++)
            w[i] = 1.0;
        return w;
    }
}
