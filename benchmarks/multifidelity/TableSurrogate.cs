using System.Globalization;
using HoMM.Core.Numerics;
using HoMM.Core.Samplers.Gp;
using HoMM.Core.SearchSpace;

namespace HoMM.Benchmarks.MultiFidelity;

/// <summary>
/// A smooth model of the table that answers any configuration, as surrogate benchmarks (YAHPO,
/// LCBench's surrogates) do: per evaluation step, a Gaussian process (HoMM.Core's: Matérn 5/2,
/// one length scale per parameter, noise fitted) of val/acc over the unit cube of the space, fitted
/// on every run of the table (repeat seeds included). A trial gets the model's mean curve at its
/// configuration plus the residual curve of one table run drawn for that trial — the run's own
/// deviation from the model at its own configuration, whole, so the noise is as large and as
/// correlated along the curve as the table's runs were — so two trials of one configuration
/// differ as two real runs would, and nothing rewards re-proposing a lucky row. Its truth (what
/// regret is scored on) is the mean. Time is the median recorded time of the table's runs of the
/// same architecture (order, order_expand): the model's size sets a step's cost, not lr or wd, and
/// the median keeps a run slowed by a busy machine from setting it.
/// Configurations outside the table's constraint (order × order_expand ≤ 8) are answered as their
/// order's largest trained order_expand, the architecture nearest-row replay gives them too.
/// </summary>
public sealed class TableSurrogate : ITrialSource
{
    private const double Eps = 1e-12;
    private readonly ReplayTable _table;
    private readonly GaussianProcess[] _perStep;
    private readonly double[][] _residuals;
    private readonly Dictionary<(int Order, int Expand), double[]> _seconds;
    private readonly int _maxExpandProduct;

    private TableSurrogate(ReplayTable table, GaussianProcess[] perStep, double[][] residuals, Dictionary<(int, int), double[]> seconds, int maxExpandProduct, bool computeTarget)
    {
        _table = table;
        _perStep = perStep;
        _residuals = residuals;
        _seconds = seconds;
        _maxExpandProduct = maxExpandProduct;
        Steps = table.Runs[0].Steps;
        if (computeTarget)
        {
            (Best, BestConfig) = Maximum();
            Target = ExpectedBestOf(64, draws: 4000);
        }
        else
        {
            (Best, BestConfig, Target) = (double.NaN, new Dictionary<string, object>(), double.NaN);
        }
    }

    public SearchSpaceDefinition Space => _table.Space;

    public long[] Steps { get; }

    public double Best { get; }

    /// <summary>The configuration of <see cref="Best"/>.</summary>
    public IReadOnlyDictionary<string, object> BestConfig { get; }

    public double Target { get; }

