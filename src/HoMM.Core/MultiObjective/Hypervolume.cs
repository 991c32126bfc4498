namespace HoMM.Core.MultiObjective;

/// <summary>
/// The hypervolume indicator: the volume of loss space dominated by a set of points and bounded
/// by a reference point (every objective minimised; see <see cref="Pareto.ToLoss"/>). Points not
/// strictly better than the reference in every objective add nothing.
/// </summary>
/// <remarks>
/// Two objectives: one sweep after a sort, O(n log n). Three: a sweep along the third over a
/// sorted 2-D staircase, O(n · front). More: slicing along the last objective (Hypervolume by
/// Slicing Objectives), each slab an (m−1)-objective hypervolume: fine for the few points of a
/// four-objective front.
/// </remarks>
public static class Hypervolume
{
    public static double Compute(IReadOnlyList<double[]> losses, ReadOnlySpan<double> reference)
    {
        ArgumentNullException.ThrowIfNull(losses);
        var m = reference.Length;
        if (m == 0)
            throw new ArgumentException("the reference point has no objectives", nameof(reference));
        var inside = new List<double[]>(losses.Count);
        foreach (var p in losses)
        {
            if (p.Length != m)
                throw new ArgumentException($"a point has {p.Length} objectives and the reference {m}", nameof(losses));
            var strictlyBetter = true;
            for (var k = 0; k < m && strictlyBetter; k++)
                strictlyBetter = p[k] < reference[k];
            if (strictlyBetter)
                inside.Add(p);
        }
        return Volume(inside, reference.ToArray(), m);
    }

    /// <summary>
    /// Each point's exclusive contribution: the volume lost when it alone is removed. Zero for a
    /// dominated point or a duplicate.
    /// </summary>
    public static double[] Contributions(IReadOnlyList<double[]> losses, ReadOnlySpan<double> reference)
    {
        ArgumentNullException.ThrowIfNull(losses);
        var total = Compute(losses, reference);
        var result = new double[losses.Count];
        var others = new List<double[]>(losses.Count);
        for (var i = 0; i < losses.Count; i++)
        {
            others.Clear();
            for (var j = 0; j < losses.Count; j++)
            {
                if (j != i)
                    others.Add(losses[j]);
            }
            result[i] = Math.Max(0, total - Compute(others, reference));
        }
        return result;
    }

    /// <summary>
    /// A reference point for a set of losses as Optuna and most papers choose it when none is
    /// given: the worst value of each objective, pushed out by 10 % of its magnitude (and by 1e-12 so a
    /// single point still has volume).
    /// </summary>
    public static double[] NadirReference(IReadOnlyList<double[]> losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        if (losses.Count == 0)
            throw new ArgumentException("no points to take a reference from", nameof(losses));
        var m = losses[0].Length;
        var reference = new double[m];
        Array.Fill(reference, double.NegativeInfinity);
        foreach (var p in losses)
        {
            for (var k = 0; k < m; k++)
                reference[k] = Math.Max(reference[k], p[k]);
        }
        for (var k = 0; k < m; k++)
            reference[k] = reference[k] + Math.Max(Math.Abs(reference[k]) * 0.1, 1e-12);
        return reference;
    }

    private static double Volume(List<double[]> points, double[] reference, int m)
    {
        if (points.Count == 0)
            return 0;
        if (m == 1)
        {
            var best = double.PositiveInfinity;
            foreach (var p in points)
                best = Math.Min(best, p[0]);
            return reference[0] - best;
        }
        if (m == 2)
            return Volume2(points, reference);
        if (m == 3)
            return Volume3(points, reference);

        // Slice along the last objective: between consecutive values the dominated region is the
        // (m−1)-volume of the points at or below the slice, times the slice's height.
        points.Sort((a, b) => a[m - 1].CompareTo(b[m - 1]));
        var volume = 0.0;
        var below = new List<double[]>(points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            below.Add(points[i]);
            var top = i + 1 < points.Count ? points[i + 1][m - 1] : reference[m - 1];
            var height = top - points[i][m - 1];
            if (height <= 0)
                continue;
            volume += Volume(Front(below, m - 1), reference, m - 1) * height;
        }
        return volume;
    }

    /// <summary>The points (first <paramref name="m"/> objectives) that no other dominates there: slices only need those.</summary>
    private static List<double[]> Front(List<double[]> points, int m)
    {
        var projected = new List<double[]>(points.Count);
        foreach (var p in points)
            projected.Add(p.AsSpan(0, m).ToArray());
        if (m == 2)
            return projected; // the 2-D sweep skips dominated points itself
        var front = Pareto.FrontIndices(projected);
        var result = new List<double[]>(front.Length);
        foreach (var i in front)
            result.Add(projected[i]);
        return result;
    }

    /// <summary>
    /// Three objectives: slices along z over a 2-D staircase kept sorted by x (y falling), so each
    /// point costs one insertion and one pass over the staircase: O(n · front) in all.
    /// </summary>
    private static double Volume3(List<double[]> points, double[] reference)
    {
        points.Sort((a, b) => a[2].CompareTo(b[2]));
        var xs = new List<double>();
        var ys = new List<double>();
        var volume = 0.0;
        var area = 0.0;
        for (var i = 0; i < points.Count; i++)
        {
            double x = points[i][0], y = points[i][1];
            var at = xs.BinarySearch(x);
            var pos = at >= 0 ? at : ~at;
            // The staircase member with the largest x ≤ this x has the lowest y among those: if it
            // is no higher, this point adds nothing to any slice above.
            var predecessor = at >= 0 ? at : pos - 1;
            var dominated = predecessor >= 0 && ys[predecessor] <= y;
            if (!dominated)
            {
                var end = pos;
                while (end < xs.Count && ys[end] >= y)
                    end++;
                xs.RemoveRange(pos, end - pos);
                ys.RemoveRange(pos, end - pos);
                xs.Insert(pos, x);
                ys.Insert(pos, y);
                area = 0;
                var ceiling = reference[1];
                for (var k = 0; k < xs.Count; k++)
                {
                    area += (reference[0] - xs[k]) * (ceiling - ys[k]);
                    ceiling = ys[k];
                }
            }
            var top = i + 1 < points.Count ? points[i + 1][2] : reference[2];
            volume += area * (top - points[i][2]);
        }
        return volume;
    }

    private static double Volume2(List<double[]> points, double[] reference)
    {
        var sorted = points.ToArray();
        Array.Sort(sorted, (a, b) =>
        {
            var c = a[0].CompareTo(b[0]);
            return c != 0 ? c : a[1].CompareTo(b[1]);
        });
        var area = 0.0;
        var ceiling = reference[1];
        foreach (var p in sorted)
        {
            if (p[1] >= ceiling)
                continue; // dominated by a point with smaller x and smaller y
            area += (reference[0] - p[0]) * (ceiling - p[1]);
            ceiling = p[1];
        }
        return area;
    }
}
