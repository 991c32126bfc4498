using System.Globalization;
using System.Text.Json;
using HoMM.Core.Trials;

namespace HoMM.Storage;

/// <summary>What <see cref="StudyDeletion"/> did.</summary>
public enum DeletionOutcome
{
    /// <summary>The rows are gone, and the trial folders this machine can see.</summary>
    Deleted,

    /// <summary>Nothing was deleted: a trial is Waiting or Running (a single trial), or Running (a study, without force).</summary>
    Unfinished,

    /// <summary>It was already gone.</summary>
    NotFound,
}

/// <summary>
/// Deleting a finished trial or a whole study with its trial folders: the one rule the CLI
/// (<c>delete</c>) and the dashboard apply. The store removes the rows in one transaction first;
/// then each folder the dispatcher recorded (<see cref="SystemAttrs.TrialDir"/>) is removed — only
/// when it is named as a trial folder (<c>trial-&lt;number&gt;</c>), so a damaged attribute can
/// never point the deletion at anything else — and, for a study, the study's folder of the runs
/// directory (<c>&lt;runs&gt;/&lt;study&gt;/</c>, its run.log) when it is named as the study.
/// Folders on another machine's disk (a cluster without a shared file system) stay there.
/// </summary>
public static class StudyDeletion
{
    /// <summary>Deletes a finished trial (cancel a waiting or running one first).</summary>
    public static async Task<DeletionOutcome> DeleteTrialAsync(this ITrialStore store, FrozenTrial trial, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(trial);
        if (!trial.State.IsFinished())
            return DeletionOutcome.Unfinished;
        IReadOnlyDictionary<string, JsonElement> attrs;
        try
        {
            attrs = await store.GetTrialAttrsAsync(trial.Id, AttrScope.System, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            return DeletionOutcome.NotFound;
        }
        if (!await store.DeleteTrialAsync(trial.Id, cancellationToken).ConfigureAwait(false))
            return await store.GetTrialAsync(trial.Id, cancellationToken).ConfigureAwait(false) is null ? DeletionOutcome.NotFound : DeletionOutcome.Unfinished;
        RemoveTrialFolder(attrs.GetValueOrDefault(SystemAttrs.TrialDir), trial.Number);
        return DeletionOutcome.Deleted;
    }

    /// <summary>
    /// Deletes the study with all its trials. A Running trial's trainer may still write to its
    /// folder and its dispatcher to the store, so a study with one is left alone unless
    /// <paramref name="force"/> (a run that died long ago and left its trials Running).
    /// </summary>
    public static async Task<DeletionOutcome> DeleteStudyAsync(this ITrialStore store, StudyRecord study, bool force, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(study);
        IReadOnlyDictionary<long, JsonElement> folders;
        try
        {
            var counts = await store.CountTrialsAsync(study.Id, cancellationToken).ConfigureAwait(false);
            if (!force && counts[TrialState.Running] > 0)
                return DeletionOutcome.Unfinished;
            folders = await store.GetTrialAttrOfStudyAsync(study.Id, AttrScope.System, SystemAttrs.TrialDir, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            return DeletionOutcome.NotFound;
        }
        var numbers = (await store.GetTrialsAsync(study.Id, new TrialQuery(IntermediateValues: false), cancellationToken).ConfigureAwait(false))
            .Trials.ToDictionary(t => t.Id, t => t.Number);
        if (!await store.DeleteStudyAsync(study.Id, cancellationToken).ConfigureAwait(false))
            return DeletionOutcome.NotFound;
        var parents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (trialId, dir) in folders)
        {
            if (numbers.TryGetValue(trialId, out var number) && RemoveTrialFolder(dir, number) is { } removed && Path.GetDirectoryName(removed) is { } parent)
                parents.Add(parent);
        }
        foreach (var parent in parents.Where(p => Path.GetFileName(p) == study.Name && Directory.Exists(p)))
            Directory.Delete(parent, recursive: true);
        return DeletionOutcome.Deleted;
    }

    /// <summary>Removes the folder <paramref name="dir"/> names when it is trial <paramref name="number"/>'s; returns its full path, or null.</summary>
    private static string? RemoveTrialFolder(JsonElement? dir, int number)
    {
        if (dir is not { ValueKind: JsonValueKind.String } d || string.IsNullOrWhiteSpace(d.GetString()))
            return null;
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(d.GetString()!));
        if (Path.GetFileName(full) != string.Create(CultureInfo.InvariantCulture, $"trial-{number}"))
            return null;
        if (Directory.Exists(full))
            Directory.Delete(full, recursive: true);
        return full;
    }
}
