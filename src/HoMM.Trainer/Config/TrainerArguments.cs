using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HoMM.StudyFiles.Trainer;
using HoMM.Trainer.Data;

namespace HoMM.Trainer.Config;

/// <summary>A bad command line or trial config; the message says what to change.</summary>
public sealed class ConfigException(string message) : Exception(message);

/// <summary>
/// homm-train's command line: <c>--config trial.json</c> (the dispatcher's way: its <c>settings</c>
/// object is <see cref="HommTrainerSettings"/> as <see cref="HommTrainerSettingsJson"/> writes it)
/// and/or one flag per setting (<c>--dim 64 --lr 1e-3 …</c>, by hand), which override the config.
/// </summary>
public sealed record TrainerArguments(HommTrainerSettings Settings, string TrialDirectory, bool Resume, int? BenchmarkSteps = null)
{
    public const string Usage = """
        usage: homm-train --config <trial.json> [--resume] [--<setting> <value>...]
               homm-train [--<setting> <value>...] [--trial-dir <dir>] [--resume]

        Trains a HoMM image classifier and reports on stdout in the JSON-lines protocol of
        docs/custom-trainer.md; reads control lines ({"cmd":"stop"}) on stdin and stops when stdin
        closes (run by hand: keep stdin open, e.g. `sleep infinity | homm-train ...`, or type `stop`).

          --config <file>     a trial.json: its "settings" object holds the trainer settings,
                              "resume": true continues from the trial's checkpoint, "trial_dir" is
                              where checkpoints go (default: the config's folder)
          --resume            continue from <trial-dir>/checkpoint.homm (also: env HOMM_RESUME=1)
          --trial-dir <dir>   where the checkpoint is written (default: the config's folder, else .)
          --data <dir>        the data folder (same as --path)
          --benchmark-steps N time N training steps from the start (no evaluation, no checkpoint)
                              and report ms_per_step (steps after the first 2) and peak_memory

        settings (flags accept - or _):
          model: --dim (64) --layers (2) --patch (7) --order (2) --order-expand (4) --ffw-expand (4)
                 --dropout (0) --pooling cls|mean (cls)
          optim: --lr (0.001) --wd (0.01) --warmup (0) --steps (1000) --batch (128) --clip (1, 0: off)
          data:  --dataset fashion-mnist --path (/usr/share/datasets/fashion-mnist) --image-size (28)
          run:   --eval-every (500) --seed (0) --threads (env OMP_NUM_THREADS, else all cores)
                 --device auto|cpu|cuda (auto)
        """;

    private static readonly Dictionary<string, (string Section, bool IsInteger, bool IsText)> Settings_ = new(StringComparer.Ordinal)
    {
        ["dim"] = ("model", true, false),
        ["layers"] = ("model", true, false),
        ["patch"] = ("model", true, false),
        ["order"] = ("model", true, false),
        ["order_expand"] = ("model", true, false),
        ["ffw_expand"] = ("model", true, false),
        ["dropout"] = ("model", false, false),
        ["pooling"] = ("model", false, true),
        ["lr"] = ("optim", false, false),
        ["wd"] = ("optim", false, false),
        ["warmup"] = ("optim", true, false),
        ["steps"] = ("optim", true, false),
        ["batch"] = ("optim", true, false),
        ["clip"] = ("optim", false, false),
        ["dataset"] = ("data", false, true),
        ["path"] = ("data", false, true),
        ["image_size"] = ("data", true, false),
        ["eval_every"] = ("", true, false),
        ["seed"] = ("", true, false),
        ["threads"] = ("", true, false),
        ["device"] = ("", false, true),
    };

    private const int TrainingRunWarmup = Training.TrainingRun.WarmupSteps;

