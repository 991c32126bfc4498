using System.Text;

namespace HoMM.Cli.Common;

/// <summary>Writes a file through a temporary one beside it and a rename: a reader (or a crash) never sees half a file.</summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<TextWriter> write)
    {
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { Length: > 0 } dir)
            Directory.CreateDirectory(dir);
        var temp = full + ".tmp";
        try
        {
            using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
                write(writer);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
