using HoMM.Core.Algorithms;
using HoMM.Core.Samplers.CmaEs;
using HoMM.Core.Samplers.Gp;
using HoMM.Core.Samplers.Grid;
using HoMM.Core.Samplers.Nsga2;
using HoMM.Core.Samplers.Sobol;
using HoMM.Core.Samplers.Tpe;

namespace HoMM.Core.Samplers;

/// <summary>
/// The sampler kinds a study may name, their options (snake_case, Optuna's names) with defaults,
/// and the factory that builds a sampler from a kind and an options dictionary. Study-file
/// validation reads <see cref="Kinds"/>; the dispatcher calls <see cref="Create"/>.
/// </summary>
public static class SamplerCatalog
{
    private static readonly OptionSpec Seed = new("seed", OptionType.Int, null, "seed of the sampler's random choices; absent: one is drawn (record it to reproduce the study)", Min: 0, Max: int.MaxValue);

    private static OptionSpec NStartup(int @default) =>
        new("n_startup_trials", OptionType.Int, @default, "trials sampled at random before the model is used", Min: 0, Max: int.MaxValue);

    // Model-based budgets (BOHB): the options every model-based sampler takes, and the wrapper they ask for.
    private static readonly OptionSpec FitOn =
        new("fit_on", OptionType.Choice, "complete", "what the model is fitted on: complete trials, or (BOHB) the highest reported step that enough trials reached", Choices: ["complete", "highest_rung"]);

    private static readonly OptionSpec RungMinTrials =
        new("rung_min_trials", OptionType.IntOrAuto, "auto", "with fit_on: highest_rung, values a step needs to be fitted on; auto: searched parameters + 3", Min: 1, Max: int.MaxValue);

    private static ISampler WithBudgets(OptionReader r, ISampler sampler) =>
        r.Choice("fit_on") == "highest_rung" ? new RungFittedSampler(sampler, r.IntOrAuto("rung_min_trials") is { } m ? (int)m : null) : sampler;

    private static readonly List<(AlgorithmSpec Spec, Func<OptionReader, int?, ISampler> Build)> Entries = Build();

    private static readonly Dictionary<string, (AlgorithmSpec Spec, Func<OptionReader, int?, ISampler> Build)> Registry =
        Entries.SelectMany(e => e.Spec.Names.Select(n => (Name: n, Entry: e))).ToDictionary(x => x.Name, x => x.Entry, StringComparer.Ordinal);

    /// <summary>Every sampler kind, in the order they are documented.</summary>
    public static IReadOnlyList<AlgorithmSpec> Kinds { get; } = [.. Entries.Select(e => e.Spec)];

    /// <summary>
    /// Kinds that model several objectives (TPE as multi-objective TPE) or ignore values (random,
    /// grid, Sobol). CMA-ES and GP model one value: a multi-objective study naming them is refused
    /// rather than silently optimising the first objective.
    /// </summary>
    public static bool SupportsMultiObjective(string kind) =>
        Find(kind)?.Kind is "random" or "grid" or "sobol" or "tpe" or "nsga2";

    /// <summary>The kind named <paramref name="kind"/> (or one of its aliases), or null.</summary>
    public static AlgorithmSpec? Find(string kind) =>
        kind is not null && Registry.TryGetValue(kind, out var entry) ? entry.Spec : null;

    /// <summary>Every problem with a sampler definition (empty when <see cref="Create"/> would succeed).</summary>
    public static IReadOnlyList<AlgorithmOptionError> Validate(string kind, IReadOnlyDictionary<string, object?>? options = null)
    {
        try
        {
            Create(kind, options, seed: 0);
            return [];
        }
        catch (AlgorithmOptionException e)
        {
            return e.Errors;
        }
    }

