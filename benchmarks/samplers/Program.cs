using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using HoMM.Benchmarks.Samplers;
using HoMM.Core.Numerics;
using HoMM.Core.Samplers;
using HoMM.Core.Samplers.CmaEs;
using HoMM.Core.Samplers.Gp;
using HoMM.Core.Samplers.Tpe;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

// benchmarks/samplers: our samplers and Optuna's on the same suite, in the same run.
//   --trials N (100)  --seeds N (10)  --samplers tpe,cmaes,gp,random  --problems all|name,...
//   --parallel N (cores)  --no-optuna  --no-suite  --no-latency  --markdown FILE
//   --multi: the multi-objective suite instead (ZDT1, ZDT2, DTLZ2, homm-acc-flops; ours nsga2/tpe/random
//            vs Optuna nsga2/motpe); --checkpoints 100,300 reports the front's hypervolume at those trial counts;
//            --optuna-kinds nsga2 runs only those of Optuna's (its MOTPE takes minutes per run at 300 trials);
//            --our-kinds tpe,tpe-univariate,tpe-narrow|none picks ours; --first-seed F runs seeds F…seeds−1
//            (with --runs FILE, to extend a stopped run)
var options = BenchmarkOptions.Parse(args);
var inv = CultureInfo.InvariantCulture;

string? optunaVersion = null;
if (options.Optuna)
{
    if (OptunaClient.IsAvailable(out var reason))
    {
        using var probe = new OptunaClient();
        optunaVersion = probe.Version();
    }
    else
    {
        Console.Error.WriteLine($"samplers: Optuna is not available ({reason}); running ours only");
        options = options with { Optuna = false };
    }
}

var report = new StringBuilder();
void Emit(string line)
{
    Console.WriteLine(line);
    report.AppendLine(line);
}

