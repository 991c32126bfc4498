namespace HoMM.Core.Samplers.Tpe;

/// <summary>
/// Options of <see cref="TpeSampler"/>; defaults are Optuna's TPESampler defaults. Names follow
/// Optuna's arguments (n_startup_trials → <see cref="NStartupTrials"/>, …).
/// </summary>
public sealed record TpeSamplerOptions
{
    /// <summary>Trials sampled uniformly at random before the model is used (finished trials counted).</summary>
    public int NStartupTrials { get; init; } = 10;

    /// <summary>Candidates drawn from the good-trials density; the one with the best l(x)/g(x) wins.</summary>
    public int NEiCandidates { get; init; } = 24;

    /// <summary>Model the parameters jointly (multivariate TPE) instead of one at a time.</summary>
    public bool Multivariate { get; init; }

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

    /// <summary>How many of n finished trials count as good; default min(⌈0.1·n⌉, 25).</summary>
    public Func<int, int> Gamma { get; init; } = DefaultGamma;

    /// <summary>
    /// Weights of n observations ordered from oldest to newest trial; default: 1 for the newest 25,
    /// a linear ramp from 1/n up to 1 for the older ones, so old trials fade.
    /// </summary>
    public Func<int, double[]> Weights { get; init; } = DefaultWeights;

    /// <summary>Seeds every draw; the same seed and history give the same proposals.</summary>
    public int? Seed { get; init; }

    public static int DefaultGamma(int n) => Math.Min((int)Math.Ceiling(0.1 * n), 25);

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
