using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using HoMM.Cli.Common;
using HoMM.Cli.Export;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Trainer;
using HoMM.TrainerSettings;

namespace HoMM.Cli.Best;

/// <summary>The formats <c>best --format</c> writes.</summary>
public enum BestFormat
{
    /// <summary>The study file's <c>trainer:</c> block: paste it into a study file, or train from it.</summary>
    Yaml,

    /// <summary>One document: the study and a list of best trials, each with its parameters and full settings.</summary>
    Json,

    /// <summary>homm-train's flags, one line per best trial.</summary>
    Flags,
}

/// <summary>
/// <c>homm-search best &lt;study&gt; [--format yaml|json|flags]</c>: the best trial's full trainer
/// settings — the study file's fixed settings overlaid with the trial's parameters, resolved by the
/// same rule the dispatcher uses for trial.json (<see cref="HommTrainerDefinition.Resolve"/>) and
/// written by the settings schema (<see cref="HommSettingsText"/>) — so it can be trained again at full scale.
/// The answer is a list of best trials: one for a single objective (<see cref="BestTrialRule"/>).
/// </summary>
public static class BestCommand
{
    public static Command Create()
    {
        var command = new Command("best", "Print the best trial's full trainer settings (searched + fixed) as a study-file trainer: block, JSON, or homm-train flags");
        var study = StoreCommand.StudyArgument();
        var db = StoreOpener.CreateDbOption();
        var format = new Option<string>("--format") { Description = "yaml (a trainer: block, default), json, or flags (homm-train's)", DefaultValueFactory = _ => "yaml" };
        format.AcceptOnlyFromAmong("yaml", "json", "flags");
        command.Arguments.Add(study);
        command.Options.Add(db);
        command.Options.Add(format);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(db), parse.GetValue(study)!, Enum.Parse<BestFormat>(parse.GetValue(format)!, ignoreCase: true),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    public static Task<int> RunAsync(string? db, string studyName, BestFormat format, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        return StoreCommand.RunWithStudyAsync(db, studyName, error, async (opened, study) =>
        {
            var best = await BestTrialsAsync(opened.Store, study, cancellationToken);
            if (best.Count == 0)
            {
                await error.WriteLineAsync($"error: study '{study.Name}' has no complete trial yet: there is no best trial");
                return StoreCommand.ExitFailure;
            }
            var trainer = await StoredTrainerAsync(opened.Store, study, cancellationToken);
            if (trainer is not HommTrainerDefinition homm && format != BestFormat.Json)
            {
                await error.WriteLineAsync(trainer is null
                    ? $"error: study '{study.Name}' has no stored study file, so its fixed trainer settings are unknown; --format json gives the best parameters"
                    : $"error: study '{study.Name}' runs its own trainer (trainer.command), which homm-search cannot write settings for; --format json gives the best parameters");
                return StoreCommand.ExitFailure;
            }
            var resolved = best.Select(t => (Trial: t, Settings: (trainer as HommTrainerDefinition)?.Resolve(t.Params))).ToList();
            switch (format)
            {
                case BestFormat.Yaml:
                    foreach (var (trial, settings) in resolved)
                    {
                        await output.WriteLineAsync($"# study '{study.Name}', trial {trial.Number}: {study.ObjectiveMetric} = {TrialExport.Number(trial.Value!.Value)}");
                        await output.WriteAsync(HommSettingsText.ToYaml(settings!));
                    }
                    break;
                case BestFormat.Flags:
                    foreach (var (_, settings) in resolved)
                        await output.WriteLineAsync(HommSettingsText.ToFlags(settings!));
                    break;
                default:
                    await output.WriteLineAsync(Json(study, resolved));
                    break;
            }
            return StoreCommand.ExitSuccess;
        }, cancellationToken);
    }

    /// <summary>The study's best trials: the one <see cref="BestTrialRule"/> picks (a list, so a front of several fits the same shape).</summary>
    internal static async Task<IReadOnlyList<FrozenTrial>> BestTrialsAsync(ITrialStore store, StudyRecord study, CancellationToken cancellationToken) =>
        await store.GetBestTrialAsync(study.Id, cancellationToken) is { } best ? [best] : [];

    /// <summary>The trainer of the study file stored with the study (with its <c>--set</c> overrides), or null when there is none or it no longer parses.</summary>
    private static async Task<TrainerDefinition?> StoredTrainerAsync(ITrialStore store, StudyRecord study, CancellationToken cancellationToken) =>
        await store.GetStudyFileAsync(study.Id, cancellationToken) is { } stored
            ? StudyFile.ParseStored(stored.Text, stored.Path, study.Name, stored.Overrides).Definition?.Trainer
            : null;

    private static string Json(StudyRecord study, IReadOnlyList<(FrozenTrial Trial, HommTrainerSettings? Settings)> best)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            TrialExport.WriteStudy(json, study);
            json.WriteStartArray("best");
            foreach (var (trial, settings) in best)
            {
                json.WriteStartObject();
                json.WriteNumber("number", trial.Number);
                json.WriteNumber("value", trial.Value!.Value);
                TrialExport.WriteParams(json, trial);
                if (settings is null)
                {
                    json.WriteNull("settings");
                }
                else
                {
                    json.WritePropertyName("settings");
                    HommTrainerSettingsJson.ToJson(settings).WriteTo(json);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
