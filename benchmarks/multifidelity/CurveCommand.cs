using System.Globalization;
using System.Text.Json;

namespace HoMM.Benchmarks.MultiFidelity;

/// <summary>
/// <c>curve --params JSON [--seed S] [--trial N] [--replay surrogate|nearest] [--table FILE]</c>:
/// prints, as one JSON object, the run the benchmark's simulator would replay for that trial —
/// its curve (step, val/acc, seconds since start), the start-up a resume pays again, the nearest
/// table row and the true final accuracy. replay_trainer.py answers trials with it, so the
/// dispatcher replays exactly what the benchmark does.
/// </summary>
public static class CurveCommand
{
    public static int Run(string[] args)
    {
        string? table = Path.Combine(AppContext.BaseDirectory, "table.jsonl");
        string? parameters = null;
        var replay = "surrogate";
        var seed = 0;
        var trial = 0;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--table": table = Next(); break;
                case "--params": parameters = Next(); break;
                case "--replay": replay = Next(); break;
                case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--trial": trial = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"curve: unknown argument {args[i]}");
            }
        }
        if (parameters is null)
        {
            Console.Error.WriteLine("curve: --params '{\"lr\": …, \"wd\": …, \"order\": …, \"order_expand\": …}' is required");
            return 2;
        }
        var loaded = ReplayTable.Load(table);
        ITrialSource source = replay == "nearest" ? loaded : TableSurrogate.Fit(loaded, computeTarget: false);
        var p = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(parameters)!
            .ToDictionary(kv => kv.Key, kv => (object)kv.Value.GetDouble(), StringComparer.Ordinal);
        var run = source.Answer(p, seed, trial);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            table_index = run.Index,
            config = run.Config,
            startup_seconds = run.StartupSeconds,
            true_final = run.TrueAccuracy,
            curve = run.Steps.Select((s, k) => new { step = s, val_acc = run.Accuracy[k], wall_s = run.Seconds[k] }),
        }));
        return 0;
    }
}
