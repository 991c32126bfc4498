namespace HoMM.Dispatch.Driver;

/// <summary>
/// The reasons written to attempt records. Retries are decided from them after a restart, so the
/// prefixes are part of the database format: an attempt counts as a crash when its reason starts
/// with <see cref="Crashed"/> or <see cref="Killed"/> (the classifier's words for a non-zero exit
/// or a fatal signal).
/// </summary>
internal static class AttemptReasons
{
    public const string Completed = "completed";
    public const string Crashed = "crashed";
    public const string Killed = "killed (";
    public const string Interrupted = "interrupted";

    /// <summary>An attempt that paused its trial at a rung (pruner mode: promote): not a crash, not a retry.</summary>
    public const string Paused = "paused";

    /// <summary>An attempt whose dispatcher died while it ran; found open by the next dispatcher.</summary>
    public const string Lost = "lost: the dispatcher stopped (killed or crashed) while this attempt ran; its trainer was cleaned up before the next attempt";

    /// <summary>The start of an attempt that ran out of GPU memory beside other trials and was retried with fewer (not a crash).</summary>
    public const string OutOfMemoryRetry = "out of GPU memory beside other trials";

    public static bool IsOutOfMemoryRetry(string? reason) => reason is not null && reason.StartsWith(OutOfMemoryRetry, StringComparison.Ordinal);

    public static bool IsCrash(string? reason) =>
        reason is not null && (reason.StartsWith(Crashed, StringComparison.Ordinal) || reason.StartsWith(Killed, StringComparison.Ordinal));
}
