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
        return new StudyReport(Snapshot)
        {
            SearchSpace = Study.SearchSpace,
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
    // Per-trial reads (attributes, attempts) run this many at a time: the store takes any number
    // of concurrent readers, and a handful hides the per-query latency without flooding a pool.
    private const int ParallelReads = 4;

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

            var extras = new TrialExtras[page.Trials.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, page.Trials.Count),
                new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
                async (i, ct) => extras[i] = await ReadExtrasAsync(page.Trials[i], ct));

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

    private async Task<TrialExtras> ReadExtrasAsync(FrozenTrial trial, CancellationToken cancellationToken)
    {
        var attrs = await store.GetTrialAttrsAsync(trial.Id, AttrScope.System, cancellationToken);
        // A trial that never started has no attempts: skip the query.
        var attempts = trial.Started is null && trial.State == TrialState.Waiting
            ? []
            : await store.GetAttemptsAsync(trial.Id, cancellationToken);
        return new TrialExtras(trial.Number, attrs, attempts);
    }

    public void Dispose() => refreshing.Dispose();

    private static IReadOnlyList<(string Name, HoMM.Core.Trials.StudyDirection Direction)> ObjectivesOf(StudyRecord study) =>
        [.. study.Objectives.Select(o => (o.Metric, o.Direction))];
}
