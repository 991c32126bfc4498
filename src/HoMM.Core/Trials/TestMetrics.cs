namespace HoMM.Core.Trials;

/// <summary>
/// The test-set convention: metrics named <c>test/…</c> (<c>test/acc</c>, <c>test/loss</c>) are
/// measured once, on data the search never selects on, and reported only in a trainer's final
/// line. They are kept with the trial's result for people to read and never reach a sampler or a
/// pruner, so they cannot be an objective either: a search that selected on them would report
/// an optimistic best (the test set would have become a validation set).
/// </summary>
public static class TestMetrics
{
    /// <summary>The prefix every test-set metric starts with.</summary>
    public const string Prefix = "test/";

    /// <summary>Top-1 accuracy on the test set: what reports show beside the objective.</summary>
    public const string Accuracy = "test/acc";

    /// <summary>True for a test-set metric (a name starting with <see cref="Prefix"/>).</summary>
    public static bool IsTestMetric(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return metric.StartsWith(Prefix, StringComparison.Ordinal);
    }
}
