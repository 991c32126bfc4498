using HoMM.StudyFiles.Files;

namespace HoMM.Dashboard.Security;

/// <summary>
/// The one rule for every file of a trial's folder the dashboard reads (its log, its files, its
/// listing): the folder must be the real folder the dispatcher created, not a link put in its place,
/// and a file is read only when its real path — of the file actually opened — lies inside that
/// folder's real path. A trainer can replace <c>trainer.log</c> or its whole folder with a link to
/// any file the dashboard's user may read (<c>homm.db</c>, ~/.ssh); names and links are checked, and
/// the opened handle again, so swapping a link in between the check and the open gains nothing.
/// </summary>
internal static class SafePath
{
    /// <summary>The full path of <paramref name="relative"/> under <paramref name="folder"/>, or null
    /// (with the reason) when it would leave the folder.</summary>
    public static string? Resolve(string folder, string relative, out string? refusal)
    {
        refusal = null;
        if (string.IsNullOrEmpty(relative) || relative.Contains('\0', StringComparison.Ordinal))
        {
            refusal = "no file named";
            return null;
        }
        var parts = relative.Replace('\\', '/').Split('/');
        if (Path.IsPathRooted(relative) || parts.Any(p => p is ".." or "." || p.Length == 0))
        {
            refusal = $"'{relative}' is not a plain path inside the trial's folder (no '..', no absolute paths)";
            return null;
        }
        var root = Path.GetFullPath(folder);
        var full = Path.GetFullPath(Path.Combine(root, Path.Combine(parts)));
        if (!IsUnder(root, full))
        {
            refusal = $"'{relative}' leads outside the trial's folder";
            return null;
        }
        // A link inside the folder may still point anywhere: follow every link on the way.
        var current = root;
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                if (target is null || !IsUnder(root, Path.GetFullPath(target)))
                {
                    refusal = $"'{relative}' is a link leading outside the trial's folder";
                    return null;
                }
            }
        }
        return full;
    }

    /// <summary>
    /// The real path of a trial's folder, or null: missing (<paramref name="refusal"/> null), or
    /// refused because the folder itself is a link (its real path is not its parent's real path
    /// plus its own name). The folders above it may be links (runs/ on another disk); the trial's
    /// folder is created by the dispatcher and never is one.
    /// </summary>
    public static string? RealFolder(string folder, out string? refusal)
    {
        refusal = null;
        var full = Path.GetFullPath(folder);
        if (FileKinds.RealPath(full) is not { } real)
            return null;
        var parent = Path.GetDirectoryName(full);
        var expected = parent is null ? full : Path.Combine(FileKinds.RealPath(parent) ?? parent, Path.GetFileName(full));
        if (!string.Equals(real, expected, StringComparison.Ordinal) || !Directory.Exists(real))
        {
            refusal = $"the trial's folder {full} is a link to {real}, not the folder the dispatcher created: its files are not shown";
            return null;
        }
        return real;
    }

    /// <summary>
    /// Opens <paramref name="relative"/> of <paramref name="folder"/> to read, or returns null: with
    /// <paramref name="refusal"/> null when there is no such file, else with the reason it is refused
    /// (outside the folder, a link leading out, not a regular file).
    /// </summary>
    public static FileStream? OpenRead(string folder, string relative, out string? refusal)
    {
        if (RealFolder(folder, out refusal) is not { } root)
            return null;
        if (Resolve(folder, relative, out refusal) is not { } full)
            return null;
        var kind = FileKinds.Of(full);
        if (kind == FileKind.Missing)
            return null;
        if (kind != FileKind.Regular)
        {
            // A FIFO would block the request forever; a device is never a trial's output.
            refusal = $"'{relative}' is {FileKinds.Describe(kind)}, not a regular file";
            return null;
        }
        FileStream stream;
        try
        {
            stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        // What was opened, not what the name meant a moment ago: the kernel's path of the handle.
        var opened = FileKinds.RealPath("/proc/self/fd/" + stream.SafeFileHandle.DangerousGetHandle().ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (opened is null || !IsUnder(root, opened) || FileKinds.Of(opened) != FileKind.Regular)
        {
            stream.Dispose();
            refusal = $"'{relative}' leads outside the trial's folder";
            return null;
        }
        return stream;
    }

    private static bool IsUnder(string root, string full)
    {
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal);
    }
}
