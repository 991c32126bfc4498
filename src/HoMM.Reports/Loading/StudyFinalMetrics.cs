using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Serialization;

namespace HoMM.Reports.Loading;

/// <summary>
/// The final-line metrics of a study's completed trials (<see cref="SystemAttrs.FinalMetrics"/>),
/// read in one query: the listings show <c>test/acc</c> beside the objective without a read per trial.
/// </summary>
public sealed class StudyFinalMetrics
{
    private readonly IReadOnlyDictionary<long, IReadOnlyDictionary<string, double>> byTrialId;

    private StudyFinalMetrics(IReadOnlyDictionary<long, IReadOnlyDictionary<string, double>> byTrialId) => this.byTrialId = byTrialId;

    public static async Task<StudyFinalMetrics> ReadAsync(ITrialStore store, long studyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var column = await store.GetTrialAttrOfStudyAsync(studyId, AttrScope.System, SystemAttrs.FinalMetrics, cancellationToken);
        return new StudyFinalMetrics(column.ToDictionary(kv => kv.Key, kv => FinalMetricsJson.Parse(kv.Value)));
    }

    /// <summary>Every metric name of any final line, sorted (ordinal).</summary>
    public IReadOnlyList<string> Names => byTrialId.Values.SelectMany(m => m.Keys).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether any trial reported a test accuracy (the listings then show its column).</summary>
    public bool AnyTestAccuracy => byTrialId.Values.Any(m => m.ContainsKey(TestMetrics.Accuracy));

    /// <summary>The trial's final metrics; empty when it has none (not complete, or an older run).</summary>
    public IReadOnlyDictionary<string, double> Of(FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return byTrialId.TryGetValue(trial.Id, out var m) ? m : new Dictionary<string, double>();
    }

    /// <summary>The trial's <see cref="TestMetrics.Accuracy"/>, or null.</summary>
    public double? TestAccuracy(FrozenTrial trial) => Of(trial).TryGetValue(TestMetrics.Accuracy, out var a) ? a : null;
}
