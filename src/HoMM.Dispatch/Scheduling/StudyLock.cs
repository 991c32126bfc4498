using System.Globalization;
using System.Runtime.InteropServices;
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
internal sealed partial class StudyLock : IDisposable
{
    // Far above SQLite's lock bytes (0x40000000 + 0..511), one byte per study.
    private const long Base = 1L << 62;
    private const int FOfdSetLk = 37;
    private const short FWrLck = 1;
    private const short SeekSet = 0;
    private const int EAgain = 11;
    private const int EAccess = 13;

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
            var request = new Flock { Type = FWrLck, Whence = SeekSet, Start = Base + studyId, Length = 1 };
            var added = false;
            file.DangerousAddRef(ref added);
            int result, errno;
            try
            {
                result = Fcntl(file.DangerousGetHandle().ToInt32(), FOfdSetLk, ref request);
                errno = Marshal.GetLastPInvokeError();
            }
            finally
            {
                if (added)
                    file.DangerousRelease();
            }
            if (result == 0)
                return new StudyLock(file);
            var path = Path.GetFullPath(databasePath);
            var study = studyId.ToString(CultureInfo.InvariantCulture);
            if (errno is EAgain or EAccess)
            {
                throw new DispatchLockedException(
                    $"study {study} of this database is already being run by another homm-search process " +
                    $"(the database file {path} is locked for it, whatever path or link the other process used); " +
                    "wait for it to end or stop it first");
            }
            throw new IOException(
                $"cannot lock study {study} in {path}: fcntl(F_OFD_SETLK) failed with errno {errno.ToString(CultureInfo.InvariantCulture)} ({Marshal.GetPInvokeErrorMessage(errno)})");
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose() => _file.Dispose();

    // glibc's struct flock on 64-bit Linux: two shorts, then off_t start and length, then pid.
    [StructLayout(LayoutKind.Sequential)]
    private struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, ref Flock lk);
}

/// <summary>Another process already dispatches this study from this database.</summary>
public sealed class DispatchLockedException(string message, Exception? innerException = null)
    : InvalidOperationException(message, innerException);
