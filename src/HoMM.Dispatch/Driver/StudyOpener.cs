using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Serialization;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Trainer;
using HoMM.TrainerSettings;

namespace HoMM.Dispatch.Driver;

/// <summary>
/// Creates the study a study file describes, or finds it to resume. Same name → resume; a study of
/// that name with another identity — search space, objective, or a fixed trainer setting that
/// changes what a trial learns (<see cref="HommSettings.Identity"/>) — is refused, since its trials
/// could not be compared with the new ones, unless the caller forks it under a new name.
/// </summary>
public static class StudyOpener
{
    /// <param name="store">Where studies live.</param>
    /// <param name="definition">The validated study file.</param>
    /// <param name="forkName">Create the study under this name instead (--fork).</param>
    /// <param name="cancellationToken">Cancels the database calls.</param>
    /// <returns>The study and whether it was just created.</returns>
    /// <exception cref="StudyChangedException">The stored study has another search space, objective or fixed trainer settings.</exception>
    public static async Task<(StudyRecord Study, bool Created)> OpenOrCreateAsync(
        ITrialStore store, StudyDefinition definition, string? forkName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(definition);
        var name = forkName ?? definition.Name;
        if (StudyNames.Problem(name) is { } problem)
            throw new ArgumentException(problem, nameof(forkName));
        var system = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (definition.SourcePath is { } path && File.Exists(path))
        {
            system[SystemAttrs.StudyFile] = JsonSerializer.SerializeToElement(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
            system[SystemAttrs.StudyFilePath] = JsonSerializer.SerializeToElement(Path.GetFullPath(path));
            // The definition includes them: whoever parses the stored text again must apply them too.
            if (definition.Overrides.Count > 0)
                system[SystemAttrs.StudyOverrides] = JsonSerializer.SerializeToElement(definition.Overrides);
        }
        var identity = definition.Trainer is HommTrainerDefinition homm ? homm.Identity : null;
        if (identity is not null)
            system[SystemAttrs.TrainerIdentity] = JsonSerializer.SerializeToElement(identity);
        var (study, created) = await store.GetOrCreateStudyAsync(
            NewStudy.WithObjectives(name, [.. definition.Objectives.Select(o => new StudyObjective(o.Metric, o.Direction))], definition.SearchSpace, systemAttrs: system),
            cancellationToken).ConfigureAwait(false);
        if (!created)
        {
            var changes = new List<string>();
            if (study.SearchSpaceFingerprint != SearchSpaceJson.Fingerprint(definition.SearchSpace))
                changes.Add("the search space");
            if (!study.Objectives.Select(o => (o.Metric, o.Direction)).SequenceEqual(definition.Objectives.Select(o => (o.Metric, o.Direction))))
            {
                static string Describe(IEnumerable<(string Metric, StudyDirection Direction)> list) =>
                    string.Join(", ", list.Select(o => $"{o.Metric} ({Word(o.Direction)})"));
                changes.Add($"objective{(study.Objectives.Count > 1 || definition.IsMultiObjective ? "s" : "")} " +
                            $"{Describe(study.Objectives.Select(o => (o.Metric, o.Direction)))} → {Describe(definition.Objectives.Select(o => (o.Metric, o.Direction)))}");
            }
            if (identity is not null)
            {
                var attrs = await store.GetStudyAttrsAsync(study.Id, AttrScope.System, cancellationToken).ConfigureAwait(false);
                if (attrs.TryGetValue(SystemAttrs.TrainerIdentity, out var stored))
                {
                    changes.AddRange(HommSettings.IdentityChanges(stored, identity).Select(c => "trainer." + c));
                }
                else if (changes.Count == 0)
                {
                    // Created before trainer settings were part of the identity: adopt this file's,
                    // so that from now on a change is caught.
                    await store.SetStudyAttrAsync(study.Id, AttrScope.System, SystemAttrs.TrainerIdentity, system[SystemAttrs.TrainerIdentity], cancellationToken).ConfigureAwait(false);
                }
            }
            if (changes.Count > 0)
                throw new StudyChangedException(name, forkName is not null, changes);
            return (study, false);
        }
        foreach (var parameters in definition.EnqueuedTrials)
        {
            var distributions = parameters.Keys.ToDictionary(k => k, k => definition.SearchSpace.Find(k)!.Distribution, StringComparer.Ordinal);
            await store.CreateTrialAsync(study.Id, parameters, distributions, cancellationToken).ConfigureAwait(false);
        }
        return (study, true);
    }

    /// <summary>As a study file writes it.</summary>
    private static string Word(StudyDirection direction) => direction == StudyDirection.Maximize ? "maximize" : "minimize";
}

/// <summary>The study in the database was created with another identity (search space, objective, fixed trainer settings) than the study file's.</summary>
/// <param name="name">The study's name.</param>
/// <param name="forked">The name is a --fork name.</param>
/// <param name="changes">What differs, stored → file, e.g. "trainer.model.dim 32 → 128".</param>
public sealed class StudyChangedException(string name, bool forked, IReadOnlyList<string> changes) : InvalidOperationException(
    $"study '{name}' in this database differs from the study file: {string.Join("; ", changes)}" +
    (forked
        ? ". The fork name is taken by a study that differs, choose another --fork name"
        : ". Its trials cannot be compared with trials of the changed file. Undo the change, rename the study " +
          "(name: in the file), or run with --fork <new-name> to start a new study from this file"))
{
    /// <summary>What differs, stored → file.</summary>
    public IReadOnlyList<string> Changes { get; } = changes;
}
