using System.Text.Json;

namespace HoMM.Storage;

/// <summary>The trial folders a study's trials recorded (<see cref="SystemAttrs.TrialDir"/>), as seen on this machine.</summary>
public static class TrialFolders
{
    /// <summary>
    /// Bytes on disk under the study's trial folders (checkpoints, logs, outputs), for <c>status</c>
    /// and the dashboard; folders missing here (another host's disk) count 0.
    /// </summary>
    public static async Task<long> DiskUsageAsync(ITrialStore store, long studyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var folders = await store.GetTrialAttrOfStudyAsync(studyId, AttrScope.System, SystemAttrs.TrialDir, cancellationToken).ConfigureAwait(false);
        long total = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var folder in folders.Values.Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!).Distinct(StringComparer.Ordinal))
        {
            if (!Directory.Exists(folder))
                continue;
            try
            {
                foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", options))
                    total += file.Length;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A folder removed or a file deleted while counting: count what was seen.
            }
        }
        return total;
    }
}