    /// <summary>Settings when neither a config nor a flag gives them: a small model that trains in seconds.</summary>
    private const string Defaults = """
        {"model":{"dim":64,"layers":2,"patch":7,"order":2,"order_expand":4,"ffw_expand":4,"dropout":0.0,"pooling":"cls"},
         "optim":{"lr":0.001,"wd":0.01,"warmup":0,"steps":1000,"batch":128,"clip":1.0},
         "data":{"dataset":"fashion-mnist","path":"/usr/share/datasets/fashion-mnist","image_size":28},
         "eval_every":500,"seed":0,"threads":null,"device":"auto"}
        """;

    /// <summary>Null when help was asked for.</summary>
    /// <exception cref="ConfigException">Unknown flag, bad value, unreadable config, invalid settings.</exception>
    public static TrainerArguments? Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        string? configPath = null, trialDirectory = null;
        int? benchmarkSteps = null;
        var resume = environment("HOMM_RESUME") == "1";
        var overrides = new List<(string Name, string Value)>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ConfigException($"{arg} needs a value");
            switch (arg)
            {
                case "-h" or "--help":
                    return null;
                case "--config":
                    configPath = Value();
                    break;
                case "--resume":
                    resume = true;
                    break;
                case "--trial-dir" or "--trial_dir":
                    trialDirectory = Value();
                    break;
                case "--benchmark-steps" or "--benchmark_steps":
                    var text = Value();
                    benchmarkSteps = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > TrainingRunWarmup
                        ? n
                        : throw new ConfigException($"--benchmark-steps takes a whole number above {TrainingRunWarmup}, not '{text}'");
                    break;
                case "--data":
                    overrides.Add(("path", Value()));
                    break;
                case not null when arg.StartsWith("--", StringComparison.Ordinal):
                    var name = arg[2..].Replace('-', '_');
                    var eq = name.IndexOf('=', StringComparison.Ordinal);
                    if (eq >= 0)
                    {
                        overrides.Add((name[..eq], name[(eq + 1)..]));
                        break;
                    }

                    if (!Settings_.ContainsKey(name))
                        throw new ConfigException($"unknown option '{arg}'{Suggest(name)}; see homm-train --help");
                    overrides.Add((name, Value()));
                    break;
                default:
                    throw new ConfigException($"unexpected argument '{arg}'; see homm-train --help");
            }
        }

        var root = JsonNode.Parse(Defaults)!.AsObject();
        if (configPath is not null)
        {
            var (settings, configResume, configTrialDir) = ReadConfig(configPath);
            root = settings;
            resume |= configResume;
            trialDirectory ??= configTrialDir ?? Path.GetDirectoryName(Path.GetFullPath(configPath));
        }

        foreach (var (name, value) in overrides)
            Apply(root, name, value);

        HommTrainerSettings parsed;
        try
        {
            parsed = HommTrainerSettingsJson.FromJson(JsonSerializer.SerializeToElement(root));
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{configPath ?? "settings"}: {e.Message}");
        }

        var errors = Validate(parsed);
        if (errors.Count > 0)
            throw new ConfigException($"invalid settings{(configPath is null ? "" : $" in {configPath}")}: {string.Join("; ", errors)}");
        return new TrainerArguments(parsed, Path.GetFullPath(trialDirectory ?? "."), resume, benchmarkSteps);
    }

    private static (JsonObject Settings, bool Resume, string? TrialDirectory) ReadConfig(string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"cannot read the config '{path}': {e.Message}");
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{path} is not valid JSON: {e.Message}");
        }

        if (node is not JsonObject obj)
            throw new ConfigException($"{path}: expected a JSON object (a trial.json, see docs/custom-trainer.md)");
        if (obj["settings"] is not JsonObject settings)
            throw new ConfigException($"{path}: no \"settings\" object; homm-train reads its settings from trial.json's \"settings\" (the study's trainer section with the trial's parameters applied)");
        var resume = obj["resume"] is JsonValue r && r.TryGetValue<bool>(out var b) && b;
        var trialDir = obj["trial_dir"] is JsonValue t && t.TryGetValue<string>(out var dir) ? dir : null;
        return ((JsonObject)settings.DeepClone(), resume, trialDir);
    }

    private static void Apply(JsonObject root, string name, string value)
    {
        if (!Settings_.TryGetValue(name, out var spec))
            throw new ConfigException($"unknown setting '{name}'{Suggest(name)}; see homm-train --help");
        JsonNode? node;
        if (spec.IsText)
        {
            node = JsonValue.Create(value);
        }
        else if (name == "threads" && value is "" or "auto")
        {
            node = null;
        }
        else if (spec.IsInteger)
        {
            node = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)
                ? JsonValue.Create(l)
                : throw new ConfigException($"--{name.Replace('_', '-')} takes a whole number, not '{value}'");
        }
        else
        {
            node = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? JsonValue.Create(d)
                : throw new ConfigException($"--{name.Replace('_', '-')} takes a number, not '{value}'");
        }

        var target = root;
        if (spec.Section.Length > 0)
        {
            if (root[spec.Section] is not JsonObject section)
                root[spec.Section] = section = [];
            target = section;
        }

        target[name] = node;
    }

    /// <summary>Every value out of range, as sentences.</summary>
    internal static List<string> Validate(HommTrainerSettings s)
    {
        var errors = new List<string>();
        void Require(bool ok, string message)
        {
            if (!ok)
                errors.Add(message);
        }

        var m = s.Model;
        Require(m.Dim >= 1 && m.Layers >= 1 && m.Patch >= 1 && m.Order >= 1 && m.OrderExpand >= 1 && m.FfwExpand >= 1,
            $"model dim, layers, patch, order, order_expand, ffw_expand must be at least 1 (got {m.Dim}, {m.Layers}, {m.Patch}, {m.Order}, {m.OrderExpand}, {m.FfwExpand})");
        Require(m.Dropout is >= 0 and < 1, $"model.dropout must be in [0, 1) (got {m.Dropout})");
        Require(m.Pooling is "cls" or "mean", $"model.pooling must be cls or mean (got '{m.Pooling}')");
        var o = s.Optim;
        Require(o.Lr > 0 && double.IsFinite(o.Lr), $"optim.lr must be positive (got {o.Lr})");
        Require(o.Wd >= 0, $"optim.wd must not be negative (got {o.Wd})");
        Require(o.Warmup >= 0, $"optim.warmup must not be negative (got {o.Warmup})");
        Require(o.Steps >= 1, $"optim.steps must be at least 1 (got {o.Steps})");
        Require(o.Batch >= 1, $"optim.batch must be at least 1 (got {o.Batch})");
        Require(o.Clip >= 0, $"optim.clip must not be negative (got {o.Clip}; 0 turns clipping off)");
        Require(s.EvalEvery >= 1, $"eval_every must be at least 1 (got {s.EvalEvery})");
        Require(s.Threads is null or >= 1, $"threads must be at least 1 (got {s.Threads})");
        Require(s.Device is "auto" or "cpu" or "cuda", $"device must be auto, cpu or cuda (got '{s.Device}')");
        Require(s.Data.Dataset == "fashion-mnist",
            s.Data.Dataset == "imagefolder"
                ? "data.dataset imagefolder is not supported by homm-train yet; use fashion-mnist"
                : $"data.dataset must be fashion-mnist (got '{s.Data.Dataset}')");
        Require(s.Data.Dataset != "fashion-mnist" || s.Data.ImageSize == 28,
            $"data.image_size must be 28 for fashion-mnist (got {s.Data.ImageSize}); homm-train does not resize images");
        Require(m.Patch <= s.Data.ImageSize, $"model.patch ({m.Patch}) is larger than the images ({s.Data.ImageSize} px)");
        return errors;
    }

    private static string Suggest(string name) =>
        HoMM.Core.Constraints.NameSuggestion.Closest(name, Settings_.Keys) is { } best
            ? $" (did you mean --{best.Replace('_', '-')}?)"
            : "";

    /// <summary>Where the data is: data.path, or the default folder for the data set.</summary>
    public string DataPath => string.IsNullOrEmpty(Settings.Data.Path) ? FashionMnist.DefaultPath : Settings.Data.Path;
}
