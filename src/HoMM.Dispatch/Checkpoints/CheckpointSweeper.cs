using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.StudyFiles;

namespace HoMM.Dispatch.Checkpoints;

/// <summary>
/// <c>checkpoints.keep</c>: deletes the checkpoints that the policy no longer keeps, once nothing
/// can resume them. The one rule is <see cref="ToDelete"/>; the driver sweeps after trials finish.
/// </summary>
/// <remarks>
/// Only a finished trial (Complete, Pruned, Fail, Cancelled) loses its checkpoint: a waiting, running
/// or paused one — an interrupted trial that a later <c>run</c> resumes, a trial paused at a rung that
/// may be promoted, a promoted one waiting for a slot — always keeps it.
/// Only the file the trainer reported as its checkpoint is deleted, and only inside the trial's
/// own folder (its logs and outputs stay); a path that leaves the folder is never touched.
/// </remarks>
public sealed class CheckpointSweeper(ITrialStore store, long studyId, StudyDirection direction, CheckpointRetention policy)
{
    /// <summary>
    /// The trials whose checkpoints the policy deletes: none with <c>all</c>; every finished trial's
    /// with <c>none</c>; with <c>best-N</c>, pruned, failed and cancelled trials' and those of complete
    /// trials outside the best N (ties: the older trial ranks first).
    /// </summary>
    public static IReadOnlyList<FrozenTrial> ToDelete(CheckpointRetention policy, StudyDirection direction, IEnumerable<FrozenTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(trials);
        if (policy.Keep == CheckpointKeep.All)
            return [];
        var finished = trials.Where(t => t.State.IsFinished()).ToList();
        if (policy.Keep == CheckpointKeep.None)
            return finished;
        var best = finished
            .Where(t => t.State == TrialState.Complete && t.Value is { } v && !double.IsNaN(v))
            .OrderBy(t => direction == StudyDirection.Maximize ? -t.Value!.Value : t.Value!.Value)
            .ThenBy(t => t.Number)
            .Take(policy.Best)
            .Select(t => t.Number)
            .ToHashSet();
        return [.. finished.Where(t => !best.Contains(t.Number))];
    }

    /// <summary>Deletes the checkpoints <see cref="ToDelete"/> names among <paramref name="trials"/>; returns the bytes freed.</summary>
    public async Task<long> SweepAsync(IReadOnlyList<FrozenTrial> trials, CancellationToken cancellationToken = default)
    {
        var doomed = ToDelete(policy, direction, trials);
        if (doomed.Count == 0)
            return 0;
        var checkpoints = await store.GetTrialAttrOfStudyAsync(studyId, AttrScope.System, SystemAttrs.Checkpoint, cancellationToken).ConfigureAwait(false);
        var folders = await store.GetTrialAttrOfStudyAsync(studyId, AttrScope.System, SystemAttrs.TrialDir, cancellationToken).ConfigureAwait(false);
        long freed = 0;
        foreach (var trial in doomed)
        {
            if (!checkpoints.TryGetValue(trial.Id, out var checkpoint) || !folders.TryGetValue(trial.Id, out var folder)
                || folder.ValueKind != JsonValueKind.String || CheckpointFile(folder.GetString()!, checkpoint) is not { } file)
            {
                continue;
            }
            var info = new FileInfo(file);
            if (!info.Exists)
                continue;
            var bytes = info.Length;
            info.Delete();
            freed += bytes;
        }
        return freed;
    }

    /// <summary>The checkpoint's full path when it lies inside the trial folder, else null.</summary>
    internal static string? CheckpointFile(string trialDir, JsonElement checkpoint)
    {
        if (checkpoint.ValueKind != JsonValueKind.Object || !checkpoint.TryGetProperty("path", out var p) || p.ValueKind != JsonValueKind.String)
            return null;
        var root = Path.GetFullPath(trialDir);
        var full = Path.GetFullPath(Path.Combine(root, p.GetString()!));
        var inside = full.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return inside ? full : null;
    }
}
