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

    private static readonly OptionSpec Mode = new("mode", OptionType.Choice, "stop",
        "stop: judge a trial when it reaches a rung and stop it there (Optuna's pruners); promote: pause it at the rung with its checkpoint " +
        "and resume the best 1/reduction_factor of each rung later (Li et al. 2020; needs a trainer that can resume)", Choices: ["stop", "promote"]);

    /// <summary>The value of <c>mode</c> that pauses and promotes instead of stopping.</summary>
    public const string PromoteMode = "promote";

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

    /// <summary>
    /// A pruner in <c>mode: promote</c> never stops a trial itself (the promotion schedule pauses
    /// it), so what the dispatcher consults per report is a pruner that never prunes; the options
    /// are still read, so a mistake in them is reported either way.
    /// </summary>
    private static IPruner StopOrPromote(OptionReader r, IPruner stopping, bool maxResourceIsPromoteOnly = false)
    {
        if (r.Choice("mode") != PromoteMode)
        {
            if (maxResourceIsPromoteOnly && r.Has("max_resource"))
                r.Errors.Add(new AlgorithmOptionError("max_resource", "max_resource is read in mode: promote only; remove it or add mode: promote"));
            return stopping;
        }
        return new NopPruner();
    }

    /// <summary>Whether a pruner definition pauses and promotes (<c>mode: promote</c>) rather than stops.</summary>
    public static bool IsPromoting(string kind, IReadOnlyDictionary<string, object?>? options) =>
        Find(kind) is { Kind: "asha" or "hyperband" } && options is not null && options.TryGetValue("mode", out var m) && m as string == PromoteMode;

    /// <summary>
    /// The promotion schedule of a pruner in <c>mode: promote</c> (asha: <see cref="AshaPromotion"/>,
    /// hyperband: <see cref="HyperbandPromotion"/>), or null for a stopping pruner.
    /// </summary>
    /// <param name="kind">The pruner's kind.</param>
    /// <param name="options">Its options.</param>
    /// <param name="fullRunSteps">Steps of a full trial when the trainer says (homm-train's <c>steps</c>), for max_resource: auto.</param>
    /// <exception cref="AlgorithmOptionException">The options are wrong, or max_resource is auto and <paramref name="fullRunSteps"/> is unknown.</exception>
    public static IPromotionSchedule? CreatePromotion(string kind, IReadOnlyDictionary<string, object?>? options, long? fullRunSteps)
    {
        Create(kind, options);
        if (!IsPromoting(kind, options))
            return null;
        var spec = Find(kind)!;
        var r = new OptionReader(spec, options);
        var eta = (int)(r.Int("reduction_factor") ?? (long)spec.Option("reduction_factor")!.Default!);
        var max = r.IntOrAuto("max_resource") ?? fullRunSteps;
        if (max is not { } maxSteps)
            throw new AlgorithmOptionException("pruner", spec.Kind, [new AlgorithmOptionError("max_resource",
                "mode: promote needs the steps of a full trial: give max_resource (a custom trainer's steps are not known to the dispatcher, nor searched steps)")]);
        if (spec.Kind == "hyperband")
        {
            var min = r.Int("min_resource") ?? 1;
            if (min > maxSteps)
                throw new AlgorithmOptionException("pruner", spec.Kind, [new AlgorithmOptionError("min_resource", $"min_resource ({min}) must be ≤ max_resource ({maxSteps})")]);
            return new HyperbandPromotion(min, eta, maxSteps);
        }
        // auto: 1/100 of a full trial, as the stopping rule's auto is 1/100 of the longest completed one.
        var first = r.IntOrAuto("min_resource") ?? Math.Max(1, maxSteps / 100);
        return new AshaPromotion(first, eta, (int)(r.Int("min_early_stopping_rate") ?? 0), maxSteps);
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
                Mode,
                new("max_resource", OptionType.IntOrAuto, "auto", "mode: promote only: steps of a full trial (no rung at or past it); auto: homm-train's steps", Min: 1),
            ], "asynchronous successive halving"),
            (r, _, _) => StopOrPromote(r, new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions
            {
                MinResource = r.IntOrAuto("min_resource"),
                ReductionFactor = (int)(r.Int("reduction_factor") ?? 4),
                MinEarlyStoppingRate = (int)(r.Int("min_early_stopping_rate") ?? 0),
                BootstrapCount = (int)(r.Int("bootstrap_count") ?? 0),
            }), maxResourceIsPromoteOnly: true)),

        (new AlgorithmSpec("hyperband", [],
            [
                new("min_resource", OptionType.Int, 1L, "steps of the first rung of the most aggressive bracket", Min: 1),
                new("max_resource", OptionType.IntOrAuto, "auto", "steps of a full trial; auto: the longest completed trial", Min: 1),
                Reduction(3), Bootstrap, Mode,
            ], "brackets of successive halving, from aggressive to lenient"),
            (r, _, _) => StopOrPromote(r, new HyperbandPruner(new HyperbandPrunerOptions
            {
                MinResource = r.Int("min_resource") ?? 1,
                MaxResource = r.IntOrAuto("max_resource"),
                ReductionFactor = (int)(r.Int("reduction_factor") ?? 3),
                BootstrapCount = (int)(r.Int("bootstrap_count") ?? 0),
            }))),

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
