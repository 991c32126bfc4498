using HoMM.Core.Trials;

namespace HoMM.Core.MultiObjective;

/// <summary>
/// Pareto dominance, non-dominated sorting and crowding distance over objective vectors. Every
/// method works on "losses": vectors in which each objective is minimised (<see cref="ToLoss"/>
/// turns a trial's values into one), so directions are handled in exactly one place.
/// </summary>
public static class Pareto
{
    /// <summary>
    /// The trial's values as losses: maximised objectives negated. NaN stays NaN (such a vector
    /// takes part in nothing: callers filter with <see cref="IsRankable"/>).
    /// </summary>
    public static double[] ToLoss(IReadOnlyList<double> values, IReadOnlyList<StudyDirection> directions)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(directions);
        if (values.Count != directions.Count)
            throw new ArgumentException($"{values.Count} values for {directions.Count} objectives; a trial has one value per objective", nameof(values));
        var loss = new double[values.Count];
        for (var i = 0; i < loss.Length; i++)
            loss[i] = directions[i] == StudyDirection.Minimize ? values[i] : -values[i];
        return loss;
    }

    /// <summary>True when every value is finite: NaN and ±∞ never rank (as for one objective in <see cref="BestTrialRule"/>).</summary>
    public static bool IsRankable(IReadOnlyList<double>? values)
    {
        if (values is null || values.Count == 0)
            return false;
        foreach (var v in values)
        {
            if (!double.IsFinite(v))
                return false;
        }
        return true;
    }

    /// <summary>True when <paramref name="a"/> is no worse than <paramref name="b"/> in every objective and better in one.</summary>
    public static bool Dominates(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"vectors of {a.Length} and {b.Length} objectives cannot be compared");
        var better = false;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] > b[i])
                return false;
            if (a[i] < b[i])
                better = true;
        }
        return better;
    }

    /// <summary>
    /// Non-dominated sorting (Deb et al. 2002): rank 0 is the Pareto front, rank 1 the front of the
    /// rest, and so on. Equal vectors share a rank. O(m·n²) comparisons, which is a few
    /// milliseconds at thousands of points.
    /// </summary>
    public static int[] Ranks(IReadOnlyList<double[]> losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        var n = losses.Count;
        var ranks = new int[n];
        if (n == 0)
            return ranks;
        var dominatedBy = new int[n];           // how many points dominate i
        var dominates = new List<int>?[n];      // whom i dominates
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                if (Dominates(losses[i], losses[j]))
                {
                    (dominates[i] ??= []).Add(j);
                    dominatedBy[j]++;
                }
                else if (Dominates(losses[j], losses[i]))
                {
                    (dominates[j] ??= []).Add(i);
                    dominatedBy[i]++;
                }
            }
        }
        var current = new List<int>();
        for (var i = 0; i < n; i++)
        {
            if (dominatedBy[i] == 0)
                current.Add(i);
        }
        var rank = 0;
        while (current.Count > 0)
        {
            var next = new List<int>();
            foreach (var i in current)
            {
                ranks[i] = rank;
                if (dominates[i] is not { } list)
                    continue;
                foreach (var j in list)
                {
                    if (--dominatedBy[j] == 0)
                        next.Add(j);
                }
            }
            current = next;
            rank++;
        }
        return ranks;
    }

    /// <summary>Indices of the non-dominated points (rank 0), in input order.</summary>
    public static int[] FrontIndices(IReadOnlyList<double[]> losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        var front = new List<int>();
        for (var i = 0; i < losses.Count; i++)
        {
            var dominated = false;
            for (var j = 0; j < losses.Count && !dominated; j++)
                dominated = j != i && Dominates(losses[j], losses[i]);
            if (!dominated)
                front.Add(i);
        }
        return [.. front];
    }

    /// <summary>
    /// Crowding distance of each point of one front (Deb et al. 2002): per objective, the gap
    /// between a point's two neighbours divided by the objective's spread, summed; each
    /// objective's extreme points get +∞ so selection keeps the ends of the front. Ties in an
    /// objective are ordered by index, so the result does not depend on a sort's stability.
    /// </summary>
    public static double[] CrowdingDistance(IReadOnlyList<double[]> front)
    {
        ArgumentNullException.ThrowIfNull(front);
        var n = front.Count;
        var distance = new double[n];
        if (n == 0)
            return distance;
        if (n <= 2)
        {
            Array.Fill(distance, double.PositiveInfinity);
            return distance;
        }
        var m = front[0].Length;
        var order = new int[n];
        for (var k = 0; k < m; k++)
        {
            for (var i = 0; i < n; i++)
                order[i] = i;
            Array.Sort(order, (a, b) =>
            {
                var c = front[a][k].CompareTo(front[b][k]);
                return c != 0 ? c : a.CompareTo(b);
            });
            var low = front[order[0]][k];
            var high = front[order[n - 1]][k];
            distance[order[0]] = double.PositiveInfinity;
            distance[order[n - 1]] = double.PositiveInfinity;
            var spread = high - low;
            if (!(spread > 0))
                continue;
            for (var i = 1; i < n - 1; i++)
                distance[order[i]] += (front[order[i + 1]][k] - front[order[i - 1]][k]) / spread;
        }
        return distance;
    }
}
