using System.Text.RegularExpressions;
using HoMM.Core.Trials;
using HoMM.Storage;

namespace HoMM.Dispatch.Driver;

/// <summary>
/// <c>budget.max_consecutive_failures</c>: the trials that finished during this run, in the order
/// they finished, end with that many failures in a row with the same reason — the trainer or the
/// study is broken, and every further trial would fail the same way. A complete or pruned trial
/// ends a streak; a trial a user stopped, or one refused before it ran, neither counts nor ends it.
/// Reasons are compared with their numbers masked ("crashed … at step 40" and "at step 41" are
/// the same reason). Trials finished before this run do not count, so a rerun after a fix starts afresh.
/// </summary>
internal sealed partial class FailureStreak(int? limit, IReadOnlySet<long> finishedBefore)
{
    /// <summary>The repeated reason (of the latest failure) when the streak reached the limit, else null.</summary>
    public string? Check(IReadOnlyList<FrozenTrial> trials)
    {
        if (limit is not { } max)
            return null;
        var recent = trials
            .Where(t => t.State.IsFinished() && !finishedBefore.Contains(t.Id))
            .OrderByDescending(t => t.Finished)
            .ThenByDescending(t => t.Number);
        string? key = null;
        string? latest = null;
        var count = 0;
        foreach (var t in recent)
        {
            // A trial a person cancelled says nothing about the study: it neither counts nor breaks the row.
            if (t.State == TrialState.Cancelled)
                continue;
            if (t.State != TrialState.Fail)
                return null;
            if (TrialStop.IsUserStop(t.FailReason) || TrialReasons.IsRefused(t.FailReason))
                continue;
            var k = Mask(t.FailReason ?? "");
            if (key is null)
            {
                key = k;
                latest = t.FailReason;
            }
            else if (k != key)
            {
                return null;
            }
            if (++count >= max)
                return latest;
        }
        return null;
    }

    private static string Mask(string reason) => Number().Replace(reason, "#");

    [GeneratedRegex(@"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")]
    private static partial Regex Number();
}