var available = OurSamplers.Kinds.Where(k => OurSamplers.Create(k, 0) is not null).ToArray();
var missing = options.Samplers.Where(k => !available.Contains(k)).ToArray();
Emit(string.Create(inv, $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {optunaVersion ?? "Optuna not run"}"));
if (missing.Length > 0)
    Emit($"Unknown sampler kinds (left out): {string.Join(", ", missing)}");

if (options.Multi)
{
    if (options.Suite)
        MultiObjectiveSuite.Run(options.Seeds, options.Checkpoints ?? [options.Trials], options.Problems, options.Parallel, options.Optuna, Emit, options.OptunaKinds, options.Runs, options.FirstSeed, options.OurKinds);
    if (options.Latency)
        MultiObjectiveSuite.Latency(options.Optuna, Emit);
}
else
{
    if (options.Suite)
        RunSuite();
    if (options.Latency)
        RunLatency();
}

if (options.Markdown is { } path)
{
    File.WriteAllText(path, report.ToString());
    Console.WriteLine($"samplers: wrote {path}");
}
return 0;

void RunSuite()
{
    var problems = Problems.All.Where(p => options.Problems is null || options.Problems.Contains(p.Name)).ToArray();
    // Optuna runs every requested kind it has, even one our build lacks, so each row has its reference.
    var kinds = options.Samplers.Where(k => available.Contains(k) || (options.Optuna && OptunaClient.HasKind(k))).ToArray();
    var jobs = new List<(Problem Problem, string Kind, bool Ours, int Seed)>();
    foreach (var problem in problems)
    {
        foreach (var kind in kinds.OrderBy(k => k == "gp" ? 0 : 1))
        {
            for (var seed = 0; seed < options.Seeds; seed++)
            {
                if (available.Contains(kind))
                    jobs.Add((problem, kind, true, seed));
                if (options.Optuna && OptunaClient.HasKind(kind))
                    jobs.Add((problem, kind, false, seed));
            }
        }
    }
    var curves = new ConcurrentDictionary<(string Problem, string Kind, bool Ours, int Seed), double[]>();
    var seconds = new ConcurrentDictionary<(string Kind, bool Ours), double>();
    var clients = new ConcurrentBag<OptunaClient>();
    var done = 0;
    var clock = Stopwatch.StartNew();
    Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel }, job =>
    {
        var watch = Stopwatch.StartNew();
        double[] curve;
        if (job.Ours)
        {
            curve = RunOurs(job.Problem, job.Kind, job.Seed, options.Trials);
        }
        else
        {
            if (!clients.TryTake(out var client))
                client = new OptunaClient();
            curve = RunOptuna(client, job.Problem, job.Kind, job.Seed, options.Trials);
            clients.Add(client);
        }
        seconds.AddOrUpdate((job.Kind, job.Ours), watch.Elapsed.TotalSeconds, (_, s) => s + watch.Elapsed.TotalSeconds);
        curves[(job.Problem.Name, job.Kind, job.Ours, job.Seed)] = curve;
        var n = Interlocked.Increment(ref done);
        if (n % 20 == 0 || n == jobs.Count)
            Console.Error.WriteLine(string.Create(inv, $"samplers: {n}/{jobs.Count} runs ({clock.Elapsed.TotalSeconds:f0} s)"));
    });
    foreach (var c in clients)
        c.Dispose();

    Emit("");
    Emit(string.Create(inv, $"Suite: {options.Trials} trials × {options.Seeds} seeds per problem and sampler. Regret = true value of the best observed trial − optimum."));
    Emit("Median [IQR] of the final regret; trials-to-target = median number of trials until the regret first falls to the target (runs that reached it / all).");
    Emit("Ratio = our median regret / Optuna's (< 1 is better). Optuna 3.1 has no GP sampler: our gp is compared with Optuna's best sampler on each problem.");
    Emit("");
    Emit("| problem (target) | sampler | ours: regret | Optuna: regret | ratio | ours: trials-to-target | Optuna: trials-to-target |");
    Emit("|---|---|---|---|---|---|---|");
    var ratios = new Dictionary<string, List<double>>();
    var bestRatios = new List<double>();
    foreach (var problem in problems)
    {
        var optunaMedians = new Dictionary<string, double>();
        foreach (var kind in kinds.Where(OptunaClient.HasKind))
        {
            if (options.Optuna)
                optunaMedians[kind] = Median(Finals(problem, kind, false));
        }
        var ourMedians = new Dictionary<string, double>();
        foreach (var kind in kinds)
        {
            if (!available.Contains(kind))
            {
                var only = Finals(problem, kind, false);
                Emit($"| {problem.Name} ({problem.Target.ToString("g3", inv)}) | {kind} | not in this build | {Summary(only)} | — | — | {TrialsToTarget(problem, kind, false)} |");
                continue;
            }
            var ours = Finals(problem, kind, true);
            ourMedians[kind] = Median(ours);
            string optunaCell = "—", ratioCell = "—", optunaTtt = "—";
            string? against = OptunaClient.HasKind(kind) ? kind : optunaMedians.Count > 0 ? optunaMedians.MinBy(kv => kv.Value).Key : null;
            if (options.Optuna && against is not null)
            {
                var theirs = Finals(problem, against, false);
                var label = against == kind ? "" : $" ({against})";
                optunaCell = Summary(theirs) + label;
                var ratio = Ratio(Median(ours), Median(theirs));
                ratioCell = ratio.ToString("0.00", inv);
                optunaTtt = TrialsToTarget(problem, against, false) + label;
                ratios.TryAdd(kind, []);
                ratios[kind].Add(ratio);
            }
            Emit($"| {problem.Name} ({problem.Target.ToString("g3", inv)}) | {kind} | {Summary(ours)} | {optunaCell} | {ratioCell} | {TrialsToTarget(problem, kind, true)} | {optunaTtt} |");
        }
        if (options.Optuna && optunaMedians.Count > 0)
            bestRatios.Add(Ratio(ourMedians.Values.Min(), optunaMedians.Values.Min()));
    }
    if (options.Optuna)
    {
        Emit("");
        Emit("Mean ratio over the suite (arithmetic mean of the per-problem ratios):");
        foreach (var (kind, list) in ratios)
            Emit(string.Create(inv, $"- {kind}: {list.Average():0.00} (max {list.Max():0.00})"));
        if (bestRatios.Count > 0)
            Emit(string.Create(inv, $"- our best sampler vs Optuna's best, per problem: mean {bestRatios.Average():0.00} ({string.Join(", ", bestRatios.Select(r => r.ToString("0.00", inv)))})"));
    }
    Emit("");
    Emit("Wall time of all runs, seconds (sum over runs; runs in parallel on " + options.Parallel.ToString(inv) + " workers):");
    foreach (var ((kind, ours), s) in seconds.OrderBy(kv => kv.Key.Kind).ThenBy(kv => !kv.Key.Ours))
        Emit(string.Create(inv, $"- {kind} {(ours ? "ours" : "Optuna")}: {s:f1}"));

    double[] Finals(Problem problem, string kind, bool ours) =>
        Enumerable.Range(0, options.Seeds).Select(s => curves[(problem.Name, kind, ours, s)][^1]).ToArray();

    string TrialsToTarget(Problem problem, string kind, bool ours)
    {
        var hits = Enumerable.Range(0, options.Seeds)
            .Select(s => Array.FindIndex(curves[(problem.Name, kind, ours, s)], r => r <= problem.Target))
            .Select(i => i < 0 ? double.PositiveInfinity : i + 1)
            .ToArray();
        var reached = hits.Count(double.IsFinite);
        var median = Median(hits);
        var m = double.IsFinite(median) ? median.ToString("0", inv) : $">{options.Trials}";
        return $"{m} ({reached}/{hits.Length})";
    }
}

