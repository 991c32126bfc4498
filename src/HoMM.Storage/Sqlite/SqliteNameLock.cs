using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace HoMM.Storage.Sqlite;

/// <summary>
/// One name per SQLite database file among the processes writing it. SQLite names its
/// write-ahead log and shared-memory files after the name the database was opened by, so two
/// processes writing one file through two names — a hard link, a second mount of its folder under
/// another directory — would each keep their own log and damage the database. A writer holds a
/// shared open-file-description lock (Linux <c>F_OFD_SETLK</c>) on one byte of the file chosen by
/// its name (the folder's device and inode, and the file name: a symlink resolves, and a bind mount
/// of the same folder gives the same name) and is refused when another process holds a byte of
/// another name. The bytes lie far above SQLite's own lock bytes (at 1 GiB), and an OFD lock is
/// not dropped when SQLite closes its own descriptors of the file.
/// </summary>
internal sealed partial class SqliteNameLock : IDisposable
{
    private const long Base = 1L << 61;
    private const long Range = 1L << 24;

    private readonly SafeFileHandle _file;

    private SqliteNameLock(SafeFileHandle file) => _file = file;

    /// <summary>Takes the name lock of the existing database file <paramref name="path"/>.</summary>
    /// <exception cref="StoreInUseException">Another process writes the file through another name.</exception>
    public static SqliteNameLock Acquire(string path)
    {
        var real = Resolve(path);
        var dir = System.IO.Path.GetDirectoryName(real) ?? "/";
        var (device, inode) = Identity(dir);
        var slot = Slot(device, inode, System.IO.Path.GetFileName(real));
        var file = File.OpenHandle(real, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            // Shared: every writer through this name holds the same byte.
            if (!OfdLocks.TryLock(file, Base + slot, 1, exclusive: false)
                || OfdLocks.IsLockedByOthers(file, Base, slot) || OfdLocks.IsLockedByOthers(file, Base + slot + 1, Range - slot - 1))
            {
                throw new StoreInUseException(
                    $"SQLite database {real} is being written by another process through another name (a hard link, or its folder mounted elsewhere); " +
                    "SQLite keeps its write-ahead log beside the name, so two names at once would damage the database: use the path the other process uses");
            }
            return new SqliteNameLock(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose() => _file.Dispose();

    /// <summary>The path with every symlink resolved (of the file and of its folder).</summary>
    private static string Resolve(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var target = File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        var dir = System.IO.Path.GetDirectoryName(target);
        var realDir = dir is null ? null : Directory.ResolveLinkTarget(dir, returnFinalTarget: true)?.FullName ?? dir;
        return realDir is null ? target : System.IO.Path.Combine(realDir, System.IO.Path.GetFileName(target));
    }

    private static long Slot(ulong device, ulong inode, string name)
    {
        // FNV-1a: stable across processes and runs (string.GetHashCode is randomised per process).
        var hash = 14695981039346656037UL;
        foreach (var b in BitConverter.GetBytes(device).Concat(BitConverter.GetBytes(inode)).Concat(Encoding.UTF8.GetBytes(name)))
            hash = (hash ^ b) * 1099511628211UL;
        return (long)(hash % (ulong)Range);
    }

    private static unsafe (ulong Device, ulong Inode) Identity(string path)
    {
        // struct stat begins with st_dev and st_ino (8 bytes each) on every 64-bit Linux; the rest is not read.
        var buffer = stackalloc ulong[64];
        if (Stat(path, buffer) != 0)
            throw new IOException($"cannot stat {path}: errno {Marshal.GetLastPInvokeError().ToString(CultureInfo.InvariantCulture)}");
        return (buffer[0], buffer[1]);
    }

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Stat(string path, ulong* buffer);
}
