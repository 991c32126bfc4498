using System.Text.Json;
using HoMM.Core.Trials;

namespace HoMM.Storage;

/// <summary>Conveniences over <see cref="ITrialStore"/>; the interface itself stays small.</summary>
public static class TrialStoreExtensions
{
    /// <summary>
    /// The study of that name, created from <paramref name="study"/> when missing. The caller
    /// compares <see cref="StudyRecord.SearchSpaceFingerprint"/> to decide whether it may resume.
    /// </summary>
    public static async Task<(StudyRecord Study, bool Created)> GetOrCreateStudyAsync(
        this ITrialStore store, NewStudy study, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(study);
        if (await store.GetStudyAsync(study.Name, cancellationToken) is { } existing)
            return (existing, false);
        try
        {
            return (await store.CreateStudyAsync(study, cancellationToken), true);
        }
        catch (StudyExistsException)
        {
            // Another process created it between our read and our write.
            return (await store.GetStudyAsync(study.Name, cancellationToken)
                ?? throw new InvalidOperationException($"study '{study.Name}' was reported to exist but cannot be read"), false);
        }
    }

    /// <summary>Waiting → Running; true when this caller won the trial and now owns it.</summary>
    public static Task<bool> TryStartAsync(this ITrialStore store, long trialId, CancellationToken cancellationToken = default) =>
        Require(store).TrySetStateAsync(trialId, TrialState.Running, TrialState.Waiting, cancellationToken: cancellationToken);

    /// <summary>Running → Complete with the objective value.</summary>
    public static Task<bool> TryCompleteAsync(this ITrialStore store, long trialId, double value, CancellationToken cancellationToken = default) =>
        Require(store).TrySetStateAsync(trialId, TrialState.Complete, TrialState.Running, value, cancellationToken: cancellationToken);

    /// <summary>Running → Pruned, with the last intermediate value when there is one.</summary>
    public static Task<bool> TryPruneAsync(this ITrialStore store, long trialId, double? lastValue, string? reason = null, CancellationToken cancellationToken = default) =>
        Require(store).TrySetStateAsync(trialId, TrialState.Pruned, TrialState.Running, lastValue, reason, cancellationToken);

    /// <summary>Running (or Waiting, via <paramref name="expectedFrom"/>) → Fail with the reason the dashboard shows.</summary>
    public static Task<bool> TryFailAsync(
        this ITrialStore store, long trialId, string reason, TrialState expectedFrom = TrialState.Running, CancellationToken cancellationToken = default) =>
        Require(store).TrySetStateAsync(trialId, TrialState.Fail, expectedFrom, reason: reason, cancellationToken: cancellationToken);

    /// <summary>Records one metric at one step (see <see cref="ITrialStore.ReportAsync"/>).</summary>
    public static Task<bool> ReportAsync(this ITrialStore store, long trialId, long step, string metric, double value, CancellationToken cancellationToken = default) =>
        Require(store).ReportAsync(trialId, step, new Dictionary<string, double>(StringComparer.Ordinal) { [metric] = value }, cancellationToken);

    /// <summary>Sets a string-valued trial attribute (e.g. <see cref="SystemAttrs.TrialDir"/> = a path).</summary>
    public static Task<bool> SetTrialAttrAsync(this ITrialStore store, long trialId, AttrScope scope, string key, string value, CancellationToken cancellationToken = default) =>
        Require(store).SetTrialAttrAsync(trialId, scope, key, JsonSerializer.SerializeToElement(value), cancellationToken);

    /// <summary>Sets a string-valued study attribute.</summary>
    public static Task SetStudyAttrAsync(this ITrialStore store, long studyId, AttrScope scope, string key, string value, CancellationToken cancellationToken = default) =>
        Require(store).SetStudyAttrAsync(studyId, scope, key, JsonSerializer.SerializeToElement(value), cancellationToken);

    /// <summary>The study file stored with the study (<see cref="SystemAttrs.StudyFile"/>), or null when it was created without one.</summary>
    public static async Task<StoredStudyFile?> GetStudyFileAsync(this ITrialStore store, long studyId, CancellationToken cancellationToken = default)
    {
        var attrs = await Require(store).GetStudyAttrsAsync(studyId, AttrScope.System, cancellationToken).ConfigureAwait(false);
        if (!attrs.TryGetValue(SystemAttrs.StudyFile, out var text) || text.ValueKind != JsonValueKind.String)
            return null;
        var path = attrs.TryGetValue(SystemAttrs.StudyFilePath, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var overrides = attrs.TryGetValue(SystemAttrs.StudyOverrides, out var o) && o.ValueKind == JsonValueKind.Array
            ? o.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];
        return new StoredStudyFile(text.GetString()!, path) { Overrides = overrides };
    }

    private static ITrialStore Require(ITrialStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store;
    }
}

/// <summary>The study file a study was created from, as stored with it.</summary>
/// <param name="Text">The YAML text.</param>
/// <param name="Path">Where it was read from (on the machine that created the study), when known.</param>
public sealed record StoredStudyFile(string Text, string? Path)
{
    /// <summary>The <c>--set</c> overrides (<c>key.path=value</c>) the creating run applied to the text, in order
    /// (<see cref="SystemAttrs.StudyOverrides"/>); whoever parses <see cref="Text"/> applies them too.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];
}
