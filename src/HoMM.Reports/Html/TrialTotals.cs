using HoMM.Core.Trials;

namespace HoMM.Reports.Html;

/// <summary>The numbers at the top of a report: trials by state and the compute they used.</summary>
public sealed record TrialTotals
{
    public TrialTotals(ReportStudy study, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(study);
        CountByState = TrialStateNames.InLifeOrder
            .Select(s => (s, study.Trials.Count(t => t.State == s)))
            .Where(p => p.Item2 > 0)
            .Select(p => new KeyValuePair<TrialState, int>(p.s, p.Item2))
            .ToList();
        var total = TimeSpan.Zero;
        foreach (var t in study.Trials)
        {
            if (t.Started is not { } start)
                continue;
            var end = t.Finished ?? (t.State.IsFinished() ? start : now);
            if (end > start)
                total += end - start;
            FirstStart = FirstStart is { } f && f <= start ? f : start;
            LastEnd = LastEnd is { } l && l >= end ? l : end;
        }
        TotalCompute = total;
    }

    /// <summary>States that occur, in life-cycle order, with their trial counts.</summary>
    public IReadOnlyList<KeyValuePair<TrialState, int>> CountByState { get; }

    /// <summary>The summed run time of all trials (a running trial counts up to now).</summary>
    public TimeSpan TotalCompute { get; }
    public DateTimeOffset? FirstStart { get; }
    public DateTimeOffset? LastEnd { get; }
}
