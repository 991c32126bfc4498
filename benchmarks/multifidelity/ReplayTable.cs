using System.Text.Json;
using HoMM.Core.SearchSpace;

namespace HoMM.Benchmarks.MultiFidelity;

/// <summary>One homm-train run of the table: its configuration and learning curve.</summary>
/// <param name="Index">The configuration's number in make_table.py's draw.</param>
/// <param name="Seed">The training seed (0 for the table; others measure seed noise).</param>
/// <param name="Config">lr, wd, order, order_expand.</param>
/// <param name="Steps">Steps of the curve's points (every eval_every).</param>
/// <param name="Accuracy">val/acc at each point.</param>
/// <param name="Seconds">Seconds since the trainer started at each point (start-up and evaluations included).</param>
/// <param name="TrueFinal">The final accuracy regret is scored on when it is not the observed one (a surrogate's mean).</param>
public sealed record TableRun(int Index, int Seed, IReadOnlyDictionary<string, double> Config, long[] Steps, double[] Accuracy, double[] Seconds, double? TrueFinal = null)
{
    public double FinalAccuracy => Accuracy[^1];

    /// <summary>What this run is worth, scored without its noise: <see cref="TrueFinal"/>, else the observed final accuracy.</summary>
    public double TrueAccuracy => TrueFinal ?? FinalAccuracy;

    public long MaxStep => Steps[^1];

    /// <summary>Start-up of a trainer process: the first point's time less one interval's training.</summary>
    public double StartupSeconds => Math.Max(0, Seconds[0] - (Seconds[1] - Seconds[0]));

    /// <summary>
    /// Virtual seconds to run from <paramref name="from"/> (0: a fresh start; else a resume from
    /// that checkpoint) to <paramref name="to"/>; a resume pays <paramref name="resumeStartup"/> ×
    /// the start-up again (1: as measured).
    /// </summary>
    public double Cost(long from, long to, double resumeStartup = 1) =>
        from == 0 ? At(to) : At(to) - At(from) + resumeStartup * StartupSeconds;

    public double ValueAt(long step) => Accuracy[IndexOf(step)];

    public double SecondsAt(long step) => Seconds[IndexOf(step)];

    private double At(long step) => SecondsAt(step);

    private int IndexOf(long step)
    {
        var i = Array.IndexOf(Steps, step);
        return i >= 0 ? i : throw new ArgumentOutOfRangeException(nameof(step), step, $"the table has no point at step {step}; its steps are {string.Join(", ", Steps)}");
    }
}

/// <summary>What the simulator replays trials from: a run (curve and times) for each proposal, and the bar to reach.</summary>
public interface ITrialSource
{
    SearchSpaceDefinition Space { get; }

    /// <summary>The best true final accuracy there is: regret is measured from it.</summary>
    double Best { get; }

    /// <summary>The expected best of 64 random configurations: the accuracy each method is timed to reach.</summary>
    double Target { get; }

    /// <summary>Trial <paramref name="trial"/> of the study run with <paramref name="seed"/>, at these parameters.</summary>
    TableRun Answer(IReadOnlyDictionary<string, object> parameters, int seed, int trial);

    string Describe();
}

/// <summary>
/// The real-task table (make_table.py's output). As a trial source (nearest-row replay) it answers
/// a configuration with the nearest run of the table — nearest in the unit cube of the search
/// space (log scale for lr and wd), so a proposal replays the measured curve of the most similar
/// configuration actually trained, the same curve every time.
/// </summary>
public sealed class ReplayTable : ITrialSource
{
    private ReplayTable(SearchSpaceDefinition space, List<TableRun> runs, List<TableRun> repeats)
    {
        Space = space;
        Runs = runs;
        Repeats = repeats;
    }

    /// <summary>The table's search space (the quickstart's, lr widened).</summary>
    public SearchSpaceDefinition Space { get; }

    /// <summary>One run per configuration (training seed 0): what trials are answered from.</summary>
    public IReadOnlyList<TableRun> Runs { get; }

    /// <summary>The same configurations with other training seeds: the table's seed noise.</summary>
    public IReadOnlyList<TableRun> Repeats { get; }

