using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace HoMM.ImageData.Index;

/// <summary>
/// The index cache: one binary file, <c>.homm-image-index</c> inside the image folder, or — when
/// the folder is read-only — <c>&lt;cache dir&gt;/&lt;hash of the folder's path&gt;.idx</c>. It
/// holds the two lists' arrays as they are in memory plus the modification time of every folder
/// scanned; it is used only while every one of those folders still has its recorded time (adding,
/// removing or renaming a file or class changes its folder's time) and the format version and
/// folder path match. Written to a temporary name and renamed, so trials starting together never
/// read half a file; a rewrite by two of them at once just writes the same bytes twice.
/// </summary>
internal static class IndexCache
{
    public const string FileName = ".homm-image-index";
    private const string Magic = "HOMM-IMAGE-INDEX";
    private const int FormatVersion = 1;

    public static string DefaultDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var baseDir = !string.IsNullOrEmpty(xdg) ? xdg : Path.Join(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".cache");
        return Path.Join(baseDir, "homm-search", "image-index");
    }

    public static IEnumerable<string> Candidates(string root, string? cacheDirectory)
    {
        yield return Path.Join(root, FileName);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..24];
        yield return Path.Join(cacheDirectory ?? DefaultDirectory(), hash + ".idx");
    }

    public static ImageFolderIndex? TryRead(string root, string? cacheDirectory)
    {
        foreach (var path in Candidates(root, cacheDirectory))
        {
            try
            {
                if (File.Exists(path) && Read(path, root) is { } index)
                {
                    index.FromCache = true;
                    index.CachePath = path;
                    return index;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or EndOfStreamException or InvalidDataException or ArgumentException or OverflowException)
            {
                // A damaged or foreign cache file is no worse than none: scan.
            }
        }

        return null;
    }

    /// <summary>Writes the cache at the first writable candidate; returns its path, or null when none was writable.</summary>
    public static string? TryWrite(ImageFolderIndex index, string? cacheDirectory)
    {
        foreach (var path in Candidates(index.Root, cacheDirectory))
        {
            var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                    Write(file, index);
                File.Move(temp, path, overwrite: true);
                return path;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                TryDelete(temp);
            }
        }

        return null;
    }

    private static void Write(Stream stream, ImageFolderIndex index)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FormatVersion);
        w.Write(index.Root);
        w.Write(index.Stamps.Count);
        foreach (var s in index.Stamps)
        {
            w.Write(s.Relative);
            w.Write(s.Ticks);
        }

        w.Write(index.Classes.Count);
        foreach (var c in index.Classes)
            w.Write(c);
        foreach (var list in new[] { index.Train, index.Test })
        {
            var data = list.Data;
            w.Write(Path.GetFileName(data.Folder));
            WriteArray(w, data.Names);
            WriteArray(w, data.Offsets);
            WriteArray(w, data.Labels);
        }
    }

    private static ImageFolderIndex? Read(string path, string root)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        if (r.ReadString() != Magic || r.ReadInt32() != FormatVersion || r.ReadString() != root)
            return null;
        var stamps = new DirectoryStamp[r.ReadInt32()];
        for (var i = 0; i < stamps.Length; i++)
        {
            stamps[i] = new DirectoryStamp(r.ReadString(), r.ReadInt64());
            var dir = Path.Join(root, stamps[i].Relative);
            if (!Directory.Exists(dir) || new DirectoryInfo(dir).LastWriteTimeUtc.Ticks != stamps[i].Ticks)
                return null;
        }

        var classes = new string[r.ReadInt32()];
        for (var i = 0; i < classes.Length; i++)
            classes[i] = r.ReadString();
        var lists = new ImageList[2];
        for (var k = 0; k < 2; k++)
        {
            var folder = Path.Join(root, r.ReadString());
            var names = ReadArray<byte>(r);
            var offsets = ReadArray<int>(r);
            var labels = ReadArray<int>(r);
            if (offsets.Length != labels.Length + 1 || offsets[^1] != names.Length)
                throw new InvalidDataException("index cache arrays do not agree");
            lists[k] = new ImageList(new ImageListData(folder, classes, names, offsets, labels));
        }

        return new ImageFolderIndex(root, classes, lists[0], lists[1], stamps);
    }

    private static void WriteArray<T>(BinaryWriter w, T[] values)
        where T : unmanaged
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static T[] ReadArray<T>(BinaryReader r)
        where T : unmanaged
    {
        var length = r.ReadInt32();
        if (length < 0)
            throw new InvalidDataException("negative array length in index cache");
        var values = new T[length];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        r.BaseStream.ReadExactly(bytes);
        return values;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray temporary file is harmless.
        }
    }
}
