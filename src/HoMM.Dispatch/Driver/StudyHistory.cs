using System.Text.Json;
using HoMM.Core.Studies;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Trainer;
using HoMM.TrainerSettings;

namespace HoMM.Dispatch.Driver;

/// <summary>
/// A fork's history (<c>run --fork</c>): every finished trial of the study the file was forked from
/// whose parameters lie in the new search space — checked by the new study's <see cref="TrialRules"/>,
/// the rule every entry point uses — and whose fixed trainer settings match, copied into the new
/// study as finished trials marked <see cref="SystemAttrs.Imported"/>, so its sampler starts warm.
/// A parameter the old study kept fixed and the new one searches takes the old fixed value. Trials
/// of a study with another objective, or another kind of trainer, are not comparable: none is copied.
/// </summary>
public static class StudyHistory
{
    private static readonly IReadOnlySet<TrialState> Copied = new HashSet<TrialState> { TrialState.Complete, TrialState.Pruned, TrialState.Fail };

    /// <summary>Copies the history of the study named <paramref name="fromName"/> into <paramref name="to"/>; returns the copies.</summary>
    public static async Task<IReadOnlyList<FrozenTrial>> CopyAsync(
        ITrialStore store, string fromName, StudyRecord to, StudyDefinition definition, TrialRules rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(rules);
        if (await store.GetStudyAsync(fromName, cancellationToken).ConfigureAwait(false) is not { } from || from.Id == to.Id)
            return [];
        // Values are copied objective by objective: the old study must have measured the same ones.
        if (!from.Objectives.SequenceEqual(to.Objectives))
            return [];
        var stored = await store.GetStudyFileAsync(from.Id, cancellationToken).ConfigureAwait(false);
        var oldTrainer = stored is null ? null : StudyFile.ParseStored(stored.Text, stored.Path, from.Name, stored.Overrides).Definition?.Trainer;
        var newHomm = definition.Trainer as HommTrainerDefinition;
        var oldHomm = oldTrainer as HommTrainerDefinition;
        if (newHomm is not null != oldHomm is not null)
            return [];

        var imports = new List<ImportedTrial>();
        var finished = (await store.GetTrialsAsync(from.Id, new TrialQuery(States: Copied, IntermediateValues: false), cancellationToken).ConfigureAwait(false)).Trials;
        foreach (var t in finished)
        {
            if (Candidate(t, definition.SearchSpace, oldHomm) is not { } candidate)
                continue;
            // A complete trial without every objective's value (imported before import read them) cannot be copied whole.
            if (to.IsMultiObjective && t.State == TrialState.Complete && t.Values?.Count != to.Objectives.Count)
                continue;
            var check = rules.Check(candidate);
            if (!check.IsValid || !check.IsComplete)
                continue;
            if (newHomm is not null && !SameFixedSettings(oldHomm!, t.Params, newHomm, check.Values))
                continue;
            var attrs = await store.GetTrialAttrsAsync(t.Id, AttrScope.System, cancellationToken).ConfigureAwait(false);
            var kept = attrs
                .Where(a => a.Key == SystemAttrs.FinalMetrics || a.Key.StartsWith(SystemAttrs.InfoPrefix, StringComparison.Ordinal))
                .ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
            kept[SystemAttrs.Imported] = JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["study"] = from.Name, ["trial"] = t.Number });
            imports.Add(new ImportedTrial(check.Values, check.Distributions, t.State, t.Value, t.FailReason)
            {
                Values = to.IsMultiObjective ? t.Values : null,
                IntermediateValues = await store.GetIntermediateValuesAsync(t.Id, cancellationToken: cancellationToken).ConfigureAwait(false),
                SystemAttrs = kept,
                Started = t.Started,
                Finished = t.Finished,
            });
        }
        return await store.ImportTrialsAsync(to.Id, imports, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The old trial's parameters as the new space names them; null when it varied something the new study cannot express.</summary>
    private static Dictionary<string, object?>? Candidate(FrozenTrial trial, Core.SearchSpace.SearchSpaceDefinition space, HommTrainerDefinition? oldHomm)
    {
        var candidate = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in trial.Params)
        {
            if (space.Find(name) is not null)
                candidate[name] = value;
            else if (oldHomm is null || HommSettings.Find(name) is null)
                return null; // a parameter of the user's trainer the new study does not vary: not comparable
            // else: a trainer setting the new study fixes; the settings are compared below.
        }
        if (oldHomm is not null)
        {
            // Searched now, fixed before: the old trials ran with the old fixed value.
            foreach (var p in space.Parameters.Where(p => p.When is null && !candidate.ContainsKey(p.Name)))
            {
                if (oldHomm.Fixed.TryGetValue(p.Name, out var fixedValue))
                    candidate[p.Name] = fixedValue;
            }
        }
        return candidate;
    }

    /// <summary>Whether the old trial trained what the new study would train with these parameters: every identity setting equal.</summary>
    private static bool SameFixedSettings(HommTrainerDefinition oldHomm, IReadOnlyDictionary<string, object> oldParams, HommTrainerDefinition newHomm, IReadOnlyDictionary<string, object> newParams)
    {
        try
        {
            var before = HommTrainerSettingsJson.ToValues(oldHomm.Resolve(oldParams));
            var after = HommTrainerSettingsJson.ToValues(newHomm.Resolve(newParams));
            return HommSettings.All.Where(s => s.Identity).All(s => Equals(s.Normalize(before[s.Name]), s.Normalize(after[s.Name])));
        }
        catch (ArgumentException)
        {
            return false; // a setting without a value: not the same training
        }
    }
}
