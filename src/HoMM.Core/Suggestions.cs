namespace HoMM.Core;

/// <summary>"Did you mean …?" for misspelt names: the closest candidate by edit distance.</summary>
internal static class Suggestions
{
    /// <summary>The closest candidate, or null when none is plausibly what was meant.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Distance(name.ToUpperInvariant(), c.ToUpperInvariant());
            if (d < bestDistance)
            {
                best = c;
                bestDistance = d;
            }
        }
        // A third of the length (1 to 3 edits) separates typos from different words: "lr" is not "wd".
        var allowed = Math.Clamp(Math.Max(name.Length, best?.Length ?? 0) / 3, 1, 3);
        if (best is not null && bestDistance <= allowed)
            return best;
        // A truncated name ("n_startup" for "n_startup_trials") is no typo but still means one candidate.
        var extensions = name.Length >= 3
            ? candidates.Where(c => c.StartsWith(name, StringComparison.OrdinalIgnoreCase)).Take(2).ToList()
            : [];
        return extensions.Count == 1 ? extensions[0] : null;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
