using System.Globalization;
using System.Text;
using HoMM.Benchmarks.MultiFidelity;
using HoMM.Benchmarks.Samplers;
using HoMM.Core.Pruners;
using HoMM.Core.Samplers;

// The multi-fidelity benchmark: each search method replayed on the real-task table for many seeds,
// anytime regret against virtual GPU-hours. See benchmarks/multifidelity/run and docs/benchmarks.md.
if (args is ["curve", ..])
    return CurveCommand.Run(args[1..]);
var options = Args.Parse(args);
var table = ReplayTable.Load(options.Table);
ITrialSource source = options.Replay switch
{
    "surrogate" => TableSurrogate.Fit(table),
    "nearest" => table,
    _ => throw new ArgumentException($"--replay is surrogate or nearest, not '{options.Replay}'"),
};
var maxStep = table.Runs[0].MaxStep;
var MinResource = options.MinResource;
const int Eta = 3;
var meanRun = table.Runs.Average(r => r.Cost(0, r.MaxStep));
var budget = options.BudgetRuns * meanRun * 1.0;
var sim = new Simulator(source, options.Workers, budget, options.ResumeStartup);
var target = source.Target;
var best = source.Best;

ISampler Tpe(int seed, bool rungs, bool multivariate = true) => SamplerCatalog.Create("tpe", new Dictionary<string, object?>
{
    ["constant_liar"] = true,
    ["fit_on"] = rungs ? "highest_rung" : "complete",
    ["multivariate"] = multivariate,
}, seed);

// The schedules the driver builds for pruner: {kind: asha|hyperband, mode: promote, ...}.
IPromotionSchedule Promote(string kind = "asha") => PrunerCatalog.CreatePromotion(kind, new Dictionary<string, object?>
{
    ["mode"] = PrunerCatalog.PromoteMode,
    ["min_resource"] = MinResource,
    ["reduction_factor"] = (long)Eta,
}, maxStep)!;
IPruner StopAsha() => PrunerCatalog.Create("asha", new Dictionary<string, object?> { ["min_resource"] = MinResource, ["reduction_factor"] = (long)Eta });

var methods = new List<(string Name, Func<int, IScheduler> Make)>
{
    ("random", s => new CoreScheduler(table.Space, SamplerCatalog.Create("random", null, s), null, null)),
    ("TPE", s => new CoreScheduler(table.Space, Tpe(s, false), null, null)),
    ("TPE + stop-ASHA", s => new CoreScheduler(table.Space, Tpe(s, false), StopAsha(), null)),
    ("TPE + promote-ASHA", s => new CoreScheduler(table.Space, Tpe(s, false), null, Promote())),
    ("random + promote-ASHA (Li et al.'s ASHA)", s => new CoreScheduler(table.Space, SamplerCatalog.Create("random", null, s), null, Promote())),
    ("TPE univariate (Optuna's kernels) + promote-ASHA", s => new CoreScheduler(table.Space, Tpe(s, false, multivariate: false), null, Promote())),
    ("TPE + promote-Hyperband", s => new CoreScheduler(table.Space, Tpe(s, false), null, Promote("hyperband"))),
    ("BOHB-style (TPE on highest rung + promote-ASHA)", s => new CoreScheduler(table.Space, Tpe(s, true), null, Promote())),
};
OptunaClient? optuna = null;
if (!options.NoOptuna)
{
    if (!OptunaClient.IsAvailable(out var why))
    {
        Console.Error.WriteLine($"multifidelity: {why}");
        return 1;
    }
    optuna = new OptunaClient();
    methods.Add(($"{optuna.Version()} TPE + Hyperband", s => new OptunaScheduler(optuna, table.Space, s, MinResource, maxStep, Eta)));
}