    /// <summary>Standard deviation of the residuals' final values: the noise a trial's result carries.</summary>
    public double ResidualSd => Math.Sqrt(_residuals.Average(r => r[^1] * r[^1]));

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"Replay: surrogate (per-step Gaussian processes on {_perStep[0].Count} runs; residual sd of final val/acc {ResidualSd:F4}, table seed noise {_table.SeedNoise:F4}); " +
        $"best mean final val/acc {Best:F4} at {Show(BestConfig)}; target = expected best mean of 64 random configurations = {Target:F4}.");

    /// <param name="table">The table.</param>
    /// <param name="computeTarget">Whether to find <see cref="Best"/> and <see cref="Target"/> (a few seconds; answering trials does not need them).</param>
    public static TableSurrogate Fit(ReplayTable table, bool computeTarget = true)
    {
        var all = table.Runs.Concat(table.Repeats).ToList();
        var steps = table.Runs[0].Steps;
        var x = all.Select(r => table.UnitPoint(r.Config)).ToList();
        var perStep = new GaussianProcess[steps.Length];
        Parallel.For(0, steps.Length, k =>
            perStep[k] = GaussianProcess.Fit(x, [.. all.Select(r => r.ValueAt(steps[k]))], options: new GaussianProcessOptions { MaxIterations = 200 }));
        var residuals = table.Runs.Select(r =>
        {
            var u = table.UnitPoint(r.Config);
            return steps.Select((s, k) => r.ValueAt(s) - perStep[k].Predict(u).Mean).ToArray();
        }).ToArray();
        var seconds = all.GroupBy(Architecture).ToDictionary(g => g.Key,
            g => steps.Select(s => Median(g.Select(r => r.SecondsAt(s)))).ToArray());
        var maxProduct = all.Max(r => (int)(r.Config["order"] * r.Config["order_expand"]));
        return new TableSurrogate(table, perStep, residuals, seconds, maxProduct, computeTarget);
    }

    /// <summary>The mean curve at a configuration (clamped into the table's constraint).</summary>
    public double[] MeanCurve(IReadOnlyDictionary<string, object> parameters) => MeanCurveAt(Feasible(parameters));

    private double[] MeanCurveAt(Dictionary<string, double> config)
    {
        var u = _table.UnitPoint(config);
        return [.. _perStep.Select(gp => gp.Predict(u).Mean)];
    }

    public TableRun Answer(IReadOnlyDictionary<string, object> parameters, int seed, int trial)
    {
        var config = Feasible(parameters);
        var mean = MeanCurveAt(config);
        var residual = _residuals[Rng.Derive(seed, trial, 0x5477).NextInt(_residuals.Length)];
        var accuracy = mean.Select((m, k) => Math.Clamp(m + residual[k], 0, 1)).ToArray();
        var nearest = _table.Nearest(config);
        return new TableRun(nearest.Index, seed, config, Steps, accuracy, _seconds[Architecture(config)], TrueFinal: mean[^1]);
    }

    private Dictionary<string, double> Feasible(IReadOnlyDictionary<string, object> parameters)
    {
        var p = parameters.ToDictionary(kv => kv.Key, kv => Convert.ToDouble(kv.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var order = (int)Math.Round(p["order"]);
        var expand = (int)Math.Round(p["order_expand"]);
        while (expand > 1 && (order * expand > _maxExpandProduct || !_seconds.ContainsKey((order, expand))))
            expand--;
        p["order"] = order;
        p["order_expand"] = expand;
        return p;
    }

    private static (int, int) Architecture(IReadOnlyDictionary<string, double> config) =>
        ((int)Math.Round(config["order"]), (int)Math.Round(config["order_expand"]));

    private static (int, int) Architecture(TableRun run) => Architecture(run.Config);

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }

    private double MeanFinal(Dictionary<string, double> config) => _perStep[^1].Predict(_table.UnitPoint(config)).Mean;

    /// <summary>The largest mean final accuracy: a 120 × 120 grid of lr × wd (log) for every trained architecture.</summary>
    private (double, IReadOnlyDictionary<string, object>) Maximum()
    {
        var lr = (FloatDistribution)Space.Parameters.First(p => p.Name == "lr").Distribution;
        var wd = (FloatDistribution)Space.Parameters.First(p => p.Name == "wd").Distribution;
        const int N = 120;
        var best = double.NegativeInfinity;
        Dictionary<string, double>? at = null;
        foreach (var (order, expand) in _seconds.Keys)
        {
            for (var i = 0; i < N; i++)
            {
                for (var j = 0; j < N; j++)
                {
                    var c = new Dictionary<string, double>(StringComparer.Ordinal)
                    {
                        ["lr"] = LogAt(lr, i / (N - 1.0)),
                        ["wd"] = LogAt(wd, j / (N - 1.0)),
                        ["order"] = order,
                        ["order_expand"] = expand,
                    };
                    var v = MeanFinal(c);
                    if (v > best)
                        (best, at) = (v, c);
                }
            }
        }
        return (best, at!.ToDictionary(kv => kv.Key, kv => (object)kv.Value, StringComparer.Ordinal));
    }

    /// <summary>E[max of the mean final accuracy over <paramref name="count"/> configurations drawn at random from the space], by Monte Carlo.</summary>
    private double ExpectedBestOf(int count, int draws)
    {
        var rng = new Rng(64);
        var total = 0.0;
        for (var d = 0; d < draws; d++)
        {
            var best = double.NegativeInfinity;
            for (var i = 0; i < count; i++)
                best = Math.Max(best, MeanFinal(Feasible(Draw(rng))));
            total += best;
        }
        return total / draws;
    }

    private Dictionary<string, object> Draw(Rng rng) => Space.Parameters.ToDictionary(p => p.Name, p => p.Distribution switch
    {
        FloatDistribution { Log: true } f => (object)LogAt(f, rng.NextDouble()),
        IntDistribution i => (object)(double)(i.Low + rng.NextInt((int)(i.High - i.Low + 1))),
        _ => throw new NotSupportedException(p.Distribution.GetType().Name),
    }, StringComparer.Ordinal);

    private static double LogAt(FloatDistribution f, double u) => Math.Exp(Math.Log(f.Low) + u * (Math.Log(f.High) - Math.Log(f.Low)));

    private static string Show(IReadOnlyDictionary<string, object> c) =>
        string.Join(", ", c.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {Convert.ToDouble(kv.Value, CultureInfo.InvariantCulture):G3}")));
}