void RunLatency()
{
    // 1,000 finished trials over the HoMM surrogate's five parameters, drawn at random once.
    const int finished = 1000;
    const int asks = 20;
    var problem = Problems.HommSurrogate();
    var history = new List<(IReadOnlyDictionary<string, object> Params, double Value)>();
    var random = new Study(problem.Space, StudyDirection.Minimize, new RandomSampler(12345));
    for (var i = 0; i < finished; i++)
    {
        var t = random.Ask();
        var v = problem.Observe(t.Params, 12345, t.Number);
        random.Tell(t.Number, v);
        history.Add((t.Params, v));
    }
    var tellValues = Enumerable.Range(0, asks).Select(i => history[i].Value).ToArray();

    Emit("");
    Emit(string.Create(inv, $"Ask latency with {finished} finished trials, 5 parameters (median of {asks} asks, each told before the next; milliseconds):"));
    var ourMs = new Dictionary<string, double>();
    foreach (var kind in options.Samplers.Where(available.Contains).Where(k => k != "gp"))
    {
        AskTiming.WarmUp(new Study(problem.Space, StudyDirection.Minimize, OurSamplers.Create(kind, 2)!, trials: random.Trials), 50, (s, n, i) => s.Tell(n, tellValues[i % asks]));
        var times = AskTiming.Time(new Study(problem.Space, StudyDirection.Minimize, OurSamplers.Create(kind, 1)!, trials: random.Trials), asks, (s, n, i) => s.Tell(n, tellValues[i]));
        ourMs[kind] = Median(times);
        Emit(string.Create(inv, $"- ours {kind}: {ourMs[kind]:0.00}"));
    }
    if (options.Optuna)
    {
        using var client = new OptunaClient();
        var optunaTpe = Median(client.AskLatency("tpe", 1, problem.Space, history, tellValues).Select(s => s * 1000));
        Emit(string.Create(inv, $"- Optuna tpe: {optunaTpe:0.00}"));
        if (ourMs.TryGetValue("tpe", out var ours))
            Emit(string.Create(inv, $"- ours tpe / Optuna tpe: {ours / optunaTpe:0.000} (1/{optunaTpe / ours:0.0})"));
    }
    if (options.Samplers.Contains("gp") && available.Contains("gp"))
    {
        // The GP refits its hyperparameters at every ask (O(n³)); it is meant for budgets of a few hundred trials.
        foreach (var n in new[] { 100, 300 })
        {
            var times = AskTiming.Time(new Study(problem.Space, StudyDirection.Minimize, OurSamplers.Create("gp", 1)!, trials: random.Trials.Take(n)), 5, (s, number, i) => s.Tell(number, tellValues[i]));
            Emit(string.Create(inv, $"- ours gp at {n} finished trials: {Median(times):0} (median of 5)"));
        }
    }
}

