using System.Globalization;
using HoMM.Storage.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace HoMM.Dispatch.Scheduling;

/// <summary>
/// The right to run one study of a SQLite database: an exclusive open-file-description lock
/// (Linux <c>F_OFD_SETLK</c>) on one byte of the database file itself, at an offset of its own
/// per study. The lock belongs to the file, not to its name: a symlink, a hard link, a bind mount
/// or a relative spelling reaches the same inode and so the same lock, and a second process is
/// refused whatever path it was given. The kernel drops it when the process dies (kill -9
/// included), so a crash never leaves a stale lock.
/// <para>
/// Why this lock: SQLite locks bytes at 1 GiB (its pending, reserved and shared bytes) with
/// process-owned POSIX locks; ours lie far above them, so the two never meet, and an OFD lock is
/// owned by our descriptor, so SQLite opening and closing its own descriptors never drops it (a
/// POSIX lock would be dropped by any close of the file in the process).
/// </para>
/// </summary>
internal sealed class StudyLock : IDisposable
{
    // Far above SQLite's lock bytes (0x40000000 + 0..511), one byte per study.
    private const long Base = 1L << 62;

    private readonly SafeFileHandle _file;

    private StudyLock(SafeFileHandle file) => _file = file;

    /// <summary>Takes study <paramref name="studyId"/>'s lock of the database <paramref name="databasePath"/>.</summary>
    /// <exception cref="DispatchLockedException">Another process runs the study on this database file, by whatever path.</exception>
    public static StudyLock Acquire(string databasePath, long studyId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(studyId);
        var file = File.OpenHandle(databasePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            if (OfdLocks.TryLock(file, Base + studyId, 1, exclusive: true))
                return new StudyLock(file);
            throw new DispatchLockedException(
                $"study {studyId.ToString(CultureInfo.InvariantCulture)} of this database is already being run by another homm-search process " +
                $"(the database file {Path.GetFullPath(databasePath)} is locked for it, whatever path or link the other process used); " +
                "wait for it to end or stop it first");
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose() => _file.Dispose();
}

/// <summary>Another process already dispatches this study from this database.</summary>
public sealed class DispatchLockedException(string message, Exception? innerException = null)
    : InvalidOperationException(message, innerException);
