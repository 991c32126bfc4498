using FsCheck.Xunit;
using HoMM.Core.MultiObjective;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.MultiObjective;

/// <summary>
/// Non-dominated sorting, crowding distance and hypervolume against brute-force definitions on
/// random point sets. Coordinates are drawn from a small grid for sorting and hypervolume, so ties
/// and duplicates (the cases fast algorithms get wrong) are common.
/// </summary>
public class ParetoPropertyTests
{
    private static List<double[]> Points(int seed, int dims, bool onGrid)
    {
        var random = new Random(seed);
        var n = random.Next(0, 40);
        var points = new List<double[]>(n);
        for (var i = 0; i < n; i++)
        {
            var p = new double[dims];
            for (var k = 0; k < dims; k++)
                p[k] = onGrid ? random.Next(0, 8) : random.NextDouble() * 10 - 5;
            points.Add(p);
        }
        return points;
    }

    /// <summary>Peeling: the front of what is left, again and again; a point's rank is the round it leaves in.</summary>
    private static int[] RanksByPeeling(List<double[]> points)
    {
        var ranks = Enumerable.Repeat(-1, points.Count).ToArray();
        for (var round = 0; ranks.Contains(-1); round++)
        {
            var left = Enumerable.Range(0, points.Count).Where(i => ranks[i] < 0).ToList();
            var front = left.Where(i => !left.Any(j => BruteDominates(points[j], points[i]))).ToList();
            foreach (var i in front)
                ranks[i] = round;
        }
        return ranks;
    }

    private static bool BruteDominates(double[] a, double[] b) =>
        a.Zip(b).All(x => x.First <= x.Second) && a.Zip(b).Any(x => x.First < x.Second);

    /// <summary>Exact volume by cells: the grid every coordinate and the reference cut space into; a cell counts when a point dominates its lower corner.</summary>
    private static double HypervolumeByCells(List<double[]> points, double[] reference)
    {
        var m = reference.Length;
        var inside = points.Where(p => p.Zip(reference).All(x => x.First < x.Second)).ToList();
        var cuts = Enumerable.Range(0, m)
            .Select(k => inside.Select(p => p[k]).Append(reference[k]).Distinct().Order().ToArray())
            .ToArray();
        var volume = 0.0;
        var index = new int[m];
        while (true)
        {
            var corner = new double[m];
            var cell = 1.0;
            var valid = true;
            for (var k = 0; k < m; k++)
            {
                if (index[k] >= cuts[k].Length - 1)
                {
                    valid = false;
                    break;
                }
                corner[k] = cuts[k][index[k]];
                cell *= cuts[k][index[k] + 1] - cuts[k][index[k]];
            }
            if (valid && inside.Any(p => p.Zip(corner).All(x => x.First <= x.Second)))
                volume += cell;
            var d = 0;
            while (d < m && ++index[d] >= Math.Max(cuts[d].Length - 1, 1))
                index[d++] = 0;
            if (d == m)
                return volume;
        }
    }

    [Property(MaxTest = 200)]
    public bool Ranks_RandomPoints_EqualPeeling(int seed)
    {
        var dims = 2 + Math.Abs(seed % 3);
        var points = Points(seed, dims, onGrid: true);
        return Pareto.Ranks(points).SequenceEqual(RanksByPeeling(points));
    }

    [Property(MaxTest = 200)]
    public bool FrontIndices_RandomPoints_AreRankZero(int seed)
    {
        var points = Points(seed, 2 + Math.Abs(seed % 2), onGrid: true);
        var ranks = RanksByPeeling(points);
        return Pareto.FrontIndices(points).SequenceEqual(Enumerable.Range(0, points.Count).Where(i => ranks[i] == 0));
    }

