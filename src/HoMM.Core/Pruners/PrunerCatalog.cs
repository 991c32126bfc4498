using HoMM.Core.Algorithms;

namespace HoMM.Core.Pruners;

/// <summary>
/// The pruner kinds a study may name, their options (snake_case, Optuna's names) with defaults,
/// and the factory that builds a pruner from a kind and an options dictionary.
/// </summary>
public static class PrunerCatalog
{
    private const int MaxNesting = 8;

    private static readonly OptionSpec NStartup = new("n_startup_trials", OptionType.Int, 5L, "completed trials before pruning starts", Min: 0, Max: int.MaxValue);
    private static readonly OptionSpec Warmup = new("n_warmup_steps", OptionType.Int, 0L, "steps before a trial may be pruned", Min: 0);
    private static readonly OptionSpec Interval = new("interval_steps", OptionType.Int, 1L, "judge once per this many steps", Min: 1);
    private static readonly OptionSpec MinTrials = new("n_min_trials", OptionType.Int, 1L, "completed trials that must have reported the step", Min: 1, Max: int.MaxValue);
    private static readonly OptionSpec Bootstrap = new("bootstrap_count", OptionType.Int, 0L, "trials a rung needs before it promotes anyone", Min: 0, Max: int.MaxValue);

    private static OptionSpec Reduction(long @default) =>
        new("reduction_factor", OptionType.Int, @default, "each rung keeps the best 1/reduction_factor", Min: 2, Max: 1000);

    private static readonly List<(AlgorithmSpec Spec, Func<OptionReader, IPruner?, int, IPruner> Build)> Entries = Build();

    private static readonly Dictionary<string, (AlgorithmSpec Spec, Func<OptionReader, IPruner?, int, IPruner> Build)> Registry =
        Entries.SelectMany(e => e.Spec.Names.Select(n => (Name: n, Entry: e))).ToDictionary(x => x.Name, x => x.Entry, StringComparer.Ordinal);

    /// <summary>Every pruner kind, in the order they are documented.</summary>
    public static IReadOnlyList<AlgorithmSpec> Kinds { get; } = [.. Entries.Select(e => e.Spec)];

    /// <summary>The kind named <paramref name="kind"/> (or one of its aliases), or null.</summary>
    public static AlgorithmSpec? Find(string kind) =>
        kind is not null && Registry.TryGetValue(kind, out var entry) ? entry.Spec : null;

    /// <summary>Every problem with a pruner definition (empty when <see cref="Create"/> would succeed).</summary>
    public static IReadOnlyList<AlgorithmOptionError> Validate(string kind, IReadOnlyDictionary<string, object?>? options = null)
    {
        try
        {
            Create(kind, options);
            return [];
        }
        catch (AlgorithmOptionException e)
        {
            return e.Errors;
        }
    }

    /// <summary>Builds the pruner <paramref name="kind"/> with <paramref name="options"/>.</summary>
    /// <param name="kind">A name or alias from <see cref="Kinds"/>.</param>
    /// <param name="options">Option name → value; absent options take their defaults.</param>
    /// <param name="wrapped">
    /// For <c>patient</c>: the pruner consulted once patience runs out (instead of a nested
    /// <c>pruner: {kind: …}</c> option). Null with no option: prune as soon as patience runs out.
    /// </param>
    /// <exception cref="AlgorithmOptionException">Unknown kind, unknown option, or a value of the wrong type or range; lists them all.</exception>
    public static IPruner Create(string kind, IReadOnlyDictionary<string, object?>? options = null, IPruner? wrapped = null) =>
        CreateNested(kind, options, wrapped, depth: 0);

