using System.Text;

namespace HoMM.Dispatch.Protocol;

/// <summary>Why the dispatcher asks a trainer to stop; sent as the <c>reason</c> of the stop line.</summary>
public enum StopReason
{
    /// <summary>The pruner judged the trial unpromising: no need to checkpoint.</summary>
    Pruned,

    /// <summary>The trial ran past its time limit.</summary>
    Timeout,

    /// <summary>The dispatcher is shutting down (Ctrl-C, worker stop): checkpoint, a later attempt resumes.</summary>
    Shutdown,

    /// <summary>A person stopped the trial (dashboard or CLI).</summary>
    User,

    /// <summary>The trainer's output breaks the study's contract (a metrics line without the objective): the trial fails.</summary>
    Protocol,

    /// <summary>
    /// A promoting scheduler (<c>pruner: {mode: promote}</c>) pauses the trial at a rung: checkpoint
    /// and exit; if it is promoted, a later attempt resumes from that checkpoint, on any slot or host.
    /// </summary>
    Paused,
}

/// <summary>Control lines the dispatcher writes on a trainer's stdin.</summary>
public static class ControlCommand
{
    /// <summary>The wire name of a stop reason: <c>pruned</c>, <c>timeout</c>, <c>shutdown</c>, <c>user</c>, <c>protocol</c>, <c>paused</c>.</summary>
    public static string WireName(this StopReason reason) => reason switch
    {
        StopReason.Pruned => "pruned",
        StopReason.Timeout => "timeout",
        StopReason.Shutdown => "shutdown",
        StopReason.User => "user",
        StopReason.Protocol => "protocol",
        StopReason.Paused => "paused",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "unknown stop reason"),
    };

    /// <summary><c>{"cmd":"stop","reason":"pruned"}</c> followed by a newline, in UTF-8.</summary>
    public static byte[] StopLine(StopReason reason) =>
        Encoding.UTF8.GetBytes($"{{\"cmd\":\"stop\",\"reason\":\"{reason.WireName()}\"}}\n");
}
