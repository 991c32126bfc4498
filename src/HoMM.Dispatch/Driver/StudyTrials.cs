using HoMM.Core.Trials;
using HoMM.Storage;

namespace HoMM.Dispatch.Driver;

/// <summary>
/// The study's trials as last read from the store, refreshed incrementally through the store's
/// change cursor, so the driver's asks and every pruning decision see every trial (other
/// processes' included) without re-reading the whole study each time. Thread-safe.
/// </summary>
internal sealed class StudyTrials(ITrialStore store, long studyId)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SortedDictionary<int, FrozenTrial> _byNumber = [];
    private long _cursor;

    /// <summary>Every trial of the study, in number order, as of now.</summary>
    public async Task<IReadOnlyList<FrozenTrial>> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var page = await store.GetTrialsAsync(studyId, new TrialQuery(ChangedAfter: _cursor), cancellationToken).ConfigureAwait(false);
            foreach (var number in page.DeletedNumbers)
                _byNumber.Remove(number);
            foreach (var t in page.Trials)
                _byNumber[t.Number] = t;
            _cursor = page.Cursor;
            return [.. _byNumber.Values];
        }
        finally
        {
            _gate.Release();
        }
    }
}
