using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HoMM.TrainerSettings;
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
    /// <summary>The help text; the settings part is generated from the schema (<see cref="HommSettings.Usage"/>).</summary>
    public static string Usage { get; } = """
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
          --doctor            print the libtorch this trainer loads (version, CUDA build, CUDA
                              devices) as one JSON line and exit (homm-search doctor reads it)

        settings (flags accept - or _; in parentheses the value without a config; threads auto:
        env OMP_NUM_THREADS, else all cores):

        """ + HommSettings.Usage();

    private const int TrainingRunWarmup = Training.TrainingRun.WarmupSteps;

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

                    if (HommSettings.Find(name) is null)
                        throw new ConfigException($"unknown option '{arg}'{HommSettings.Suggest(name, asFlag: true)}; see homm-train --help");
                    overrides.Add((name, Value()));
                    break;
                default:
                    throw new ConfigException($"unexpected argument '{arg}'; see homm-train --help");
            }
        }

        var root = HommTrainerSettingsJson.ToJsonObject(HommTrainerSettingsJson.ToValues(HommSettings.HandDefaults));
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

        var errors = HommSettings.Problems(HommTrainerSettingsJson.ToValues(parsed)).Where(p => !p.IsWarning).ToList();
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
        var spec = HommSettings.Find(name)
            ?? throw new ConfigException($"unknown setting '{name}'{HommSettings.Suggest(name, asFlag: true)}; see homm-train --help");
        object? parsed;
        try
        {
            parsed = spec.Parse(value);
        }
        catch (FormatException e)
        {
            throw new ConfigException(e.Message);
        }
        var node = HommTrainerSettingsJson.ToJsonObject(new Dictionary<string, object?> { [name] = parsed });
        var target = root;
        if (spec.Section.Length > 0)
        {
            if (root[spec.Section] is not JsonObject section)
                root[spec.Section] = section = [];
            target = section;
            node = (JsonObject)node[spec.Section]!;
        }
        target[name] = node[name]?.DeepClone();
    }

    /// <summary>Where the data is: data.path, or the default folder for the data set.</summary>
    public string DataPath => string.IsNullOrEmpty(Settings.Data.Path) ? FashionMnist.DefaultPath : Settings.Data.Path;
}
