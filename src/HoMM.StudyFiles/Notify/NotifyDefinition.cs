namespace HoMM.StudyFiles.Notify;

/// <summary>What a study tells its owner about (<c>notify.on</c>).</summary>
public enum NotifyEvent
{
    /// <summary>A trial completed with a better objective value than every earlier one.</summary>
    NewBest,

    /// <summary>A trial failed (crash, timeout, NaN loss, no objective...).</summary>
    TrialFailed,

    /// <summary>Nothing has run for <see cref="NotifyDefinition.StuckAfter"/> while the budget remains (and the study is not paused).</summary>
    Stuck,

    /// <summary>The run ended: budget spent, stopped, or too many failures.</summary>
    End,
}

/// <summary>
/// The study file's <c>notify:</c> section: events go, as one JSON object each, to a
/// <see cref="Command"/> (on its stdin) and/or a <see cref="Webhook"/> (an HTTP POST). Delivery
/// never holds the run: each attempt is bounded by <see cref="Timeout"/>, a failed one is retried
/// <see cref="Retries"/> times with doubling waits, and at the end of the run undelivered events
/// are given at most <see cref="Timeout"/> more. docs/study-file.md documents the JSON.
/// </summary>
public sealed record NotifyDefinition(IReadOnlyList<string>? Command, Uri? Webhook, IReadOnlySet<NotifyEvent> Events)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public const int DefaultRetries = 3;
    public static readonly TimeSpan DefaultStuckAfter = TimeSpan.FromMinutes(10);

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public int Retries { get; init; } = DefaultRetries;

    public TimeSpan StuckAfter { get; init; } = DefaultStuckAfter;

    /// <summary>The event's name in the study file and in the JSON (<c>new_best</c>, <c>trial_failed</c>, <c>stuck</c>, <c>end</c>).</summary>
    public static string NameOf(NotifyEvent e) => e switch
    {
        NotifyEvent.NewBest => "new_best",
        NotifyEvent.TrialFailed => "trial_failed",
        NotifyEvent.Stuck => "stuck",
        _ => "end",
    };

    public static IReadOnlyList<NotifyEvent> All { get; } = [NotifyEvent.NewBest, NotifyEvent.TrialFailed, NotifyEvent.Stuck, NotifyEvent.End];
}