    private static IPruner CreateNested(string kind, IReadOnlyDictionary<string, object?>? options, IPruner? wrapped, int depth)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (!Registry.TryGetValue(kind, out var entry))
        {
            var hint = Constraints.NameSuggestion.Closest(kind, Registry.Keys) is { } s ? $"; did you mean '{s}'?" : "";
            throw new AlgorithmOptionException("pruner", kind,
                [new AlgorithmOptionError(null, $"unknown pruner{hint} Valid kinds: {string.Join(", ", Kinds.Select(k => k.Kind))}")]);
        }
        var reader = new OptionReader(entry.Spec, options);
        IPruner? pruner = null;
        try
        {
            pruner = entry.Build(reader, wrapped, depth);
        }
        catch (AlgorithmOptionException nested)
        {
            reader.Errors.AddRange(nested.Errors.Select(e => e with { Option = "pruner" + (e.Option is null ? "" : "." + e.Option), Message = $"pruner ({nested.Kind}): {e.Message}" }));
        }
        catch (ArgumentException e)
        {
            // Rules that span options (threshold needs a bound) are checked by the pruner itself.
            reader.Errors.Add(new AlgorithmOptionError(null, OptionReader.MessageOf(e)));
        }
        if (reader.Errors.Count > 0)
            throw new AlgorithmOptionException("pruner", entry.Spec.Kind, reader.Errors);
        return pruner!;
    }

    /// <summary>The nested <c>pruner: {kind: …, options…}</c> of a patient pruner.</summary>
    private static IPruner? Nested(OptionReader r, IPruner? wrapped, int depth)
    {
        if (r.Mapping("pruner") is not { } nested)
            return wrapped;
        if (depth >= MaxNesting)
        {
            r.Errors.Add(new AlgorithmOptionError("pruner", $"pruners are nested more than {MaxNesting} levels deep"));
            return null;
        }
        if (!nested.TryGetValue("kind", out var kind) || kind is not string name)
        {
            r.Errors.Add(new AlgorithmOptionError("pruner", "the wrapped pruner needs a kind, e.g. pruner: {kind: median}"));
            return null;
        }
        var rest = nested.Where(p => p.Key != "kind").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return CreateNested(name, rest, null, depth + 1);
    }

    private static List<(AlgorithmSpec Spec, Func<OptionReader, IPruner?, int, IPruner> Build)> Build() =>
    [
        (new AlgorithmSpec("nop", ["none"], [], "never prune"),
            (_, _, _) => new NopPruner()),

        (new AlgorithmSpec("median", [], [NStartup, Warmup, Interval, MinTrials],
            "prune a trial whose best value is worse than the median of completed trials at the same step"),
            (r, _, _) => new MedianPruner(new MedianPrunerOptions
            {
                NStartupTrials = (int)(r.Int("n_startup_trials") ?? 5),
                NWarmupSteps = r.Int("n_warmup_steps") ?? 0,
                IntervalSteps = r.Int("interval_steps") ?? 1,
                NMinTrials = (int)(r.Int("n_min_trials") ?? 1),
            })),

        (new AlgorithmSpec("percentile", [],
            [
                new("percentile", OptionType.Float, null, "prune below this percentile (0-100) of completed trials at the same step", Min: 0, Max: 100, Required: true),
                NStartup, Warmup, Interval, MinTrials,
            ], "prune a trial whose best value is worse than a percentile of completed trials at the same step"),
            (r, _, _) => new PercentilePruner(new PercentilePrunerOptions
            {
                Percentile = r.Float("percentile") ?? 25,
                NStartupTrials = (int)(r.Int("n_startup_trials") ?? 5),
                NWarmupSteps = r.Int("n_warmup_steps") ?? 0,
                IntervalSteps = r.Int("interval_steps") ?? 1,
                NMinTrials = (int)(r.Int("n_min_trials") ?? 1),
            })),

        (new AlgorithmSpec("asha", ["successive_halving"],
            [
                new("min_resource", OptionType.IntOrAuto, "auto", "steps of the first rung; auto: 1/100 of the longest completed trial", Min: 1),
                Reduction(4),
                new("min_early_stopping_rate", OptionType.Int, 0L, "s: the first rung is at min_resource · reduction_factor^s", Min: 0, Max: 60),
                Bootstrap,
            ], "asynchronous successive halving"),
            (r, _, _) => new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions
            {
                MinResource = r.IntOrAuto("min_resource"),
                ReductionFactor = (int)(r.Int("reduction_factor") ?? 4),
                MinEarlyStoppingRate = (int)(r.Int("min_early_stopping_rate") ?? 0),
                BootstrapCount = (int)(r.Int("bootstrap_count") ?? 0),
            })),

        (new AlgorithmSpec("hyperband", [],
            [
                new("min_resource", OptionType.Int, 1L, "steps of the first rung of the most aggressive bracket", Min: 1),
                new("max_resource", OptionType.IntOrAuto, "auto", "steps of a full trial; auto: the longest completed trial", Min: 1),
                Reduction(3), Bootstrap,
            ], "brackets of successive halving, from aggressive to lenient"),
            (r, _, _) => new HyperbandPruner(new HyperbandPrunerOptions
            {
                MinResource = r.Int("min_resource") ?? 1,
                MaxResource = r.IntOrAuto("max_resource"),
                ReductionFactor = (int)(r.Int("reduction_factor") ?? 3),
                BootstrapCount = (int)(r.Int("bootstrap_count") ?? 0),
            })),

        (new AlgorithmSpec("threshold", [],
            [
                new("lower", OptionType.Float, null, "prune when the latest value falls below this"),
                new("upper", OptionType.Float, null, "prune when the latest value rises above this"),
                Warmup, Interval,
            ], "prune on NaN or a value outside [lower, upper]"),
            (r, _, _) => new ThresholdPruner(new ThresholdPrunerOptions
            {
                Lower = r.Float("lower"),
                Upper = r.Float("upper"),
                NWarmupSteps = r.Int("n_warmup_steps") ?? 0,
                IntervalSteps = r.Int("interval_steps") ?? 1,
            })),

        (new AlgorithmSpec("patient", [],
            [
                new("patience", OptionType.Int, null, "reported steps without improvement tolerated", Min: 0, Max: int.MaxValue, Required: true),
                new("min_delta", OptionType.Float, 0.0, "smallest change that counts as improvement", Min: 0),
                new("pruner", OptionType.Pruner, null, "the pruner consulted once patience runs out, e.g. {kind: median}; absent: prune then"),
            ], "prune after a number of steps without improvement, optionally deferring to another pruner"),
            (r, wrapped, depth) => new PatientPruner(Nested(r, wrapped, depth), new PatientPrunerOptions
            {
                Patience = (int)(r.Int("patience") ?? 0),
                MinDelta = r.Float("min_delta") ?? 0,
            })),
    ];
}
