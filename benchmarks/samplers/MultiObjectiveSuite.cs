using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HoMM.Core.MultiObjective;
using HoMM.Core.Numerics;
using HoMM.Core.Samplers;
using HoMM.Core.Samplers.Nsga2;
using HoMM.Core.Samplers.Tpe;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Benchmarks.Samplers;

/// <summary>
/// A multi-objective benchmark problem: every objective minimised. <see cref="Observe"/> is what a
/// trial reports (possibly noisy); <see cref="TrueValues"/> scores the final front; the hypervolume
/// is taken against <see cref="Reference"/>, fixed per problem so all samplers and seeds compare.
/// </summary>
public sealed record MultiProblem(
    string Name,
    SearchSpaceDefinition Space,
    Func<IReadOnlyDictionary<string, object>, double[]> TrueValues,
    double NoiseSd,
    double[] Reference)
{
    public int Objectives => Reference.Length;

    /// <summary>Noise (if any) is added to the first objective only: an accuracy is noisy, a FLOP count is not.</summary>
    public double[] Observe(IReadOnlyDictionary<string, object> p, int seed, int trialNumber)
    {
        var v = TrueValues(p);
        if (NoiseSd > 0)
            v[0] += NoiseSd * Rng.Derive(seed, trialNumber, 0x402).NextGaussian();
        return v;
    }
}

public static class MultiProblems
{
    public static IReadOnlyList<MultiProblem> All => [Zdt1(), Zdt2(), Dtlz2(), HommAccuracyFlops()];

    private static double D(IReadOnlyDictionary<string, object> p, string name) => Convert.ToDouble(p[name], CultureInfo.InvariantCulture);

    private static SearchSpaceDefinition Unit(int n) =>
        new([.. Enumerable.Range(0, n).Select(i => new ParameterSpec($"x{i}", new FloatDistribution(0, 1)))]);

    private static double[] X(IReadOnlyDictionary<string, object> p, int n) => [.. Enumerable.Range(0, n).Select(i => D(p, $"x{i}"))];

    /// <summary>ZDT1 with 10 variables: convex front f2 = 1 − √f1 where g = 1.</summary>
    public static MultiProblem Zdt1() => new("zdt1", Unit(10), p =>
    {
        var x = X(p, 10);
        var g = 1 + 9 * x.Skip(1).Sum() / 9;
        return [x[0], g * (1 - Math.Sqrt(x[0] / g))];
    }, 0, [1.1, 11]);

    /// <summary>ZDT2 with 10 variables: concave front f2 = 1 − f1² where g = 1.</summary>
    public static MultiProblem Zdt2() => new("zdt2", Unit(10), p =>
    {
        var x = X(p, 10);
        var g = 1 + 9 * x.Skip(1).Sum() / 9;
        return [x[0], g * (1 - Math.Pow(x[0] / g, 2))];
    }, 0, [1.1, 11]);

    /// <summary>DTLZ2 with 3 objectives and 7 variables (k = 5): the front is the positive octant of the unit sphere.</summary>
    public static MultiProblem Dtlz2() => new("dtlz2", Unit(7), p =>
    {
        var x = X(p, 7);
        var g = x.Skip(2).Sum(v => (v - 0.5) * (v - 0.5));
        var a = x[0] * Math.PI / 2;
        var b = x[1] * Math.PI / 2;
        return [(1 + g) * Math.Cos(a) * Math.Cos(b), (1 + g) * Math.Cos(a) * Math.Sin(b), (1 + g) * Math.Sin(a)];
    }, 0, [2.5, 2.5, 2.5]);

