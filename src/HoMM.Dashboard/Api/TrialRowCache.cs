using System.Collections.Concurrent;
using HoMM.Storage;

namespace HoMM.Dashboard.Api;

/// <summary>
/// The rows of each study's trial table, kept current through the store's change cursor. A page
/// opened on a 10,000-trial study asks for every row; reading them all from the store takes
/// seconds, so each full request reads only the trials changed since the last one and returns
/// the kept rows. Incremental requests (<c>?after=</c>) go to the store directly: they are small.
/// </summary>
internal sealed class TrialRowCache(ITrialStore store) : IDisposable
{
    private readonly ConcurrentDictionary<long, Entry> entries = new();

    /// <summary>Every row of the study, in number order, and the cursor they are complete up to.</summary>
    public async Task<(long Cursor, IReadOnlyList<TrialRow> Rows)> AllAsync(StudyRecord study, CancellationToken cancellationToken)
    {
        var entry = entries.GetOrAdd(study.Id, _ => new Entry());
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            var page = await store.GetTrialsAsync(study.Id, new TrialQuery(entry.Cursor, IntermediateValues: false), cancellationToken);
            if (page.Trials.Count > 0 || page.DeletedNumbers.Count > 0)
            {
                foreach (var number in page.DeletedNumbers)
                    entry.Rows.Remove(number);
                foreach (var row in await TrialRow.FromAsync(store, study.Id, page.Trials, cancellationToken))
                    entry.Rows[row.Number] = row;
                entry.Snapshot = entry.Rows.Values.ToArray();
            }
            entry.Cursor = page.Cursor;
            return (entry.Cursor, entry.Snapshot);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var entry in entries.Values)
            entry.Gate.Dispose();
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public SortedDictionary<int, TrialRow> Rows { get; } = [];
        public TrialRow[] Snapshot { get; set; } = [];
        public long Cursor { get; set; }
    }
}