    /// <summary>Builds the sampler <paramref name="kind"/> with <paramref name="options"/>.</summary>
    /// <param name="kind">A name or alias from <see cref="Kinds"/>.</param>
    /// <param name="options">Option name → value (long, double, bool, string, lists, mappings); absent options take their defaults.</param>
    /// <param name="seed">Overrides the <c>seed</c> option when given.</param>
    /// <exception cref="AlgorithmOptionException">Unknown kind, unknown option, or a value of the wrong type or range; lists them all.</exception>
    public static ISampler Create(string kind, IReadOnlyDictionary<string, object?>? options = null, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (!Registry.TryGetValue(kind, out var entry))
        {
            var hint = Constraints.NameSuggestion.Closest(kind, Registry.Keys) is { } s ? $"; did you mean '{s}'?" : "";
            throw new AlgorithmOptionException("sampler", kind,
                [new AlgorithmOptionError(null, $"unknown sampler{hint} Valid kinds: {string.Join(", ", Kinds.Select(k => k.Kind))}")]);
        }
        var reader = new OptionReader(entry.Spec, options);
        var chosenSeed = seed ?? reader.Int("seed");
        if (chosenSeed is < 0 or > int.MaxValue)
            reader.Errors.Add(new AlgorithmOptionError("seed", $"'seed' must be in [0, {int.MaxValue}], not {chosenSeed}"));
        ISampler? sampler = null;
        try
        {
            sampler = entry.Build(reader, chosenSeed is { } v and >= 0 and <= int.MaxValue ? (int)v : null);
        }
        catch (ArgumentException e) when (e is not AlgorithmOptionException)
        {
            // Rules that span options (e.g. group needs multivariate) are checked by the sampler itself.
            reader.Errors.Add(new AlgorithmOptionError(null, OptionReader.MessageOf(e)));
        }
        if (reader.Errors.Count > 0)
            throw new AlgorithmOptionException("sampler", entry.Spec.Kind, reader.Errors);
        return sampler!;
    }

