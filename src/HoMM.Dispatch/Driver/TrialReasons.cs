namespace HoMM.Dispatch.Driver;

/// <summary>Fail reasons the driver itself gives a trial (the trainer's are <see cref="AttemptReasons"/>).</summary>
internal static class TrialReasons
{
    /// <summary>The beginning of the reason of a Waiting trial the driver refused to start (it breaks the study's rules).</summary>
    public const string RefusedPrefix = "refused before it ran: ";

    public static string Refused(string why) => RefusedPrefix + why;

    public static bool IsRefused(string? reason) => reason is not null && reason.StartsWith(RefusedPrefix, StringComparison.Ordinal);
}