    /// <summary>
    /// The single-objective suite's HoMM surrogate (validation error, noise sd 0.004) against
    /// compute: log10 of FLOPs per token relative to a d² unit. A HoM layer projects d → o·oe·d and
    /// back (about 3·o·oe·d² with the gate), the FFW d → f·d → d (2·f·d²), attention-free
    /// otherwise: more order or expansion buys accuracy at a price.
    /// </summary>
    public static MultiProblem HommAccuracyFlops()
    {
        var error = Problems.HommSurrogate();
        return new MultiProblem("homm-acc-flops", error.Space, p =>
        [
            error.TrueValue(p),
            Math.Log10(3 * D(p, "order") * D(p, "order_expand") + 2 * D(p, "ffw_expand")),
        ], error.NoiseSd, [0.6, 2.2]);
    }
}

/// <summary>The multi-objective suite: our NSGA-II, multi-objective TPE and random against Optuna 3.1's NSGA-II and MOTPE.</summary>
public static class MultiObjectiveSuite
{
    public static readonly string[] OurKinds = ["nsga2", "tpe", "random"];
    public static readonly string[] OptunaKinds = ["nsga2", "motpe"];
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly Lock RunsLock = new();

    public static ISampler Create(string kind, int seed) => kind switch
    {
        "nsga2" => new Nsga2Sampler(new Nsga2SamplerOptions { Seed = seed }),
        "tpe" => new TpeSampler(new TpeSamplerOptions { Seed = seed }),
        // Variants for experiments (--our-kinds): one kernel per parameter (Optuna's MOTPE); joint kernels at the single-objective width.
        "tpe-univariate" => new TpeSampler(new TpeSamplerOptions { Seed = seed, Multivariate = false }),
        "tpe-narrow" => new TpeSampler(new TpeSamplerOptions { Seed = seed, BandwidthFactor = 0.1 }),
        "random" => new RandomSampler(seed),
        _ => throw new ArgumentException($"no multi-objective sampler '{kind}'"),
    };

    // checkpoints: trial counts at which the front's hypervolume is reported (the run lasts the largest).
    // Seeds firstSeed … seeds − 1 run (a first seed above 0 extends an earlier, stopped run).
    public static void Run(int seeds, int[] checkpoints, IReadOnlyList<string>? problemNames, int parallel, bool optuna, Action<string> emit,
        IReadOnlyList<string>? optunaKinds = null, string? runsPath = null, int firstSeed = 0, IReadOnlyList<string>? ourKinds = null)
    {
        var theirKinds = optunaKinds?.ToArray() ?? OptunaKinds;
        var mine = ourKinds?.ToArray() ?? OurKinds;
        var problems = MultiProblems.All.Where(p => problemNames is null || problemNames.Contains(p.Name)).ToArray();
        var trials = checkpoints.Max();
        var jobs = new List<(MultiProblem Problem, string Kind, bool Ours, int Seed)>();
        // Seed-major: a run stopped early (--runs keeps every finished run) has whole seeds for every problem.
        for (var seed = firstSeed; seed < seeds; seed++)
        {
            foreach (var problem in problems)
            {
                if (optuna)
                {
                    foreach (var kind in theirKinds)
                        jobs.Add((problem, kind, false, seed));
                }
                foreach (var kind in mine)
                    jobs.Add((problem, kind, true, seed));
            }
        }

        var volumes = new ConcurrentDictionary<(string Problem, string Kind, bool Ours, int Seed), double[]>();
        var seconds = new ConcurrentDictionary<(string Kind, bool Ours), double>();
        var clients = new ConcurrentBag<OptunaClient>();
        var done = 0;
        var clock = Stopwatch.StartNew();
        // One job at a time per worker, in list order: range partitioning would hand one worker all of Optuna's slow runs.
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(jobs, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering), new ParallelOptions { MaxDegreeOfParallelism = parallel }, job =>
        {
            var watch = Stopwatch.StartNew();
            List<(IReadOnlyDictionary<string, object> Params, double[] Observed)> history;
            if (job.Ours)
            {
                history = RunOurs(job.Problem, job.Kind, job.Seed, trials);
            }
            else
            {
                if (!clients.TryTake(out var client))
                    client = new OptunaClient();
                history = RunOptuna(client, job.Problem, job.Kind, job.Seed, trials);
                clients.Add(client);
            }
            seconds.AddOrUpdate((job.Kind, job.Ours), watch.Elapsed.TotalSeconds, (_, s) => s + watch.Elapsed.TotalSeconds);
            var volume = volumes[(job.Problem.Name, job.Kind, job.Ours, job.Seed)] = [.. checkpoints.Select(n => FrontVolume(job.Problem, history.Take(n)))];
            if (runsPath is not null)
            {
                var line = System.Text.Json.JsonSerializer.Serialize(new
                {
                    problem = job.Problem.Name,
                    sampler = (job.Ours ? "ours " : "Optuna ") + job.Kind,
                    seed = job.Seed,
                    checkpoints,
                    hypervolume = volume,
                    seconds = watch.Elapsed.TotalSeconds,
                });
                lock (RunsLock)
                    File.AppendAllText(runsPath, line + "\n");
            }
            var count = Interlocked.Increment(ref done);
            if (count % 20 == 0 || count == jobs.Count)
                Console.Error.WriteLine(string.Create(Inv, $"samplers (multi): {count}/{jobs.Count} runs ({clock.Elapsed.TotalSeconds:f0} s)"));
        });
        foreach (var c in clients)
            c.Dispose();