    private static List<(AlgorithmSpec Spec, Func<OptionReader, int?, ISampler> Build)> Build()
    {
        var entries = new List<(AlgorithmSpec Spec, Func<OptionReader, int?, ISampler> Build)>
        {
            (new AlgorithmSpec("random", [], [Seed], "independent uniform sampling (log-uniform on log scales)"),
                (_, seed) => new RandomSampler(seed)),

            (new AlgorithmSpec("grid", [],
                [
                    Seed,
                    new("search_space", OptionType.ValueLists, null, "values to try per parameter; unlisted parameters use all their values (they must be finite)"),
                    new("max_grid_points", OptionType.Int, 1_000_000L, "refuse grids larger than this", Min: 1),
                ], "every point of a finite grid once, in random order; the study ends when all are tried"),
                (r, seed) => new GridSampler(new GridSamplerOptions
                {
                    Seed = seed,
                    SearchSpace = r.ValueLists("search_space"),
                    MaxGridPoints = r.Int("max_grid_points") ?? 1_000_000,
                })),

            (new AlgorithmSpec("sobol", ["qmc"],
                [Seed, new("scramble", OptionType.Bool, true, "Owen-scramble the sequence")],
                "scrambled Sobol quasi-random sequence: even coverage of the space"),
                (r, seed) => new SobolSampler(new SobolSamplerOptions { Seed = seed, Scramble = r.Bool("scramble") })),

            (new AlgorithmSpec("tpe", [],
                [
                    Seed, NStartup(10),
                    new("n_ei_candidates", OptionType.Int, 24L, "candidates scored by l(x)/g(x) per proposal", Min: 1, Max: 100_000),
                    new("multivariate", OptionType.Bool, true, "model parameters jointly (Optuna's default: false)"),
                    new("bandwidth_factor", OptionType.Float, null, "multivariate kernel width as a fraction of the range; default 0.1 with one objective, 0.2 with several (Optuna: 0.2)", Min: 0, MinExclusive: true, Max: 1),
                    new("group", OptionType.Bool, false, "with multivariate: also model each conditional branch jointly"),
                    new("constant_liar", OptionType.Bool, false, "count running trials as bad so parallel asks spread out"),
                    new("consider_prior", OptionType.Bool, true, "add a broad prior kernel to both densities"),
                    new("prior_weight", OptionType.Float, 1.0, "weight of the prior kernel", Min: 0, MinExclusive: true),
                    new("consider_magic_clip", OptionType.Bool, true, "keep kernel widths from collapsing"),
                    new("consider_endpoints", OptionType.Bool, false, "let the outermost kernels reach the range's ends"),
                    new("weight_kernels_by_bandwidth", OptionType.Bool, true, "weight continuous kernels by their width (Optuna ≤ 3.4 behaviour; better on our benchmarks)"),
                    FitOn, RungMinTrials,
                ], "tree-structured Parzen estimator"),
                (r, seed) => WithBudgets(r, new TpeSampler(new TpeSamplerOptions
                {
                    Seed = seed,
                    NStartupTrials = (int)(r.Int("n_startup_trials") ?? 10),
                    NEiCandidates = (int)(r.Int("n_ei_candidates") ?? 24),
                    Multivariate = r.Bool("multivariate"),
                    BandwidthFactor = r.Float("bandwidth_factor"),
                    Group = r.Bool("group"),
                    ConstantLiar = r.Bool("constant_liar"),
                    ConsiderPrior = r.Bool("consider_prior"),
                    PriorWeight = r.Float("prior_weight") ?? 1.0,
                    ConsiderMagicClip = r.Bool("consider_magic_clip"),
                    ConsiderEndpoints = r.Bool("consider_endpoints"),
                    WeightKernelsByBandwidth = r.Bool("weight_kernels_by_bandwidth"),
                }))),

            // CMA-ES and GP-BO live in Samplers/CmaEs and Samplers/Gp; their options records are the
            // registration point: a new option there needs its line here.
            (new AlgorithmSpec("cmaes", ["cma_es"],
                [
                    Seed, NStartup(1),
                    new("sigma0", OptionType.Float, 1.0 / 6, "initial step size in unit-cube coordinates", Min: 0, MinExclusive: true, Max: 1),
                    new("popsize", OptionType.Int, null, "population size (default 4 + ⌊3 ln n⌋)", Min: 2, Max: 100_000),
                    new("inc_popsize", OptionType.Float, 2.0, "population growth per restart", Min: 1),
                    new("restart_strategy", OptionType.Choice, "none", "restarts after convergence", Choices: ["none", "ipop", "bipop"]),
                    new("use_separable_cma", OptionType.Bool, false, "diagonal covariance (many dimensions, small budgets)"),
                    new("with_margin", OptionType.Bool, true, "keep integer dimensions from freezing"),
                    new("consider_pruned_trials", OptionType.Bool, false, "learn from pruned trials at their last value"),
                ], "CMA-ES evolution strategy (numeric parameters; categorical ones sampled independently)"),
                (r, seed) => new CmaEsSampler(new CmaEsSamplerOptions
                {
                    Seed = seed,
                    NStartupTrials = (int)(r.Int("n_startup_trials") ?? 1),
                    Sigma0 = r.Float("sigma0") ?? 1.0 / 6,
                    PopulationSize = r.Int("popsize") is { } p ? (int)p : null,
                    IncPopSize = r.Float("inc_popsize") ?? 2.0,
                    RestartStrategy = r.Choice("restart_strategy") switch
                    {
                        "ipop" => CmaEsRestartStrategy.Ipop,
                        "bipop" => CmaEsRestartStrategy.Bipop,
                        _ => CmaEsRestartStrategy.None,
                    },
                    UseSeparableCma = r.Bool("use_separable_cma"),
                    WithMargin = r.Bool("with_margin"),
                    ConsiderPrunedTrials = r.Bool("consider_pruned_trials"),
                })),

            (new AlgorithmSpec("gp", [],
                [
                    Seed, NStartup(10),
                    new("deterministic_objective", OptionType.Bool, false, "the objective has no noise"),
                    FitOn, RungMinTrials,
                ], "Gaussian-process Bayesian optimisation (Matérn 5/2, log expected improvement)"),
                (r, seed) => WithBudgets(r, new GpSampler(new GpSamplerOptions
                {
                    Seed = seed,
                    NStartupTrials = (int)(r.Int("n_startup_trials") ?? 10),
                    DeterministicObjective = r.Bool("deterministic_objective"),
                }))),

            (new AlgorithmSpec("nsga2", ["nsgaii"],
                [
                    Seed,
                    new("population_size", OptionType.Int, 50L, "trials per generation; the first generation is random", Min: 2, Max: 1_000_000),
                    new("mutation_prob", OptionType.Float, null, "chance a child's parameter is redrawn at random (default 1 / number of parameters)", Min: 0, Max: 1),
                    new("crossover_prob", OptionType.Float, 0.9, "chance a child mixes both parents", Min: 0, Max: 1),
                    new("swapping_prob", OptionType.Float, 0.5, "uniform crossover: chance each parameter comes from the second parent", Min: 0, Max: 1),
                ], "NSGA-II genetic algorithm for several objectives (also runs with one)"),
                (r, seed) => new Nsga2Sampler(new Nsga2SamplerOptions
                {
                    Seed = seed,
                    PopulationSize = (int)(r.Int("population_size") ?? 50),
                    MutationProb = r.Float("mutation_prob"),
                    CrossoverProb = r.Float("crossover_prob") ?? 0.9,
                    SwappingProb = r.Float("swapping_prob") ?? 0.5,
                })),
        };
        return entries;
    }
}