static double[] RunOurs(Problem problem, string kind, int seed, int trials)
{
    var study = new Study(problem.Space, StudyDirection.Minimize, OurSamplers.Create(kind, seed)!);
    var curve = new double[trials];
    var bestObserved = double.PositiveInfinity;
    var regret = double.PositiveInfinity;
    for (var i = 0; i < trials; i++)
    {
        var t = study.Ask();
        var observed = problem.Observe(t.Params, seed, t.Number);
        study.Tell(t.Number, observed);
        if (observed < bestObserved)
        {
            bestObserved = observed;
            regret = problem.TrueValue(t.Params) - problem.Optimum;
        }
        curve[i] = regret;
    }
    return curve;
}

static double[] RunOptuna(OptunaClient client, Problem problem, string kind, int seed, int trials)
{
    client.NewStudy(kind, seed, problem.Space);
    var curve = new double[trials];
    var bestObserved = double.PositiveInfinity;
    var regret = double.PositiveInfinity;
    for (var i = 0; i < trials; i++)
    {
        var (number, p) = client.Ask();
        var observed = problem.Observe(p, seed, number);
        client.Tell(number, observed);
        if (observed < bestObserved)
        {
            bestObserved = observed;
            regret = problem.TrueValue(p) - problem.Optimum;
        }
        curve[i] = regret;
    }
    return curve;
}

static double Median(IEnumerable<double> values) => AskTiming.Median(values);

static double Quantile(IEnumerable<double> values, double q) => AskTiming.Quantile(values, q);

static string Summary(double[] finals) =>
    string.Create(CultureInfo.InvariantCulture, $"{Fmt(Median(finals))} [{Fmt(Quantile(finals, 0.25))}, {Fmt(Quantile(finals, 0.75))}]");

static string Fmt(double v) => Math.Abs(v) < 1e-4 && v != 0 ? v.ToString("0.0e0", CultureInfo.InvariantCulture) : v.ToString("0.####", CultureInfo.InvariantCulture);

// Regrets of 0 (an exact hit) are floored so the ratio stays defined.
static double Ratio(double ours, double theirs) => Math.Max(ours, 1e-9) / Math.Max(theirs, 1e-9);

/// <summary>Command-line settings of the benchmark.</summary>
internal sealed record BenchmarkOptions(
    int Trials, int Seeds, IReadOnlyList<string> Samplers, IReadOnlyList<string>? Problems,
    int Parallel, bool Optuna, bool Suite, bool Latency, string? Markdown, bool Multi = false, int[]? Checkpoints = null, IReadOnlyList<string>? OptunaKinds = null, string? Runs = null,
    int FirstSeed = 0, IReadOnlyList<string>? OurKinds = null)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        var o = new BenchmarkOptions(100, 10, OurSamplers.Kinds, null, Environment.ProcessorCount, true, true, true, null);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--trials" => o with { Trials = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--seeds" => o with { Seeds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--samplers" => o with { Samplers = Next().Split(',') },
                "--problems" => o with { Problems = Next() is var p && p == "all" ? null : p.Split(',') },
                "--parallel" => o with { Parallel = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--no-optuna" => o with { Optuna = false },
                "--no-suite" => o with { Suite = false },
                "--no-latency" => o with { Latency = false },
                "--markdown" => o with { Markdown = Next() },
                "--multi" => o with { Multi = true },
                "--optuna-kinds" => o with { OptunaKinds = Next().Split(',') },
                "--runs" => o with { Runs = Next() },
                "--first-seed" => o with { FirstSeed = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--our-kinds" => o with { OurKinds = Next() is var k && k == "none" ? [] : k.Split(',') },
                "--checkpoints" => o with { Checkpoints = [.. Next().Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture))] },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'; see the top of benchmarks/samplers/Program.cs"),
            };
        }
        return o;
    }
}

/// <summary>Our sampler of each kind, with default options and the given seed.</summary>
internal static class OurSamplers
{
    public static readonly string[] Kinds = ["tpe", "cmaes", "gp", "random"];

    public static ISampler? Create(string kind, int seed) => kind switch
    {
        "random" => new RandomSampler(seed),
        "cmaes" => new CmaEsSampler(new CmaEsSamplerOptions { Seed = seed }),
        "gp" => new GpSampler(new GpSamplerOptions { Seed = seed }),
        "tpe" => new TpeSampler(new TpeSamplerOptions { Seed = seed }),
        _ => null,
    };
}
