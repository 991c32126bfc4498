namespace HoMM.Core.Samplers.CmaEs;

/// <summary>How CMA-ES starts again once a run has converged.</summary>
public enum CmaEsRestartStrategy
{
    /// <summary>No restarts: a converged run keeps sampling around its optimum.</summary>
    None,

    /// <summary>IPOP: each restart multiplies the population size by <see cref="CmaEsSamplerOptions.IncPopSize"/>.</summary>
    Ipop,

    /// <summary>BIPOP: alternates large-population restarts with small-population, small-step ones, balancing their evaluations.</summary>
    Bipop,
}

/// <summary>Settings of <see cref="CmaEsSampler"/>.</summary>
public sealed record CmaEsSamplerOptions
{
    /// <summary>
    /// Initial step size in unit-cube coordinates (every dimension scaled to [0, 1]); the default
    /// 1/6 is the usual "a sixth of the range", which Optuna also uses.
    /// </summary>
    public double Sigma0 { get; init; } = 1.0 / 6;

    /// <summary>Trials sampled by the independent sampler before CMA-ES takes over.</summary>
    public int NStartupTrials { get; init; } = 1;

    /// <summary>Population size λ; null for the default 4 + ⌊3 ln n⌋.</summary>
    public int? PopulationSize { get; init; }

    public CmaEsRestartStrategy RestartStrategy { get; init; } = CmaEsRestartStrategy.None;

    /// <summary>Population growth factor per (large) restart.</summary>
    public double IncPopSize { get; init; } = 2;

    /// <summary>Seed of every random choice; null draws one at construction.</summary>
    public int? Seed { get; init; }

    /// <summary>Use pruned trials (at their last reported value) as evaluations.</summary>
    public bool ConsiderPrunedTrials { get; init; }

    /// <summary>sep-CMA: a diagonal covariance, learned faster; for many dimensions or a tight budget.</summary>
    public bool UseSeparableCma { get; init; }

    /// <summary>Keep integer and stepped dimensions from freezing on one value (CMA-ES with margin); false rounds only.</summary>
    public bool WithMargin { get; init; } = true;

    /// <summary>Samples categorical and conditional parameters, and every parameter during start-up; null for a <see cref="RandomSampler"/> with a seed derived from <see cref="Seed"/>.</summary>
    public ISampler? IndependentSampler { get; init; }

    internal void Validate()
    {
        if (!(Sigma0 > 0 && Sigma0 <= 1))
            throw new ArgumentOutOfRangeException(nameof(Sigma0), Sigma0, "sigma0 is in unit-cube coordinates and must be in (0, 1]; the default 1/6 spreads the first generation over most of the range");
        ArgumentOutOfRangeException.ThrowIfNegative(NStartupTrials, nameof(NStartupTrials));
        if (PopulationSize is { } p)
            ArgumentOutOfRangeException.ThrowIfLessThan(p, 2, nameof(PopulationSize));
        if (!(IncPopSize >= 1))
            throw new ArgumentOutOfRangeException(nameof(IncPopSize), IncPopSize, "inc_popsize must be ≥ 1 (2 doubles the population at each restart)");
    }
}
