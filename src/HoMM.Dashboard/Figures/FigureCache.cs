using System.Collections.Concurrent;
using System.Text.Json;
using HoMM.Reports;
using HoMM.Reports.Html;
using HoMM.Storage;

namespace HoMM.Dashboard.Figures;

/// <summary>The study page's figures as JSON, and the change cursor they were computed at.</summary>
public sealed record FigureSet(long Cursor, DateTimeOffset Computed, byte[] Json);

/// <summary>
/// The study page's figures, computed from the store and kept per study. A 10,000-trial study
/// takes a second or more to load and plot, and a running study changes every few seconds, so
/// figures are recomputed when the study changed, but at most once per
/// <see cref="DashboardOptions.FigureRefreshInterval"/>, and by one request at a time (the others wait for it).
/// </summary>
internal sealed class FigureCache(ITrialStore store, TimeProvider time, DashboardOptions options)
{
    private readonly ConcurrentDictionary<long, Entry> entries = new();

    public async Task<FigureSet> GetAsync(StudyRecord study, CancellationToken cancellationToken)
    {
        var entry = entries.GetOrAdd(study.Id, _ => new Entry());
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            if (entry.Current is { } current)
            {
                var fresh = time.GetUtcNow() - current.Computed < options.FigureRefreshInterval;
                // A cheap look at the change cursor: nothing changed means nothing to redraw.
                if (fresh || (await store.GetTrialsAsync(study.Id, new TrialQuery(current.Cursor, IntermediateValues: false), cancellationToken)).Trials.Count == 0)
                    return current;
            }
            var page = await store.GetTrialsAsync(study.Id, cancellationToken: cancellationToken);
            var snapshot = new StudySnapshot(study.Name, study.Direction, study.ObjectiveMetric, page.Trials);
            var now = time.GetUtcNow();
            var figures = ReportFigures.Build(new StudyReport(snapshot) { SearchSpace = study.SearchSpace }, now);
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("cursor", page.Cursor);
                json.WritePropertyName("figures");
                ReportFigures.WriteJson(json, figures);
                json.WriteEndObject();
            }
            entry.Current = new FigureSet(page.Cursor, now, buffer.ToArray());
            return entry.Current;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public FigureSet? Current { get; set; }
    }
}
