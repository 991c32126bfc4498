using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Serialization;
using HoMM.StudyFiles;

namespace HoMM.Dispatch.Driver;

/// <summary>
/// Creates the study a study file describes, or finds it to resume. Same name → resume; a study of
/// that name with another search space is refused (its trials were drawn from a different space)
/// unless the caller forks it under a new name.
/// </summary>
public static class StudyOpener
{
    /// <param name="store">Where studies live.</param>
    /// <param name="definition">The validated study file.</param>
    /// <param name="forkName">Create the study under this name instead (--fork).</param>
    /// <param name="cancellationToken">Cancels the database calls.</param>
    /// <returns>The study and whether it was just created.</returns>
    /// <exception cref="SearchSpaceChangedException">The stored study has another search space.</exception>
    public static async Task<(StudyRecord Study, bool Created)> OpenOrCreateAsync(
        ITrialStore store, StudyDefinition definition, string? forkName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(definition);
        var name = forkName ?? definition.Name;
        var system = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (definition.SourcePath is { } path && File.Exists(path))
        {
            system[SystemAttrs.StudyFile] = JsonSerializer.SerializeToElement(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
            system[SystemAttrs.StudyFilePath] = JsonSerializer.SerializeToElement(Path.GetFullPath(path));
        }
        var (study, created) = await store.GetOrCreateStudyAsync(
            new NewStudy(name, definition.Objective.Direction, definition.Objective.Metric, definition.SearchSpace, SystemAttrs: system),
            cancellationToken).ConfigureAwait(false);
        if (!created)
        {
            var fingerprint = SearchSpaceJson.Fingerprint(definition.SearchSpace);
            if (study.SearchSpaceFingerprint != fingerprint)
                throw new SearchSpaceChangedException(name, forkName is not null);
            if (study.ObjectiveMetric != definition.Objective.Metric || study.Direction != definition.Objective.Direction)
            {
                throw new SearchSpaceChangedException(name, forkName is not null,
                    $"study '{name}' in this database optimizes {study.ObjectiveMetric} ({study.Direction}), the study file " +
                    $"{definition.Objective.Metric} ({definition.Objective.Direction})");
            }
            return (study, false);
        }
        foreach (var parameters in definition.EnqueuedTrials)
        {
            var distributions = parameters.Keys.ToDictionary(k => k, k => definition.SearchSpace.Find(k)!.Distribution, StringComparer.Ordinal);
            await store.CreateTrialAsync(study.Id, parameters, distributions, cancellationToken).ConfigureAwait(false);
        }
        return (study, true);
    }
}

/// <summary>The study in the database was created with another search space (or objective) than the study file's.</summary>
public sealed class SearchSpaceChangedException(string name, bool forked, string? what = null) : InvalidOperationException(
    (what ?? $"the search space of study '{name}' in this database differs from the study file's") +
    (forked
        ? "; the fork name is taken by a study with another space, choose another --fork name"
        : $"; its trials were drawn from the old space and cannot be mixed with the new one. Keep the old space, " +
          $"rename the study (name: in the file), or run with --fork <new-name> to start a new study from this file"));
