namespace HoMM.StudyFiles.Algorithms;

internal enum OptionType
{
    Bool,
    Int,

    /// <summary>An integer, or the string "auto" (stored as the string).</summary>
    IntOrAuto,
    Float,
    Choice,

    /// <summary>A nested pruner definition (the pruner a patient pruner wraps).</summary>
    Pruner,
}

/// <summary>One option of a sampler or pruner: its snake_case name (as in Optuna), type and bounds.</summary>
internal sealed record OptionSpec(
    string Name,
    OptionType Type,
    string Meaning,
    double Min = double.NegativeInfinity,
    double Max = double.PositiveInfinity,
    bool MinExclusive = false,
    IReadOnlyList<string>? Choices = null,
    bool Required = false);

/// <summary>A sampler or pruner kind: canonical name, aliases, accepted options.</summary>
internal sealed record AlgorithmSpec(string Kind, IReadOnlyList<string> Aliases, IReadOnlyList<OptionSpec> Options, string Summary)
{
    public OptionSpec? Option(string name) => Options.FirstOrDefault(o => o.Name == name);
}

/// <summary>
/// The sampler and pruner kinds a study file may name, and their options. This is the one place
/// to switch to Core's own catalog (SamplerCatalog/PrunerCatalog) once the engine publishes it.
/// </summary>
internal static class AlgorithmCatalog
{
    private static readonly OptionSpec Seed = new("seed", OptionType.Int, "seed of the sampler's random choices", Min: 0, Max: int.MaxValue);
    private static readonly OptionSpec NStartup = new("n_startup_trials", OptionType.Int, "trials sampled at random before the model is used", Min: 0);

    public static readonly IReadOnlyList<AlgorithmSpec> Samplers =
    [
        new("random", [], [Seed], "independent uniform sampling"),
        new("grid", [], [Seed, new("max_grid_points", OptionType.Int, "refuse grids larger than this", Min: 1)], "every combination of a finite space, in random order"),
        new("sobol", [], [Seed, new("scramble", OptionType.Bool, "scramble the Sobol sequence")], "scrambled Sobol quasi-random sequence"),
        new("tpe", [],
        [
            Seed, NStartup,
            new("n_ei_candidates", OptionType.Int, "candidates scored by expected improvement", Min: 1),
            new("multivariate", OptionType.Bool, "model parameters jointly"),
            new("group", OptionType.Bool, "model each conditional sub-space separately (needs multivariate: true)"),
            new("constant_liar", OptionType.Bool, "treat running trials as bad so parallel asks spread out"),
            new("prior_weight", OptionType.Float, "weight of the prior", Min: 0, MinExclusive: true),
            new("consider_prior", OptionType.Bool, "include the prior in the Parzen estimators"),
            new("consider_endpoints", OptionType.Bool, "widen the kernels of the extreme observations"),
            new("consider_magic_clip", OptionType.Bool, "clip kernel bandwidths from below"),
        ], "tree-structured Parzen estimator"),
        new("cmaes", [],
        [
            Seed, NStartup,
            new("sigma0", OptionType.Float, "initial step size", Min: 0, MinExclusive: true),
            new("popsize", OptionType.Int, "population size", Min: 2),
            new("inc_popsize", OptionType.Float, "factor by which a restart grows the population", Min: 1),
            new("restart_strategy", OptionType.Choice, "restart strategy", Choices: ["none", "ipop", "bipop"]),
            new("use_separable_cma", OptionType.Bool, "diagonal covariance (faster in many dimensions)"),
            new("with_margin", OptionType.Bool, "keep integer dimensions from collapsing"),
            new("consider_pruned_trials", OptionType.Bool, "learn from pruned trials too"),
        ], "CMA-ES evolution strategy"),
        new("gp", [],
        [
            Seed, NStartup,
            new("deterministic_objective", OptionType.Bool, "the objective has no noise"),
        ], "Gaussian-process Bayesian optimisation"),
    ];

    private static readonly OptionSpec Warmup = new("n_warmup_steps", OptionType.Int, "steps before a trial may be pruned", Min: 0);
    private static readonly OptionSpec Interval = new("interval_steps", OptionType.Int, "check every this many steps", Min: 1);
    private static readonly OptionSpec MinTrials = new("n_min_trials", OptionType.Int, "trials that must have reported a step before comparing", Min: 1);
    private static readonly OptionSpec Bootstrap = new("bootstrap_count", OptionType.Int, "trials a rung needs before it promotes", Min: 0);
    private static readonly OptionSpec Reduction = new("reduction_factor", OptionType.Int, "keep the best 1/reduction_factor at each rung", Min: 2);

    public static readonly IReadOnlyList<AlgorithmSpec> Pruners =
    [
        new("nop", ["none"], [], "never prune"),
        new("median", [], [NStartup, Warmup, Interval, MinTrials], "prune below the median of earlier trials at the same step"),
        new("percentile", [],
        [
            new("percentile", OptionType.Float, "prune below this percentile of earlier trials", Min: 0, Max: 100, Required: true),
            NStartup, Warmup, Interval, MinTrials,
        ], "prune below a percentile of earlier trials at the same step"),
        new("asha", ["successive_halving"],
        [
            new("min_resource", OptionType.IntOrAuto, "steps of the first rung", Min: 1),
            Reduction,
            new("min_early_stopping_rate", OptionType.Int, "rungs skipped before pruning starts", Min: 0),
            Bootstrap,
        ], "asynchronous successive halving"),
        new("hyperband", [],
        [
            new("min_resource", OptionType.Int, "steps of the first rung", Min: 1),
            new("max_resource", OptionType.IntOrAuto, "steps of a full trial", Min: 1),
            Reduction, Bootstrap,
        ], "brackets of successive halving"),
        new("threshold", [],
        [
            new("lower", OptionType.Float, "prune when the value falls below"),
            new("upper", OptionType.Float, "prune when the value rises above"),
            Warmup, Interval,
        ], "prune on NaN or a value outside [lower, upper]"),
        new("patient", [],
        [
            new("patience", OptionType.Int, "steps without improvement tolerated", Min: 0, Required: true),
            new("min_delta", OptionType.Float, "smallest change counted as improvement", Min: 0),
            new("pruner", OptionType.Pruner, "the pruner consulted once patience runs out"),
        ], "prune after a number of steps without improvement"),
    ];

    public static AlgorithmSpec? Find(IReadOnlyList<AlgorithmSpec> catalog, string kind) =>
        catalog.FirstOrDefault(a => a.Kind == kind || a.Aliases.Contains(kind));

    public static IEnumerable<string> Names(IReadOnlyList<AlgorithmSpec> catalog) =>
        catalog.SelectMany(a => a.Aliases.Prepend(a.Kind));
}
