using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using HoMM.Cli.Common;
using HoMM.Cli.Export;
using HoMM.Core.MultiObjective;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Trainer;
using HoMM.TrainerSettings;

namespace HoMM.Cli.Best;

/// <summary>The formats <c>best --format</c> writes.</summary>
public enum BestFormat
{
    /// <summary>The study file's <c>trainer:</c> block: paste it into a study file, or train from it (one YAML document per trial, separated by <c>---</c>).</summary>
    Yaml,

    /// <summary>One document: the study and a list of best trials, each with its parameters and full settings.</summary>
    Json,

    /// <summary>homm-train's flags, one line per best trial (a front: each after a <c># trial N: …</c> comment line).</summary>
    Flags,
}

/// <summary>
/// <c>homm-search best &lt;study&gt; [--format yaml|json|flags]</c>: the best trial's full trainer
/// settings — the study file's fixed settings overlaid with the trial's parameters, resolved by the
/// same rule the dispatcher uses for trial.json (<see cref="HommTrainerDefinition.Resolve"/>) and
/// written by the settings schema (<see cref="HommSettingsText"/>) — so it can be trained again at full scale.
/// The answer is a list of best trials: one for a single objective (<see cref="BestTrialRule"/>); for a
/// multi-objective study the Pareto front (<see cref="ParetoFrontRule"/>, best first by the first
/// objective), or with <c>--objective METRIC</c> the best trial for that objective alone.
/// </summary>
public static class BestCommand
{
    public static Command Create()
    {
        var command = new Command("best", "Print the best trial's full trainer settings (searched + fixed) as a study-file trainer: block, JSON, or homm-train flags; a multi-objective study's whole Pareto front, or with --objective the best for one objective");
        var study = StoreCommand.StudyArgument();
        var db = StoreOpener.CreateDbOption();
        var format = new Option<string>("--format") { Description = "yaml (a trainer: block, default), json, or flags (homm-train's)", DefaultValueFactory = _ => "yaml" };
        format.AcceptOnlyFromAmong("yaml", "json", "flags");
        var objective = new Option<string?>("--objective") { Description = "the best trial for this objective alone (a multi-objective study's metric, e.g. info/flops) instead of the Pareto front" };
        command.Arguments.Add(study);
        command.Options.Add(db);
        command.Options.Add(format);
        command.Options.Add(objective);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(db), parse.GetValue(study)!, Enum.Parse<BestFormat>(parse.GetValue(format)!, ignoreCase: true),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct, parse.GetValue(objective)));
        return command;
    }

    /// <summary>Writes the best trials' settings; <paramref name="objective"/> (--objective) picks the best for one metric, null the study's answer (its best trial, or its Pareto front).</summary>
    public static Task<int> RunAsync(string? db, string studyName, BestFormat format, TextWriter output, TextWriter error, CancellationToken cancellationToken = default,
        string? objective = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        return StoreCommand.RunWithStudyAsync(db, studyName, error, async (opened, study) =>
        {
            var index = objective is null ? (int?)null : IndexOf(study, objective);
            if (index == -1)
            {
                await error.WriteLineAsync($"error: --objective {objective}: study '{study.Name}' has no such objective; its objectives are {string.Join(", ", study.Objectives.Select(o => o.Metric))}");
                return StoreCommand.ExitFailure;
            }
            var best = await BestTrialsAsync(opened.Store, study, index, cancellationToken);
            if (best.Count == 0)
            {
                await error.WriteLineAsync(study.IsMultiObjective
                    ? $"error: study '{study.Name}' has no trial complete with every objective yet: there is no {(index is { } i ? $"best trial for {study.Objectives[i].Metric}" : "Pareto front")}"
                    : $"error: study '{study.Name}' has no complete trial yet: there is no best trial");
                return StoreCommand.ExitFailure;
            }
            var front = study.IsMultiObjective && index is null;
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
                    for (var k = 0; k < resolved.Count; k++)
                    {
                        var (trial, settings) = resolved[k];
                        // Several trials: one YAML document each, so the stream stays valid YAML.
                        if (k > 0)
                            await output.WriteLineAsync("---");
                        await output.WriteLineAsync($"# study '{study.Name}', trial {trial.Number}{Role(study, index, k, resolved.Count)}: {Values(study, trial)}");
                        await output.WriteAsync(HommSettingsText.ToYaml(settings!));
                    }
                    break;
                case BestFormat.Flags:
                    foreach (var (trial, settings) in resolved)
                    {
                        // A front's lines say which trial each is; a comment line is harmless when pasted into a shell.
                        if (front)
                            await output.WriteLineAsync($"# trial {trial.Number}: {Values(study, trial)}");
                        await output.WriteLineAsync(HommSettingsText.ToFlags(settings!));
                    }
                    break;
                default:
                    await output.WriteLineAsync(Json(study, index, resolved));
                    break;
            }
            return StoreCommand.ExitSuccess;
        }, cancellationToken);
    }

    /// <summary>
    /// The study's best trials: for one objective the one <see cref="BestTrialRule"/> picks; for
    /// several the Pareto front, best first by the first objective, or with <paramref name="objective"/>
    /// (an index into the study's objectives) the best for that objective alone.
    /// </summary>
    internal static async Task<IReadOnlyList<FrozenTrial>> BestTrialsAsync(ITrialStore store, StudyRecord study, int? objective, CancellationToken cancellationToken)
    {
        if (!study.IsMultiObjective)
            return await store.GetBestTrialAsync(study.Id, cancellationToken) is { } best ? [best] : [];
        var complete = (await store.GetTrialsAsync(study.Id, new TrialQuery(States: new HashSet<TrialState> { TrialState.Complete }, IntermediateValues: false), cancellationToken)).Trials;
        if (objective is { } i)
            return ParetoFrontRule.BestFor(complete, study.Directions, i) is { } one ? [one] : [];
        return ParetoFrontRule.ByFirstObjective(ParetoFrontRule.Front(complete, study.Directions), study.Directions);
    }

    /// <summary>The index of <paramref name="metric"/> among the study's objectives, or -1.</summary>
    private static int IndexOf(StudyRecord study, string metric)
    {
        for (var i = 0; i < study.Objectives.Count; i++)
        {
            if (study.Objectives[i].Metric == metric)
                return i;
        }
        return -1;
    }

    /// <summary>"val/acc = 0.87" or, with several objectives, each objective's value.</summary>
    private static string Values(StudyRecord study, FrozenTrial trial) =>
        string.Join(", ", study.Objectives.Select((o, i) => $"{o.Metric} = {TrialExport.Number(trial.ObjectiveValues![i])}"));

    /// <summary>What the trial is in a multi-objective answer: the best for one objective, or a member of the front.</summary>
    private static string Role(StudyRecord study, int? objective, int position, int count) =>
        !study.IsMultiObjective ? ""
        : objective is { } i ? $", best {study.Objectives[i].Metric}"
        : $", Pareto front {position + 1} of {count}";

    /// <summary>The trainer of the study file stored with the study (with its <c>--set</c> overrides), or null when there is none or it no longer parses.</summary>
    private static async Task<TrainerDefinition?> StoredTrainerAsync(ITrialStore store, StudyRecord study, CancellationToken cancellationToken) =>
        await store.GetStudyFileAsync(study.Id, cancellationToken) is { } stored
            ? StudyFile.ParseStored(stored.Text, stored.Path, study.Name, stored.Overrides).Definition?.Trainer
            : null;

    private static string Json(StudyRecord study, int? objective, IReadOnlyList<(FrozenTrial Trial, HommTrainerSettings? Settings)> best)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            TrialExport.WriteStudy(json, study);
            // What the list is: the best trial for one objective ("best", as for a single-objective study) or the Pareto front.
            json.WriteString("answer", study.IsMultiObjective && objective is null ? "pareto_front" : "best");
            json.WriteString("best_for", objective is { } o ? study.Objectives[o].Metric : study.IsMultiObjective ? null : study.ObjectiveMetric);
            json.WriteStartArray("best");
            foreach (var (trial, settings) in best)
            {
                json.WriteStartObject();
                json.WriteNumber("number", trial.Number);
                json.WriteNumber("value", trial.Value!.Value);
                if (study.IsMultiObjective)
                {
                    json.WriteStartObject("values");
                    for (var i = 0; i < study.Objectives.Count; i++)
                        json.WriteNumber(study.Objectives[i].Metric, trial.Values![i]);
                    json.WriteEndObject();
                }
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
