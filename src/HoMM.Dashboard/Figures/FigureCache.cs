using System.Collections.Concurrent;
using System.Text.Json;
using HoMM.Reports.Html;
using HoMM.Reports.Loading;
using HoMM.Storage;

namespace HoMM.Dashboard.Figures;

/// <summary>The study page's figures as JSON, and the change cursor they were computed at.</summary>
internal sealed record FigureSet(long Cursor, DateTimeOffset Computed, byte[] Json);

/// <summary>
/// The study page's figures, computed from a <see cref="StudyReader"/> kept per study (so each
/// refresh reads only the trials changed since the last one). Plotting a 10,000-trial study takes
/// a second or more and a running study changes every few seconds, so figures are recomputed
/// when the study changed, at most once per <see cref="DashboardOptions.FigureRefreshInterval"/>,
/// and by one request at a time (the others wait for it and share its result).
/// </summary>
internal sealed class FigureCache(ITrialStore store, TimeProvider time, DashboardOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<long, Entry> entries = new();

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

            var now = time.GetUtcNow();
            var figures = ReportFigures.Build(loaded.ToReport(), now);
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("cursor", loaded.Cursor);
                json.WritePropertyName("figures");
                ReportFigures.WriteJson(json, figures);
                json.WriteEndObject();
            }
            entry.Current = new FigureSet(loaded.Cursor, now, buffer.ToArray());
            return entry.Current;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var entry in entries.Values)
        {
            entry.Reader?.Dispose();
            entry.Gate.Dispose();
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public StudyReader? Reader { get; set; }
        public FigureSet? Current { get; set; }
    }
}
