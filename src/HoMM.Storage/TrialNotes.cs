using System.Text.Json;

namespace HoMM.Storage;

/// <summary>
/// The notes of a trial (<see cref="SystemAttrs.Notes"/>): the one writer (the dispatcher, who owns a
/// running trial, so read-then-write does not race) and the one reader of their format.
/// </summary>
public static class TrialNotes
{
    /// <summary>A trial keeps this many notes; the last says that later ones were left out.</summary>
    public const int MaxNotes = 20;

    /// <summary>The last note of a trial that reached <see cref="MaxNotes"/>.</summary>
    public const string MoreLeftOut = "… more notes left out";

    /// <summary>The notes in <paramref name="systemAttrs"/> (a trial's system attributes), oldest first; empty when none.</summary>
    public static IReadOnlyList<string> Read(IReadOnlyDictionary<string, JsonElement> systemAttrs)
    {
        ArgumentNullException.ThrowIfNull(systemAttrs);
        return systemAttrs.TryGetValue(SystemAttrs.Notes, out var notes) ? Read(notes) : [];
    }

    /// <summary>The notes of one <see cref="SystemAttrs.Notes"/> value.</summary>
    public static IReadOnlyList<string> Read(JsonElement notes) =>
        notes.ValueKind == JsonValueKind.Array
            ? [.. notes.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!)]
            : [];

    /// <summary>
    /// Appends <paramref name="note"/> to the trial's notes; once there are <see cref="MaxNotes"/>, the last
    /// one is <see cref="MoreLeftOut"/> and further notes are dropped (a trainer that repeats a fault
    /// for every step must not grow the row without bound).
    /// </summary>
    /// <returns>False when the trial is finished or the note was dropped.</returns>
    public static async Task<bool> AddAsync(ITrialStore store, long trialId, string note, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        var notes = Read(await store.GetTrialAttrsAsync(trialId, AttrScope.System, cancellationToken).ConfigureAwait(false)).ToList();
        if (notes.Count >= MaxNotes)
            return false;
        notes.Add(notes.Count == MaxNotes - 1 ? MoreLeftOut : note);
        return await store.SetTrialAttrAsync(trialId, AttrScope.System, SystemAttrs.Notes, JsonSerializer.SerializeToElement(notes), cancellationToken).ConfigureAwait(false);
    }
}
