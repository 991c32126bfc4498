using System.Runtime.InteropServices;

namespace HoMM.StudyFiles.Files;

/// <summary>What a path names: .NET tells files from folders but not a regular file from a device or a FIFO.</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
}

/// <summary>
/// The file type of a path, from statx(2): its struct has one layout on every Linux architecture
/// (stat(2)'s differs between x86-64 and arm64), and glibc has exported it since 2.28.
/// </summary>
public static partial class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;
    private const int Enoent = 2;
    private const int Enotdir = 20;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, byte[] buffer);

    /// <summary>
    /// The kind of <paramref name="path"/>; symbolic links are followed unless
    /// <paramref name="followLinks"/> is false. A missing path (or a dangling link) is <see cref="FileKind.Missing"/>.
    /// </summary>
    /// <exception cref="IOException">The path cannot be examined (permission, I/O error).</exception>
    public static FileKind Of(string path, bool followLinks = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is Enoent or Enotdir)
                return FileKind.Missing;
            throw new IOException($"cannot examine {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        var mode = BitConverter.ToUInt16(buffer, ModeOffset);
        return (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0x1000 => FileKind.Fifo,
            _ => FileKind.Socket,
        };
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint RealPathNative(string path, nint resolved);

    /// <summary>
    /// The canonical path of an existing <paramref name="path"/>: every symbolic link, "." and ".."
    /// resolved (realpath(3)); null when it does not exist (or a link on the way dangles).
    /// </summary>
    /// <exception cref="IOException">The path cannot be resolved for another reason (permission, a link loop).</exception>
    public static unsafe string? RealPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var resolved = RealPathNative(path, 0);
        if (resolved == 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is Enoent or Enotdir)
                return null;
            throw new IOException($"cannot resolve {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            NativeMemory.Free((void*)resolved); // realpath allocates with malloc
        }
    }

    /// <summary>The kind in words, for messages ("a FIFO", "a character device").</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Fifo => "a FIFO (named pipe)",
        _ => "a socket",
    };
}