    public static SearchSpaceDefinition QuickstartSpace() => new(
    [
        new ParameterSpec("lr", new FloatDistribution(1e-3, 3e-2, log: true)),
        new ParameterSpec("wd", new FloatDistribution(1e-4, 0.1, log: true)),
        new ParameterSpec("order", new IntDistribution(1, 3)),
        new ParameterSpec("order_expand", new IntDistribution(1, 4)),
    ]);

    public static ReplayTable Load(string path)
    {
        var runs = new List<TableRun>();
        var repeats = new List<TableRun>();
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            if (r.GetProperty("error").ValueKind != JsonValueKind.Null)
                continue;
            var config = r.GetProperty("config").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
            var curve = r.GetProperty("curve").EnumerateArray().ToArray();
            var run = new TableRun(r.GetProperty("index").GetInt32(), r.GetProperty("seed").GetInt32(), config,
                [.. curve.Select(c => c.GetProperty("step").GetInt64())],
                [.. curve.Select(c => c.GetProperty("val_acc").GetDouble())],
                [.. curve.Select(c => c.GetProperty("wall_s").GetDouble())]);
            (run.Seed == 0 ? runs : repeats).Add(run);
        }
        if (runs.Count == 0)
            throw new InvalidDataException($"{path}: no complete run");
        return new ReplayTable(QuickstartSpace(), runs, repeats);
    }

    public double Best => Runs.Max(r => r.FinalAccuracy);

    public double Target => ExpectedBestOf(64);

    /// <summary>Pooled standard deviation over seeds of the final accuracy of the repeated configurations.</summary>
    public double SeedNoise => Math.Sqrt(Runs.Concat(Repeats).GroupBy(r => r.Index).Where(g => g.Count() >= 2)
        .Select(g => g.Select(r => r.FinalAccuracy).ToArray())
        .Average(v => v.Sum(x => (x - v.Average()) * (x - v.Average())) / (v.Length - 1)));

    public TableRun Answer(IReadOnlyDictionary<string, object> parameters, int seed, int trial) => Nearest(ToDoubles(parameters));

    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"Replay: nearest table row (the same recorded curve for every trial landing on it); best final val/acc {Best:F4}; target = expected best of 64 random configurations = {Target:F4}.");

    /// <summary>The run whose configuration is nearest to <paramref name="parameters"/> in the unit cube.</summary>
    public TableRun Nearest(IReadOnlyDictionary<string, double> parameters)
    {
        var u = UnitPoint(parameters);
        TableRun? best = null;
        var bestDistance = double.PositiveInfinity;
        foreach (var run in Runs)
        {
            var v = UnitPoint(run.Config);
            var d = 0.0;
            for (var k = 0; k < u.Length; k++)
                d += (u[k] - v[k]) * (u[k] - v[k]);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = run;
            }
        }
        return best!;
    }

    /// <summary>A configuration's coordinates in the unit cube of the space (log scale for lr and wd), in the space's parameter order.</summary>
    public double[] UnitPoint(IReadOnlyDictionary<string, double> config) => [.. Space.Parameters.Select(p => Unit(p, config[p.Name]))];

    private static Dictionary<string, double> ToDoubles(IReadOnlyDictionary<string, object> parameters) =>
        parameters.ToDictionary(kv => kv.Key, kv => Convert.ToDouble(kv.Value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);

    private static double Unit(ParameterSpec p, double v) => p.Distribution switch
    {
        FloatDistribution { Log: true } f => (Math.Log(v) - Math.Log(f.Low)) / (Math.Log(f.High) - Math.Log(f.Low)),
        FloatDistribution f => (v - f.Low) / (f.High - f.Low),
        IntDistribution i => (v - i.Low) / Math.Max(1, i.High - i.Low),
        _ => throw new NotSupportedException(p.Distribution.GetType().Name),
    };

    /// <summary>
    /// The expected best final accuracy of <paramref name="draws"/> configurations drawn at random
    /// from the table (with replacement): the bar the benchmark asks each scheduler to reach.
    /// </summary>
    public double ExpectedBestOf(int draws)
    {
        var v = Runs.Select(r => r.FinalAccuracy).Order().ToArray();
        var n = v.Length;
        var expected = 0.0;
        for (var j = 0; j < n; j++)
            expected += v[j] * (Math.Pow((j + 1.0) / n, draws) - Math.Pow((double)j / n, draws));
        return expected;
    }
}
