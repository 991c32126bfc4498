using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HoMM.Core.SearchSpace;

namespace HoMM.Benchmarks.Samplers;

/// <summary>
/// Talks to optuna_server.py (Debian's python3-optuna) over JSON lines: one long-lived Python
/// process per worker, a fresh Optuna study per run.
/// </summary>
public sealed class OptunaClient : IDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly Process _process;
    private SearchSpaceDefinition? _space;

    public OptunaClient()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "optuna_server.py");
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        info.Environment["PYTHONHASHSEED"] = "0";
        info.Environment["OMP_NUM_THREADS"] = "1";
        info.Environment["OPENBLAS_NUM_THREADS"] = "1";
        _process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {Python} {script}");
    }

    /// <summary>The sampler kinds Optuna 3.1 offers here (no GP sampler before Optuna 3.6).</summary>
    public static bool HasKind(string kind) => kind is "tpe" or "cmaes" or "random";

    /// <summary>Optuna 3.1's samplers for several objectives (random too).</summary>
    public static bool HasMultiObjectiveKind(string kind) => kind is "nsga2" or "motpe" or "random";

    public static bool IsAvailable(out string reason)
    {
        if (!File.Exists(Python))
        {
            reason = $"{Python} not found; run benchmarks/samplers/run, which installs python3-optuna";
            return false;
        }
        var check = Process.Start(new ProcessStartInfo(Python, ["-c", "import optuna, cmaes"]) { RedirectStandardError = true, UseShellExecute = false })!;
        check.WaitForExit();
        reason = check.ExitCode == 0 ? "" : "python3-optuna (or python3-cmaes) is not installed: apt-get install -y python3-optuna python3-cmaes";
        return check.ExitCode == 0;
    }

    public string Version()
    {
        var r = Call(new JsonObject { ["cmd"] = "version" });
        return $"Optuna {r["optuna"]} (Python {r["python"]})";
    }

    public void NewStudy(string kind, int seed, SearchSpaceDefinition space, int objectives = 1)
    {
        _space = space;
        Call(new JsonObject { ["cmd"] = "study", ["sampler"] = kind, ["seed"] = seed, ["space"] = SpaceJson(space), ["objectives"] = objectives });
    }

    /// <summary>Completes a trial of a multi-objective study (every value minimised).</summary>
    public void Tell(int number, IReadOnlyList<double> values) =>
        Call(new JsonObject { ["cmd"] = "tell", ["number"] = number, ["values"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray()) });

    /// <summary>Multi-objective ask latency: seconds of each ask with <paramref name="trials"/> finished trials preloaded.</summary>
    public double[] AskLatency(string kind, int seed, SearchSpaceDefinition space, IReadOnlyList<(IReadOnlyDictionary<string, object> Params, double[] Values)> trials, IReadOnlyList<double[]> tellValues)
    {
        var list = new JsonArray();
        foreach (var (p, v) in trials)
            list.Add(new JsonObject { ["params"] = ParamsToJson(p), ["values"] = new JsonArray(v.Select(x => (JsonNode)x).ToArray()) });
        var r = Call(new JsonObject
        {
            ["cmd"] = "latency",
            ["sampler"] = kind,
            ["seed"] = seed,
            ["objectives"] = trials[0].Values.Length,
            ["space"] = SpaceJson(space),
            ["trials"] = list,
            ["tell_values"] = new JsonArray(tellValues.Select(v => (JsonNode)new JsonArray(v.Select(x => (JsonNode)x).ToArray())).ToArray()),
        });
        return r["seconds"]!.AsArray().Select(n => (double)n!).ToArray();
    }

    public (int Number, Dictionary<string, object> Params) Ask()
    {
        var r = Call(new JsonObject { ["cmd"] = "ask" });
        return ((int)r["number"]!, ParamsFromJson(r["params"]!.AsObject(), _space!));
    }

    public void Tell(int number, double value) =>
        Call(new JsonObject { ["cmd"] = "tell", ["number"] = number, ["value"] = value });

    /// <summary>A fresh study with Optuna's Hyperband pruner (minimising, as every study here).</summary>
    public void NewStudy(string kind, int seed, SearchSpaceDefinition space, long minResource, long maxResource, int reductionFactor)
    {
        _space = space;
        Call(new JsonObject
        {
            ["cmd"] = "study", ["sampler"] = kind, ["seed"] = seed, ["space"] = SpaceJson(space),
            ["pruner"] = new JsonObject { ["kind"] = "hyperband", ["min_resource"] = minResource, ["max_resource"] = maxResource, ["reduction_factor"] = reductionFactor },
        });
    }

    /// <summary>trial.report(value, step), then trial.should_prune().</summary>
    public bool Report(int number, long step, double value) =>
        (bool)Call(new JsonObject { ["cmd"] = "report", ["number"] = number, ["step"] = step, ["value"] = value })["prune"]!;

    public void TellPruned(int number) =>
        Call(new JsonObject { ["cmd"] = "tell", ["number"] = number, ["state"] = "pruned" });

    /// <summary>Seconds of each ask, timed inside Python, with <paramref name="trials"/> finished trials preloaded.</summary>
    public double[] AskLatency(string kind, int seed, SearchSpaceDefinition space, IReadOnlyList<(IReadOnlyDictionary<string, object> Params, double Value)> trials, IReadOnlyList<double> tellValues)
    {
        var list = new JsonArray();
        foreach (var (p, v) in trials)
            list.Add(new JsonObject { ["params"] = ParamsToJson(p), ["value"] = v });
        var r = Call(new JsonObject
        {
            ["cmd"] = "latency",
            ["sampler"] = kind,
            ["seed"] = seed,
            ["space"] = SpaceJson(space),
            ["trials"] = list,
            ["tell_values"] = new JsonArray(tellValues.Select(v => (JsonNode)v).ToArray()),
        });
        return r["seconds"]!.AsArray().Select(n => (double)n!).ToArray();
    }

    private JsonObject Call(JsonObject message)
    {
        _process.StandardInput.WriteLine(message.ToJsonString());
        _process.StandardInput.Flush();
        var line = _process.StandardOutput.ReadLine()
                   ?? throw new InvalidOperationException($"optuna_server.py exited (code {(_process.HasExited ? _process.ExitCode : -1)}); its error is above");
        var reply = JsonNode.Parse(line)!.AsObject();
        if (reply["error"] is { } e)
            throw new InvalidOperationException($"optuna_server.py: {e}");
        return reply;
    }

    private static JsonArray SpaceJson(SearchSpaceDefinition space)
    {
        var list = new JsonArray();
        foreach (var p in space.Parameters)
        {
            list.Add(p.Distribution switch
            {
                FloatDistribution f => new JsonObject { ["name"] = p.Name, ["type"] = "float", ["low"] = f.Low, ["high"] = f.High, ["log"] = f.Log, ["step"] = f.Step },
                IntDistribution i => new JsonObject { ["name"] = p.Name, ["type"] = "int", ["low"] = i.Low, ["high"] = i.High, ["log"] = i.Log, ["step"] = i.Step },
                CategoricalDistribution c => new JsonObject { ["name"] = p.Name, ["type"] = "categorical", ["choices"] = new JsonArray(c.Choices.Select(x => JsonValue.Create(x)).ToArray<JsonNode?>()) },
                _ => throw new NotSupportedException(p.Distribution.GetType().Name),
            });
        }
        return list;
    }

    private static JsonObject ParamsToJson(IReadOnlyDictionary<string, object> p)
    {
        var o = new JsonObject();
        foreach (var (k, v) in p)
            o[k] = JsonValue.Create(v);
        return o;
    }

    private static Dictionary<string, object> ParamsFromJson(JsonObject json, SearchSpaceDefinition space)
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var p in space.Parameters)
        {
            var e = json[p.Name]!.GetValue<JsonElement>();
            result[p.Name] = p.Distribution switch
            {
                FloatDistribution => e.GetDouble(),
                IntDistribution => (long)Math.Round(e.GetDouble()),
                CategoricalDistribution => e.ValueKind switch
                {
                    JsonValueKind.String => e.GetString()!,
                    JsonValueKind.True or JsonValueKind.False => e.GetBoolean(),
                    _ => e.GetDouble(),
                },
                _ => throw new NotSupportedException(p.Distribution.GetType().Name),
            };
        }
        return result;
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
                _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }

    public static string Format(double v) => v.ToString("g4", CultureInfo.InvariantCulture);
}
