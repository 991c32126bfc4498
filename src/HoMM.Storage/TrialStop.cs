using System.Text.Json;
using HoMM.Core.Trials;

namespace HoMM.Storage;

/// <summary>What <see cref="TrialStop.StopAsync"/> did.</summary>
public enum TrialStopOutcome
{
    /// <summary>The trial was waiting: it is Fail now, and will never start.</summary>
    Cancelled,

    /// <summary>The trial runs: its stop request is written; the dispatcher stops it within a few seconds.</summary>
    Requested,

    /// <summary>The trial had already finished: nothing to stop.</summary>
    AlreadyFinished,
}

/// <summary>
/// A user's stop of a trial, the one rule the dashboard and the CLI apply: a Waiting trial ends at
/// once (compare-and-set Waiting → Fail: a dispatcher that takes it at the same moment loses, and
/// a job already queued for it finds it finished and starts nothing); a Running one gets the
/// <see cref="SystemAttrs.ControlStop"/> request, which its dispatcher polls and honours by sending
/// the trainer a stop line. Either way the trial ends Fail with <see cref="Reason"/> and is not retried.
/// </summary>
public static class TrialStop
{
    /// <summary>The beginning of the fail reason of every trial a user stopped.</summary>
    public const string ReasonPrefix = "stopped by user";

    /// <summary>The fail reason of a trial a user stopped with <paramref name="why"/>.</summary>
    public static string Reason(string? why) => $"{ReasonPrefix}: {(string.IsNullOrWhiteSpace(why) ? "no reason given" : why.Trim())}";

    /// <summary>True when <paramref name="failReason"/> says a user stopped the trial (not a failure of the study).</summary>
    public static bool IsUserStop(string? failReason) =>
        failReason is not null && failReason.StartsWith(ReasonPrefix, StringComparison.Ordinal);

    /// <summary>The reason written with a stop request, as text.</summary>
    public static string RequestText(JsonElement request) =>
        request.ValueKind == JsonValueKind.String ? request.GetString() ?? "" : request.GetRawText();

    /// <summary>Stops trial <paramref name="trialId"/>: cancels it when waiting, asks its dispatcher when running.</summary>
    public static async Task<TrialStopOutcome> StopAsync(this ITrialStore store, long trialId, string? why, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        // A Waiting trial that started between the read and the write is read again as Running.
        for (var round = 0; round < 3; round++)
        {
            var trial = await store.GetTrialAsync(trialId, cancellationToken).ConfigureAwait(false)
                ?? throw new KeyNotFoundException($"no trial with id {trialId}");
            switch (trial.State)
            {
                case TrialState.Waiting:
                    if (await store.TryFailAsync(trialId, Reason(why), TrialState.Waiting, cancellationToken).ConfigureAwait(false))
                        return TrialStopOutcome.Cancelled;
                    continue;
                case TrialState.Running:
                    var request = JsonSerializer.SerializeToElement(string.IsNullOrWhiteSpace(why) ? "no reason given" : why.Trim());
                    if (await store.SetTrialAttrAsync(trialId, AttrScope.System, SystemAttrs.ControlStop, request, cancellationToken).ConfigureAwait(false))
                        return TrialStopOutcome.Requested;
                    continue;
                default:
                    return TrialStopOutcome.AlreadyFinished;
            }
        }
        return TrialStopOutcome.AlreadyFinished;
    }
}
