using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HoMM.Storage.Sqlite;

/// <summary>
/// Open-file-description locks (Linux <c>F_OFD_SETLK</c>, <c>F_OFD_GETLK</c>) on byte ranges of a
/// file. They belong to the open file description, not to the process: SQLite opening and closing
/// its own descriptors of the same file never drops them (it would drop a POSIX lock), two
/// descriptors of one process conflict as two processes do, and the kernel drops them when the
/// descriptor closes, kill -9 included. The one place dispatch's study lock and the store's name
/// lock take them.
/// </summary>
public static partial class OfdLocks
{
    private const int FOfdGetLk = 36;
    private const int FOfdSetLk = 37;
    private const short FRdLck = 0;
    private const short FWrLck = 1;
    private const short FUnLck = 2;
    private const int EAgain = 11;
    private const int EAccess = 13;

    /// <summary>Takes a shared or exclusive lock on <c>[start, start + length)</c> without waiting.</summary>
    /// <returns>False when another open file description holds a conflicting lock.</returns>
    public static bool TryLock(SafeFileHandle file, long start, long length, bool exclusive)
    {
        ArgumentNullException.ThrowIfNull(file);
        var request = new Flock { Type = exclusive ? FWrLck : FRdLck, Start = start, Length = length };
        if (Fcntl(file, FOfdSetLk, ref request, out var errno) == 0)
            return true;
        return errno is EAgain or EAccess ? false : throw Failure("F_OFD_SETLK", errno);
    }

    /// <summary>Whether another open file description holds any lock on <c>[start, start + length)</c>.</summary>
    public static bool IsLockedByOthers(SafeFileHandle file, long start, long length)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (length <= 0)
            return false;
        var probe = new Flock { Type = FWrLck, Start = start, Length = length };
        if (Fcntl(file, FOfdGetLk, ref probe, out var errno) != 0)
            throw Failure("F_OFD_GETLK", errno);
        return probe.Type != FUnLck;
    }

    private static IOException Failure(string command, int errno) =>
        new($"fcntl({command}) failed with errno {errno.ToString(CultureInfo.InvariantCulture)} ({Marshal.GetPInvokeErrorMessage(errno)})");

    private static int Fcntl(SafeFileHandle file, int command, ref Flock lk, out int errno)
    {
        var added = false;
        file.DangerousAddRef(ref added);
        try
        {
            var result = FcntlNative(file.DangerousGetHandle().ToInt32(), command, ref lk);
            errno = result == 0 ? 0 : Marshal.GetLastPInvokeError();
            return result;
        }
        finally
        {
            if (added)
                file.DangerousRelease();
        }
    }

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
    private static partial int FcntlNative(int fd, int command, ref Flock lk);
}