    [Property(MaxTest = 200)]
    public bool CrowdingDistance_DistinctValues_EqualsNeighbourGapsOverSpread(int seed)
    {
        var points = Points(seed, 2 + Math.Abs(seed % 2), onGrid: false);
        var actual = Pareto.CrowdingDistance(points);
        for (var i = 0; i < points.Count; i++)
        {
            double expected = 0;
            if (points.Count <= 2)
            {
                expected = double.PositiveInfinity;
            }
            else
            {
                for (var k = 0; k < points[i].Length; k++)
                {
                    var v = points[i][k];
                    var lower = points.Select(p => p[k]).Where(x => x < v).DefaultIfEmpty(double.NaN).Max();
                    var upper = points.Select(p => p[k]).Where(x => x > v).DefaultIfEmpty(double.NaN).Min();
                    if (double.IsNaN(lower) || double.IsNaN(upper))
                        expected = double.PositiveInfinity;
                    else
                        expected += (upper - lower) / (points.Max(p => p[k]) - points.Min(p => p[k]));
                }
            }
            if (!(double.IsPositiveInfinity(expected) ? double.IsPositiveInfinity(actual[i]) : Math.Abs(expected - actual[i]) < 1e-9))
                return false;
        }
        return true;
    }

    [Property(MaxTest = 150)]
    public bool Hypervolume2D_RandomPoints_EqualsCellCount(int seed)
    {
        var points = Points(seed, 2, onGrid: true);
        double[] reference = [7, 6.5];
        return Math.Abs(Hypervolume.Compute(points, reference) - HypervolumeByCells(points, reference)) < 1e-9;
    }

    [Property(MaxTest = 150)]
    public bool Hypervolume3D_RandomPoints_EqualsCellCount(int seed)
    {
        var points = Points(seed, 3, onGrid: true);
        double[] reference = [7, 6.5, 8];
        return Math.Abs(Hypervolume.Compute(points, reference) - HypervolumeByCells(points, reference)) < 1e-9;
    }

    [Property(MaxTest = 50)]
    public bool Hypervolume4D_RandomPoints_EqualsCellCount(int seed)
    {
        var points = Points(seed, 4, onGrid: true).Take(12).ToList();
        double[] reference = [7, 6.5, 8, 7.5];
        return Math.Abs(Hypervolume.Compute(points, reference) - HypervolumeByCells(points, reference)) < 1e-9;
    }

    [Property(MaxTest = 100)]
    public bool Contributions_RandomPoints_AreVolumeLostWithoutThePoint(int seed)
    {
        var points = Points(seed, 2 + Math.Abs(seed % 2), onGrid: true).Take(15).ToList();
        var reference = Enumerable.Repeat(8.0, points.FirstOrDefault()?.Length ?? 2).ToArray();
        var contributions = Hypervolume.Contributions(points, reference);
        var total = HypervolumeByCells(points, reference);
        return contributions.Select((c, i) =>
                Math.Abs(c - (total - HypervolumeByCells(points.Where((_, j) => j != i).ToList(), reference))) < 1e-9)
            .All(ok => ok);
    }

    [Fact]
    public void Hypervolume_PointOnTheReferenceBoundary_AddsNothing()
    {
        Assert.Equal(0, Hypervolume.Compute([[1, 2]], [1, 3]));
        Assert.Equal(3, Hypervolume.Compute([[1, 2], [0, 3]], [2, 4]));
    }

    [Fact]
    public void ToLoss_MaximisedObjective_IsNegated()
    {
        Assert.Equal([0.9, -120], Pareto.ToLoss([0.9, 120], [StudyDirection.Minimize, StudyDirection.Maximize]));
        var error = Assert.Throws<ArgumentException>(() => Pareto.ToLoss([1], [StudyDirection.Minimize, StudyDirection.Minimize]));
        Assert.Contains("1 values for 2 objectives", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hypervolume3D_ThousandPointDtlz2Front_ApproachesCubeMinusBallOctant()
    {
        var random = new Random(3);
        var front = Enumerable.Range(0, 1000).Select(_ =>
        {
            var v = new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() };
            var norm = Math.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm).ToArray();
        }).ToList();
        // Its speed is measured by benchmarks/samplers --multi, never timed here.
        var volume = Hypervolume.Compute(front, [1.1, 1.1, 1.1]);
        // The cube minus the positive octant of the unit ball is what a dense DTLZ2 front approaches.
        Assert.InRange(volume, 1.331 - Math.PI / 6 - 0.05, 1.331 - Math.PI / 6 + 0.001);
    }
}
