namespace HoMM.Core.Constraints;

/// <summary>"Did you mean …?" for misspelt names: the closest candidate by edit distance.</summary>
public static class NameSuggestion
{
    /// <summary>
    /// The candidate closest to <paramref name="name"/> (case-insensitive Damerau–Levenshtein, so
    /// a swapped pair of letters costs one), or null when none is close enough to be a likely typo.
    /// </summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Distance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        // A third of the length (at least 1, at most 3) tells typos from different words:
        // "order_expnd" → "order_expand", but "lr" is not suggested for "wd".
        var allowed = Math.Clamp(Math.Max(name.Length, best?.Length ?? 0) / 3, 1, 3);
        if (best is not null && bestDistance <= allowed)
            return best;
        // A shortened name ("n_startup" for "n_startup_trials", "mnist" for "fashion-mnist") is far
        // by edit distance but unambiguous when only one candidate contains it.
        if (name.Length < 4)
            return null;
        var containing = candidates.Where(c => c.Contains(name, StringComparison.OrdinalIgnoreCase)).ToList();
        return containing.Count == 1 ? containing[0] : null;
    }

    /// <summary>Optimal-string-alignment distance: insertions, deletions, substitutions, adjacent swaps.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
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
                var v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    v = Math.Min(v, d[i - 2, j - 2] + 1);
                d[i, j] = v;
            }
        }
        return d[a.Length, b.Length];
    }
}
