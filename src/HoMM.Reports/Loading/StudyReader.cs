using HoMM.Core.Trials;
using HoMM.Reports.Html;
using HoMM.Storage;

namespace HoMM.Reports.Loading;

/// <summary>
/// A study as read from the store at one moment: its record, a snapshot of its trials (with the
/// objective's intermediate values), each trial's <see cref="TrialExtras"/> by number, and the
/// store's change cursor up to which it is complete.
/// </summary>
public sealed record LoadedStudy(StudyRecord Study, ReportStudy Snapshot, IReadOnlyDictionary<int, TrialExtras> Extras, long Cursor)
{
    /// <summary>
    /// The report of this state: the search space (for importances), the slot of each started
    /// trial (<c>node/slot</c> when the study ran on more than one node), the model sizes and the
    /// test accuracies of the trials that reported one.
    /// </summary>
    public StudyReport ToReport(IReadOnlyList<KeyValuePair<string, string>>? details = null)
    {
        var multiNode = Extras.Values.Select(e => e.Node).Where(n => n is not null).Distinct(StringComparer.Ordinal).Skip(1).Any();
        var slots = new Dictionary<int, string>();
        var sizes = new Dictionary<int, ModelSize>();
        var testAccuracy = new Dictionary<int, double>();
        foreach (var (number, extras) in Extras)
        {
            if (extras.TestAccuracy is { } accuracy)
                testAccuracy[number] = accuracy;
            if (extras.Slot is { } slot)
                slots[number] = multiNode && extras.Node is { } node ? $"{node}/{slot}" : slot;
            if (extras.ModelParams is not null || extras.Flops is not null)
                sizes[number] = new ModelSize(extras.ModelParams, extras.Flops);
        }
        var pausedAt = new Dictionary<int, DateTimeOffset>();
        foreach (var trial in Snapshot.Trials)
        {
            if (trial.State == TrialState.Paused && Extras.GetValueOrDefault(trial.Number)?.LastAttempt?.Ended is { } ended)
                pausedAt[trial.Number] = ended;
        }
        return new StudyReport(Snapshot)
        {
            SearchSpace = Study.SearchSpace,
            PausedAtByTrial = pausedAt,
            // Lanes are inferred only when no trial says where it ran (an old or hand-made store).
            SlotByTrial = slots.Count > 0 ? slots : null,
            ModelSizeByTrial = sizes,
            TestAccuracyByTrial = testAccuracy,
            Details = details ?? [],
        };
    }
}

/// <summary>
/// Reads a study from an <see cref="ITrialStore"/> for reports, the CLI and the dashboard, and
/// keeps it current: <see cref="RefreshAsync"/> reads only the trials changed since the last read
/// (the store's change cursor), so polling a 10,000-trial study costs a query, not 10,000.
/// <see cref="Current"/> is an immutable state swapped in whole after each refresh: readers on
/// other threads never see half a refresh. Refreshes run one at a time.
/// </summary>
public sealed class StudyReader : IDisposable
{
    private static readonly IReadOnlyDictionary<string, System.Text.Json.JsonElement> NoAttrs =
        new Dictionary<string, System.Text.Json.JsonElement>();

    private readonly ITrialStore store;
    private readonly SemaphoreSlim refreshing = new(1, 1);
    private volatile LoadedStudy current;

    private StudyReader(ITrialStore store, LoadedStudy initial)
    {
        this.store = store;
        current = initial;
    }

    /// <summary>The state after the latest refresh.</summary>
    public LoadedStudy Current => current;

    /// <summary>Reads the whole study; null when the store has no study of that name.</summary>
    public static async Task<StudyReader?> OpenAsync(ITrialStore store, string studyName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(studyName);
        if (await store.GetStudyAsync(studyName, cancellationToken) is not { } study)
            return null;
        var empty = new LoadedStudy(study, new ReportStudy(study.Name, study.Direction, study.ObjectiveMetric, []) { Objectives = ObjectivesOf(study) },
            new Dictionary<int, TrialExtras>(), 0);
        var reader = new StudyReader(store, empty);
        await reader.RefreshAsync(cancellationToken);
        return reader;
    }

    /// <summary>Reads a study once; null when the store has no study of that name.</summary>
    public static async Task<LoadedStudy?> LoadAsync(ITrialStore store, string studyName, CancellationToken cancellationToken = default)
    {
        using var reader = await OpenAsync(store, studyName, cancellationToken);
        return reader?.Current;
    }

    /// <summary>Reads the trials changed (or deleted) since the last read; returns their numbers (empty when nothing changed).</summary>
    public async Task<IReadOnlyList<int>> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await refreshing.WaitAsync(cancellationToken);
        try
        {
            var before = current;
            var page = await store.GetTrialsAsync(before.Study.Id, new TrialQuery(ChangedAfter: before.Cursor), cancellationToken);
            if (page.Trials.Count == 0 && page.DeletedNumbers.Count == 0)
            {
                if (page.Cursor != before.Cursor)
                    current = before with { Cursor = page.Cursor };
                return [];
            }

            // Two set-based reads for every changed trial's attributes and attempts (a query per
            // trial made a cold read of 10,000 trials take ~20,000 queries). They may see changes
            // newer than the page: harmless, those trials are read again at the next refresh.
            var attrs = await store.GetTrialAttrsOfStudyAsync(before.Study.Id, AttrScope.System, before.Cursor, cancellationToken);
            var attempts = await store.GetAttemptsOfStudyAsync(before.Study.Id, before.Cursor, cancellationToken);
            var extras = page.Trials.Select(t => new TrialExtras(t.Number,
                attrs.TryGetValue(t.Id, out var a) ? a : NoAttrs,
                attempts.TryGetValue(t.Id, out var at) ? at : [])).ToArray();

            // A changed trial replaces its old snapshot; the snapshot lists trials by number.
            var byNumber = before.Snapshot.Trials.ToDictionary(t => t.Number);
            var allExtras = new Dictionary<int, TrialExtras>(before.Extras);
            // A deleted trial's number is never reused, so dropping it first cannot drop a newer trial.
            foreach (var number in page.DeletedNumbers)
            {
                byNumber.Remove(number);
                allExtras.Remove(number);
            }
            for (var i = 0; i < page.Trials.Count; i++)
            {
                byNumber[page.Trials[i].Number] = page.Trials[i];
                allExtras[page.Trials[i].Number] = extras[i];
            }
            var trials = byNumber.Values.OrderBy(t => t.Number).ToList();
            var study = before.Study;
            current = new LoadedStudy(study, new ReportStudy(study.Name, study.Direction, study.ObjectiveMetric, trials) { Objectives = ObjectivesOf(study) }, allExtras, page.Cursor);
            return page.Trials.Select(t => t.Number).Concat(page.DeletedNumbers).ToList();
        }
        finally
        {
            refreshing.Release();
        }
    }

    public void Dispose() => refreshing.Dispose();

    private static IReadOnlyList<(string Name, HoMM.Core.Trials.StudyDirection Direction)> ObjectivesOf(StudyRecord study) =>
        [.. study.Objectives.Select(o => (o.Metric, o.Direction))];
}
