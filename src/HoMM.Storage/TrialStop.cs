using System.Text.Json;
using HoMM.Core.Trials;

namespace HoMM.Storage;

/// <summary>What <see cref="TrialStop.CancelAsync"/> did.</summary>
public enum TrialStopOutcome
{
    /// <summary>The trial was waiting or paused: it is Cancelled now, and will never run again.</summary>
    Cancelled,

    /// <summary>The trial runs: its cancel request is written; the dispatcher stops its trainer within a few seconds and marks it Cancelled.</summary>
    Requested,

    /// <summary>The trial had already finished: nothing to cancel.</summary>
    AlreadyFinished,
}

/// <summary>
/// A person's cancel of a trial, the one rule the dashboard and the CLI (<c>cancel</c>, alias
/// <c>stop</c>) apply, through the store only: a Waiting trial ends at once (compare-and-set
/// Waiting → Cancelled: a dispatcher that takes it at the same moment loses, and a job already
/// queued for it finds it finished and starts nothing); a Running one gets the
/// <see cref="SystemAttrs.ControlStop"/> request, which its dispatcher polls and honours by stopping
/// the trainer's process group and moving the trial Running → Cancelled. Either way the trial ends
/// Cancelled with <see cref="Reason"/> (who and why), is never run again, and is invisible to samplers.
/// </summary>
public static class TrialStop
{
    /// <summary>The beginning of the reason of every cancelled trial.</summary>
    public const string ReasonPrefix = "cancelled by";

    /// <summary>What fail reason older versions gave a trial a user stopped (they ended it Fail).</summary>
    private const string LegacyReasonPrefix = "stopped by user";

    /// <summary>"cancelled by <paramref name="who"/>: <paramref name="why"/>".</summary>
    public static string Reason(string? who, string? why) =>
        $"{ReasonPrefix} {(string.IsNullOrWhiteSpace(who) ? "a user" : who.Trim())}: {(string.IsNullOrWhiteSpace(why) ? "no reason given" : why.Trim())}";

    /// <summary>True when a trial a person stopped in an older version ended Fail with <paramref name="failReason"/> (not a failure of the study).</summary>
    public static bool IsUserStop(string? failReason) =>
        failReason is not null && failReason.StartsWith(LegacyReasonPrefix, StringComparison.Ordinal);

    /// <summary>The reason a cancel request stands for: the request holds it whole (older ones only the why).</summary>
    public static string RequestText(JsonElement request)
    {
        var text = request.ValueKind == JsonValueKind.String ? request.GetString() ?? "" : request.GetRawText();
        return text.StartsWith(ReasonPrefix, StringComparison.Ordinal) ? text : Reason(null, text);
    }

    /// <summary>
    /// Cancels trial <paramref name="trialId"/>: at once when waiting, through its dispatcher when running.
    /// <paramref name="who"/> names the person or entry point (e.g. "alice@gpu1 (cli)"), <paramref name="why"/> the reason.
    /// </summary>
    public static async Task<TrialStopOutcome> CancelAsync(this ITrialStore store, long trialId, string? who, string? why, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var reason = Reason(who, why);
        // A Waiting trial that started between the read and the write is read again as Running.
        for (var round = 0; round < 3; round++)
        {
            var trial = await store.GetTrialAsync(trialId, cancellationToken).ConfigureAwait(false)
                ?? throw new KeyNotFoundException($"no trial with id {trialId}");
            switch (trial.State)
            {
                case TrialState.Waiting or TrialState.Paused:
                    // A paused trial has no trainer: like a waiting one, it ends here and now.
                    if (await store.TrySetStateAsync(trialId, TrialState.Cancelled, trial.State, reason: reason, cancellationToken: cancellationToken).ConfigureAwait(false))
                        return TrialStopOutcome.Cancelled;
                    continue;
                case TrialState.Running:
                    if (await store.SetTrialAttrAsync(trialId, AttrScope.System, SystemAttrs.ControlStop, JsonSerializer.SerializeToElement(reason), cancellationToken).ConfigureAwait(false))
                        return TrialStopOutcome.Requested;
                    continue;
                default:
                    return TrialStopOutcome.AlreadyFinished;
            }
        }
        return TrialStopOutcome.AlreadyFinished;
    }
}