var report = new StringBuilder();
var inv = CultureInfo.InvariantCulture;
report.AppendLine(inv, $"Table: {table.Runs.Count} configurations ({table.Repeats.Count} repeat runs), best final val/acc {table.Best:F4}, seed noise {table.SeedNoise:F4}.");
report.AppendLine(source.Describe());
report.AppendLine("Regret = best − the true accuracy of the incumbent (the completed trial with the best observed final val/acc).");
report.AppendLine(inv, $"Budget {options.BudgetRuns} mean full runs = {budget / 3600:F2} virtual GPU-hours per study, {options.Workers} slots, {options.Seeds} seeds (sampler seeds 0…{options.Seeds - 1}).");
report.AppendLine();
var fractions = new[] { 0.1, 0.25, 0.5, 1.0 };
report.AppendLine(CultureInfo.InvariantCulture, $"| method | GPU-h to target, median (seeds reaching) | {string.Join(" | ", fractions.Select(f => $"regret at {f * budget / 3600:F2} h"))} | distinct table rows / trials |");
report.AppendLine($"|---|---|{string.Concat(fractions.Select(_ => "---|"))}---|");
var medians = new Dictionary<string, double>();
foreach (var (name, make) in methods)
{
    if (options.Methods is { } pattern && !System.Text.RegularExpressions.Regex.IsMatch(name, pattern))
        continue;
    var toTarget = new List<double>();
    var distinct = new List<double>();
    var regrets = fractions.Select(_ => new List<double>()).ToArray();
    for (var seed = 0; seed < options.Seeds; seed++)
    {
        using var scheduler = make(seed);
        var history = sim.Run(scheduler, seed);
        distinct.Add((double)sim.DistinctRows / Math.Max(1, sim.Trials));
        toTarget.Add(history.FirstOrDefault(h => h.TrueAccuracy >= target - 1e-12)?.GpuSeconds ?? double.PositiveInfinity);
        for (var i = 0; i < fractions.Length; i++)
        {
            var reachedBy = history.LastOrDefault(h => h.GpuSeconds <= fractions[i] * budget);
            regrets[i].Add(best - (reachedBy?.TrueAccuracy ?? 0));
        }
    }
    var median = Median(toTarget);
    medians[name] = median;
    report.AppendLine(inv, $"| {name} | {Hours(median)} ({toTarget.Count(double.IsFinite)}/{toTarget.Count}) | {string.Join(" | ", regrets.Select(r => Median(r).ToString("F4", inv)))} | {Median(distinct):P0} |");
    Console.Error.WriteLine($"multifidelity: {name} done");
}
optuna?.Dispose();
report.AppendLine();
var random = medians.GetValueOrDefault("random", double.NaN);
foreach (var (name, value) in medians)
{
    var vsOptuna = medians.Keys.FirstOrDefault(k => k.StartsWith("Optuna", StringComparison.Ordinal)) is { } o
        ? $", {Ratio(value, medians[o])} of Optuna TPE + Hyperband's" : "";
    report.AppendLine(inv, $"- {name}: {Ratio(value, random)} of random search's GPU-hours to the target{vsOptuna}");
}
Console.Write(report.ToString());
if (options.Markdown is { } md)
    File.WriteAllText(md, report.ToString());
return 0;

static double Median(List<double> values)
{
    var v = values.Order().ToArray();
    return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
}

static string Hours(double seconds) => double.IsFinite(seconds) ? (seconds / 3600).ToString("F3", CultureInfo.InvariantCulture) : "not reached";

static string Ratio(double a, double b) => double.IsFinite(a) && double.IsFinite(b) ? (a / b).ToString("F2", CultureInfo.InvariantCulture) : "n/a";

internal sealed record Args(string Table, int Seeds, int Workers, double BudgetRuns, bool NoOptuna, string? Markdown, string Replay = "surrogate",
    long MinResource = 30, string? Methods = null, double ResumeStartup = 1)
{
    public static Args Parse(string[] args)
    {
        // Defaults: the run docs/benchmarks.md reports (40 seeds, 300 mean full runs, first rung at step 90).
        var a = new Args(Path.Combine(AppContext.BaseDirectory, "table.jsonl"), 40, 4, 300, false, null, MinResource: 90);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            a = args[i] switch
            {
                "--table" => a with { Table = Next() },
                "--seeds" => a with { Seeds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--workers" => a with { Workers = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--budget-runs" => a with { BudgetRuns = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--no-optuna" => a with { NoOptuna = true },
                "--markdown" => a with { Markdown = Next() },
                "--replay" => a with { Replay = Next() },
                "--min-resource" => a with { MinResource = long.Parse(Next(), CultureInfo.InvariantCulture) },
                "--methods" => a with { Methods = Next() },
                "--resume-startup" => a with { ResumeStartup = double.Parse(Next(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown argument {args[i]}; see benchmarks/multifidelity/run"),
            };
        }
        return a;
    }
}
