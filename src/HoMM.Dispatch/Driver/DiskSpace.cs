using System.Data.Common;

namespace HoMM.Dispatch.Driver;

/// <summary>
/// Whether a write failed because the disk (or the user's quota) is full, and the first such
/// failure of this process. Process-wide on purpose: a full disk is the machine's state, not a
/// trial's, and it surfaces wherever a write happens (the study database, a trainer's log, the
/// run log); the driver reads it and stops the study with the failure rather than failing its
/// trials one by one (or hanging on a trainer whose output can no longer be stored).
/// </summary>
public static class DiskSpace
{
    private const int ENoSpc = 28;
    private const int EDQuot = 122;
    private const int SqliteFull = 13;
    private const string PostgresDiskFull = "53100";

    private static string? _problem;

    /// <summary>The first disk-full failure of this process ("writing trainer.log of trial 3: No space left on device"), or null.</summary>
    public static string? Problem => Volatile.Read(ref _problem);

    /// <summary>Whether <paramref name="exception"/> (or one it wraps) says the disk or quota is full.</summary>
    public static bool IsDiskFull(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case IOException io when io.HResult is ENoSpc or EDQuot
                                         || io.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
                                         || io.Message.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase):
                    return true;
                case DbException db when db.SqlState == PostgresDiskFull
                                         || db.ErrorCode == SqliteFull && db.GetType().Name == "SqliteException"
                                         || db.Message.Contains("database or disk is full", StringComparison.OrdinalIgnoreCase):
                    return true;
            }
        }
        return false;
    }

    /// <summary>Records a disk-full failure while doing <paramref name="what"/>; the first one is kept.</summary>
    /// <returns>Whether it was a disk-full failure.</returns>
    public static bool Report(string what, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (!IsDiskFull(exception))
            return false;
        Interlocked.CompareExchange(ref _problem, $"{what}: {Innermost(exception).Message}", null);
        return true;
    }

    /// <summary>Forgets the failure (space was freed; used by tests and a resumed run in the same process).</summary>
    public static void Clear() => Volatile.Write(ref _problem, null);

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e;
    }
}
