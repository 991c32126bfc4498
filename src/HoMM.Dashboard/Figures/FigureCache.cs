using System.Collections.Concurrent;
using System.Text.Json;
using HoMM.Reports.Html;
using HoMM.Reports.Loading;
using HoMM.Storage;

namespace HoMM.Dashboard.Figures;

/// <summary>
/// The study page's figures as JSON, the change cursor they were computed at, and whether the
/// importances (and the contours they rank) are still being computed for this state.
/// </summary>
internal sealed record FigureSet(long Cursor, DateTimeOffset Computed, byte[] Json, bool Pending);

/// <summary>
/// The study page's figures, computed from a <see cref="StudyReader"/> kept per study (so each
/// refresh reads only the trials changed since the last one). Plotting a 10,000-trial study takes
/// a second or more and a running study changes every few seconds, so figures are recomputed
/// when the study changed, at most once per <see cref="DashboardOptions.FigureRefreshInterval"/>,
/// and by one request at a time (the others wait for it and share its result).
/// Parameter importances take seconds more on a big study, so they never hold a request: the
/// cheap figures are answered with the last importances known (a note the first time, with
/// <c>pending: true</c>), and the importances of the new state are computed in the background and
/// swapped in when done.
/// </summary>
internal sealed class FigureCache(ITrialStore store, TimeProvider time, DashboardOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<long, Entry> entries = new();
    private readonly CancellationTokenSource disposed = new();

    public async Task<FigureSet> GetAsync(StudyRecord study, CancellationToken cancellationToken)
    {
        var entry = entries.GetOrAdd(study.Id, _ => new Entry());
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            if (entry.Reader is null)
            {
                entry.Reader = await StudyReader.OpenAsync(store, study.Name, cancellationToken)
                    ?? throw new KeyNotFoundException($"study '{study.Name}' disappeared from the store");
            }
            else
            {
                await entry.Reader.RefreshAsync(cancellationToken);
            }
            var loaded = entry.Reader.Current;
            if (entry.Current is { } current
                && (current.Cursor == loaded.Cursor || time.GetUtcNow() - current.Computed < options.FigureRefreshInterval))
                return current;

            var report = loaded.ToReport();
            var now = time.GetUtcNow();
            var pending = entry.Importances is null;
            entry.Current = Serialize(loaded.Cursor, now, ReportFigures.Build(report with
            {
                Importances = entry.Importances,
                DeferImportance = true,
            }, now), pending);
            entry.ImportanceCursor = loaded.Cursor;
            _ = Task.Run(() => ComputeImportanceAsync(entry, report, loaded.Cursor, now), CancellationToken.None);
            return entry.Current;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    // Runs outside the gate (requests keep being answered meanwhile) and swaps its result in only
    // when no newer state has been plotted since: a stale result never replaces a fresh one.
    private async Task ComputeImportanceAsync(Entry entry, StudyReport report, long cursor, DateTimeOffset computed)
    {
        try
        {
            var importances = ReportFigures.EvaluateImportances(report) ?? [];
            var figures = ReportFigures.Build(report with { Importances = importances }, computed);
            await entry.Gate.WaitAsync(disposed.Token);
            try
            {
                if (entry.ImportanceCursor != cursor)
                    return;
                entry.Importances = importances;
                entry.Current = Serialize(cursor, computed, figures, pending: false);
            }
            finally
            {
                entry.Gate.Release();
            }
        }
        catch (OperationCanceledException) when (disposed.IsCancellationRequested)
        {
            // The dashboard is stopping.
        }
        catch (ObjectDisposedException) when (disposed.IsCancellationRequested)
        {
        }
    }

    private static FigureSet Serialize(long cursor, DateTimeOffset computed, IReadOnlyList<ReportFigure> figures, bool pending)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("cursor", cursor);
            json.WriteBoolean("pending", pending);
            json.WritePropertyName("figures");
            ReportFigures.WriteJson(json, figures);
            json.WriteEndObject();
        }
        return new FigureSet(cursor, computed, buffer.ToArray(), pending);
    }

    public void Dispose()
    {
        disposed.Cancel();
        foreach (var entry in entries.Values)
            entry.Reader?.Dispose();
        disposed.Dispose();
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public StudyReader? Reader { get; set; }
        public FigureSet? Current { get; set; }

        /// <summary>The latest importances computed (shown until those of a newer state are ready).</summary>
        public IReadOnlyList<IReadOnlyDictionary<string, double>>? Importances { get; set; }

        /// <summary>The cursor of the state whose importances are being computed.</summary>
        public long ImportanceCursor { get; set; } = -1;
    }
}