        emit("");
        emit(string.Create(Inv, $"Multi-objective suite: {seeds} seeds per problem and sampler; hypervolume (higher is better) of the final front at {string.Join(" and ", checkpoints)} trials, median [IQR]."));
        emit("The front is chosen on the observed values and scored on the true ones (only homm-acc-flops is noisy). Reference points: " +
             string.Join("; ", problems.Select(p => $"{p.Name} ({string.Join(", ", p.Reference.Select(r => r.ToString(Inv)))})")) + ".");
        emit("Ratio = our best sampler's median / Optuna's best median (≥ 1: ours is at least as good).");
        emit("");
        var header = "| problem | trials | " + string.Join(" | ", mine.Select(k => $"ours {k}")) + (optuna ? " | " + string.Join(" | ", theirKinds.Select(k => $"Optuna {k}")) + " | ratio |" : " |");
        emit(header);
        emit("|" + string.Concat(Enumerable.Repeat("---|", header.Count(c => c == '|') - 1)));
        foreach (var problem in problems)
        {
            for (var c = 0; c < checkpoints.Length; c++)
            {
                double[] Finals(string kind, bool ours) => [.. Enumerable.Range(firstSeed, seeds - firstSeed).Select(s => volumes[(problem.Name, kind, ours, s)][c])];
                var cells = mine.Select(k => Summary(Finals(k, true))).ToList();
                var ratio = "";
                if (optuna)
                {
                    cells.AddRange(theirKinds.Select(k => Summary(Finals(k, false))));
                    var ourBest = mine.Length == 0 ? double.NaN : mine.Max(k => Median(Finals(k, true)));
                    var theirBest = theirKinds.Max(k => Median(Finals(k, false)));
                    ratio = " " + (ourBest / theirBest).ToString("0.000", Inv) + " |";
                }
                emit($"| {problem.Name} | {checkpoints[c]} | {string.Join(" | ", cells)} |{ratio}");
            }
        }
        emit("");
        emit(string.Create(Inv, $"Wall time of all runs, seconds (sum over runs; {parallel} workers):"));
        foreach (var ((kind, ours), s) in seconds.OrderBy(kv => kv.Key.Kind).ThenBy(kv => !kv.Key.Ours))
            emit(string.Create(Inv, $"- {kind} {(ours ? "ours" : "Optuna")}: {s:f1}"));
    }

    /// <summary>Ask latency of each multi-objective sampler with 1,000 finished two-objective trials (homm-acc-flops).</summary>
    public static void Latency(bool optuna, Action<string> emit)
    {
        const int finished = 1000;
        const int asks = 20;
        var problem = MultiProblems.HommAccuracyFlops();
        var directions = new[] { StudyDirection.Minimize, StudyDirection.Minimize };
        var random = new Study(problem.Space, directions, new RandomSampler(12345));
        var history = new List<(IReadOnlyDictionary<string, object> Params, double[] Values)>();
        for (var i = 0; i < finished; i++)
        {
            var t = random.Ask();
            var v = problem.Observe(t.Params, 12345, t.Number);
            random.Tell(t.Number, v);
            history.Add((t.Params, v));
        }
        var tellValues = history.Take(asks).Select(h => h.Values).ToArray();
        emit("");
        emit(string.Create(Inv, $"Multi-objective ask latency with {finished} finished two-objective trials, 5 parameters (median of {asks} asks, each told before the next; milliseconds):"));
        var ours = new Dictionary<string, double>();
        foreach (var kind in OurKinds.Where(k => k != "random"))
        {
            // Warm up (tiered JIT) on a copy, as the single-objective latency does.
            AskTiming.WarmUp(new Study(problem.Space, directions, Create(kind, 2), trials: random.Trials), 30, (s, n, i) => s.Tell(n, tellValues[i % asks]));
            var times = AskTiming.Time(new Study(problem.Space, directions, Create(kind, 1), trials: random.Trials), asks, (s, n, i) => s.Tell(n, tellValues[i]));
            ours[kind] = Median(times);
            emit(string.Create(Inv, $"- ours {kind}: {ours[kind]:0.000}"));
        }
        if (!optuna)
            return;
        using var client = new OptunaClient();
        foreach (var kind in OptunaKinds)
        {
            var ms = Median(client.AskLatency(kind, 1, problem.Space, history, tellValues).Select(s => s * 1000));
            emit(string.Create(Inv, $"- Optuna {kind}: {ms:0.000}"));
        }
    }

    private static List<(IReadOnlyDictionary<string, object>, double[])> RunOurs(MultiProblem problem, string kind, int seed, int trials)
    {
        var study = new Study(problem.Space, [.. Enumerable.Repeat(StudyDirection.Minimize, problem.Objectives)], Create(kind, seed));
        var history = new List<(IReadOnlyDictionary<string, object>, double[])>(trials);
        for (var i = 0; i < trials; i++)
        {
            var t = study.Ask();
            var v = problem.Observe(t.Params, seed, t.Number);
            study.Tell(t.Number, v);
            history.Add((t.Params, v));
        }
        return history;
    }

    private static List<(IReadOnlyDictionary<string, object>, double[])> RunOptuna(OptunaClient client, MultiProblem problem, string kind, int seed, int trials)
    {
        client.NewStudy(kind, seed, problem.Space, problem.Objectives);
        var history = new List<(IReadOnlyDictionary<string, object>, double[])>(trials);
        for (var i = 0; i < trials; i++)
        {
            var (number, p) = client.Ask();
            var v = problem.Observe(p, seed, number);
            client.Tell(number, v);
            history.Add((p, v));
        }
        return history;
    }

    /// <summary>Hypervolume of the true values of the trials on the observed front.</summary>
    private static double FrontVolume(MultiProblem problem, IEnumerable<(IReadOnlyDictionary<string, object> Params, double[] Observed)> history)
    {
        var list = history.ToList();
        var front = Pareto.FrontIndices([.. list.Select(h => h.Observed)]);
        return Hypervolume.Compute([.. front.Select(i => problem.TrueValues(list[i].Params))], problem.Reference);
    }

    private static double Median(IEnumerable<double> values) => AskTiming.Median(values);

    private static double Quantile(IEnumerable<double> values, double q) => AskTiming.Quantile(values, q);

    private static string Summary(double[] v) =>
        string.Create(Inv, $"{Median(v):0.0000} [{Quantile(v, 0.25):0.0000}, {Quantile(v, 0.75):0.0000}]");
}
