using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Reports.Tests;

/// <summary>Builds frozen trials for plot tests without a store.</summary>
internal static class TrialFactory
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    public static readonly FloatDistribution Lr = new(1e-5, 1e-1, log: true);
    public static readonly FloatDistribution Wd = new(0.0, 0.1);
    public static readonly CategoricalDistribution Order = new([1L, 2L, 3L]);
    public static readonly CategoricalDistribution Act = new(["gelu", "relu"]);

    public static FrozenTrial Trial(
        int number,
        TrialState state,
        double? value = null,
        IReadOnlyDictionary<string, object>? parameters = null,
        IReadOnlyDictionary<long, double>? intermediate = null,
        DateTimeOffset? started = null,
        DateTimeOffset? finished = null)
    {
        parameters ??= new Dictionary<string, object>();
        var distributions = parameters.Keys.ToDictionary(k => k, DistributionOf);
        return new FrozenTrial(number + 1000, number, state, value, parameters, distributions,
            intermediate ?? new Dictionary<long, double>(), started, finished);
    }

    public static FrozenTrial Complete(int number, double value, IReadOnlyDictionary<string, object>? parameters = null) =>
        Trial(number, TrialState.Complete, value, parameters);

    public static Distribution DistributionOf(string name) => name switch
    {
        "lr" => Lr,
        "wd" => Wd,
        "order" => Order,
        "act" => Act,
        "batch" => new IntDistribution(16, 512, log: true),
        "layers" => new IntDistribution(1, 12),
        _ => new FloatDistribution(0, 1),
    };

    /// <summary>The search space of <see cref="Synthetic"/>.</summary>
    public static SearchSpaceDefinition SyntheticSpace { get; } = new(
        new[] { "lr", "wd", "order", "batch" }.Select(n => new ParameterSpec(n, DistributionOf(n))));

    public static ReportStudy Study(StudyDirection direction, params FrozenTrial[] trials) =>
        new("test-study", direction, "val/acc", trials);

    /// <summary>
    /// A seeded study of <paramref name="n"/> trials over lr (log), wd, order (categorical) and
    /// batch (int, log), with learning curves of <paramref name="steps"/> points, some pruned and failed.
    /// </summary>
    public static ReportStudy Synthetic(int n, int steps = 20, int seed = 1, StudyDirection direction = StudyDirection.Maximize)
    {
        var rng = new Random(seed);
        var trials = new List<FrozenTrial>(n);
        for (var i = 0; i < n; i++)
        {
            var lr = Math.Pow(10, -5 + 4 * rng.NextDouble());
            var wd = 0.1 * rng.NextDouble();
            var order = (long)rng.Next(1, 4);
            var batch = (long)Math.Round(Math.Pow(2, 4 + 5 * rng.NextDouble()));
            var p = new Dictionary<string, object> { ["lr"] = lr, ["wd"] = wd, ["order"] = order, ["batch"] = batch };
            // Accuracy peaks at lr = 1e-3 and grows with order: a landscape with a clear optimum.
            var target = 0.9 - 0.08 * Math.Pow(Math.Log10(lr) + 3, 2) + 0.01 * order - 0.2 * wd + 0.01 * rng.NextDouble();
            var roll = rng.NextDouble();
            var state = roll < 0.1 ? TrialState.Fail : roll < 0.35 ? TrialState.Pruned : TrialState.Complete;
            var reported = state == TrialState.Pruned ? Math.Max(1, steps / 4) : state == TrialState.Fail ? 2 : steps;
            var curve = new Dictionary<long, double>();
            for (var s = 1; s <= reported; s++)
                curve[s * 100L] = target * (1 - Math.Exp(-3.0 * s / steps));
            var start = T0.AddMinutes(i * 2.5);
            trials.Add(new FrozenTrial(i + 1, i, state, state == TrialState.Complete ? curve[reported * 100L] : null,
                p, p.Keys.ToDictionary(k => k, DistributionOf), curve, start, start.AddMinutes(reported * 0.5)));
        }
        return new ReportStudy("synthetic", direction, "val/acc", trials);
    }
}
