namespace HoMM.Dashboard.Security;

/// <summary>
/// Resolves a path a request names inside a folder the dashboard may show (a trial's folder),
/// refusing anything that would leave it: "..", absolute paths, and links pointing outside.
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

    private static bool IsUnder(string root, string full)
    {
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal);
    }
}
