using System.Text;
using HoMM.StudyFiles.Files;

namespace HoMM.Cli.Common;

/// <summary>
/// Writes the output file of <c>export -o</c> and <c>report -o</c> (docs/reports.md, "Output files"):
/// a regular file through a temporary one beside it and a rename, so a reader (or a crash) never sees
/// half a file; a symbolic link is written through (the rename lands beside its final target, the link
/// stays); a character device or a FIFO (<c>/dev/stdout</c>, <c>/dev/null</c>, a named pipe) is written
/// in place, since renaming over it would replace the node with a regular file.
/// </summary>
internal static class AtomicFile
{
    /// <exception cref="IOException">The path is a directory, a block device or a socket, or the write failed (disk full).</exception>
    public static void Write(string path, Action<TextWriter> write)
    {
        var target = FinalTarget(Path.GetFullPath(path));
        switch (FileKinds.Of(target))
        {
            case FileKind.Missing or FileKind.Regular:
                WriteByRename(target, write);
                break;
            case FileKind.CharacterDevice or FileKind.Fifo:
                using (var stream = new FileStream(target, FileMode.Open, FileAccess.Write))
                using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
                    write(writer);
                break;
            case var kind:
                throw new IOException($"{target} is {FileKinds.Describe(kind)}; give a file to write (or a character device or FIFO to stream to)");
        }
    }

    /// <summary>Where a chain of symbolic links ends (the path itself when it is not a link; a dangling link's target is created).</summary>
    private static string FinalTarget(string full)
    {
        if (FileKinds.Of(full, followLinks: false) != FileKind.SymbolicLink)
            return full;
        return File.ResolveLinkTarget(full, returnFinalTarget: true) is { } final ? Path.GetFullPath(final.FullName) : full;
    }

    private static void WriteByRename(string full, Action<TextWriter> write)
    {
        if (Path.GetDirectoryName(full) is { Length: > 0 } dir)
            Directory.CreateDirectory(dir);
        // The process id keeps two writers of the same file from sharing a temporary file.
        var temp = $"{full}.{Environment.ProcessId}.tmp";
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
