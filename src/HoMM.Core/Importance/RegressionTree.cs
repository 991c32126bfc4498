using HoMM.Core.Numerics;

namespace HoMM.Core.Importance;

/// <summary>
/// A CART regression tree (squared-error splits) over numeric features (threshold splits) and
/// categorical ones (subset splits: categories ordered by their mean, the best prefix goes
/// left, which is optimal for squared error).
/// </summary>
internal sealed class RegressionTree
{
    private readonly List<Node> _nodes = [];
    private readonly double[][] _x;
    private readonly double[] _y;
    private readonly IReadOnlyList<ImportanceFeature> _features;
    private readonly int _maxDepth;
    private readonly int _minLeaf;

    private RegressionTree(double[][] x, double[] y, IReadOnlyList<ImportanceFeature> features, int maxDepth, int minLeaf)
    {
        _x = x;
        _y = y;
        _features = features;
        _maxDepth = maxDepth;
        _minLeaf = minLeaf;
    }

    /// <summary>Grows a tree on the rows <paramref name="sample"/> of (x, y) (a bootstrap sample; repeats allowed).</summary>
    public static RegressionTree Grow(double[][] x, double[] y, int[] sample, IReadOnlyList<ImportanceFeature> features, int maxDepth, int minLeaf)
    {
        var tree = new RegressionTree(x, y, features, maxDepth, minLeaf);
        tree.Split(sample, 0);
        return tree;
    }

    /// <summary>The leaves with their regions: per feature an interval [Low, High) or a category mask.</summary>
    public List<Leaf> Leaves()
    {
        var leaves = new List<Leaf>();
        var d = _features.Count;
        var low = Enumerable.Repeat(double.NegativeInfinity, d).ToArray();
        var high = Enumerable.Repeat(double.PositiveInfinity, d).ToArray();
        var masks = _features.Select(f => f.IsCategorical ? (f.Categories == 64 ? ulong.MaxValue : (1UL << f.Categories) - 1) : 0UL).ToArray();
        Walk(0, low, high, masks, leaves);
        return leaves;
    }

    /// <summary>Thresholds used on numeric feature <paramref name="feature"/>, sorted and distinct.</summary>
    public double[] Thresholds(int feature) =>
        _nodes.Where(n => n.Feature == feature).Select(n => n.Threshold).Distinct().Order().ToArray();

    private void Walk(int node, double[] low, double[] high, ulong[] masks, List<Leaf> leaves)
    {
        var n = _nodes[node];
        if (n.Feature < 0)
        {
            leaves.Add(new Leaf((double[])low.Clone(), (double[])high.Clone(), (ulong[])masks.Clone(), n.Value));
            return;
        }
        var f = n.Feature;
        if (_features[f].IsCategorical)
        {
            var saved = masks[f];
            masks[f] = saved & n.LeftMask;
            Walk(n.Left, low, high, masks, leaves);
            masks[f] = saved & ~n.LeftMask;
            Walk(n.Right, low, high, masks, leaves);
            masks[f] = saved;
        }
        else
        {
            var savedHigh = high[f];
            high[f] = Math.Min(savedHigh, n.Threshold);
            Walk(n.Left, low, high, masks, leaves);
            high[f] = savedHigh;
            var savedLow = low[f];
            low[f] = Math.Max(savedLow, n.Threshold);
            Walk(n.Right, low, high, masks, leaves);
            low[f] = savedLow;
        }
    }

    private int Split(int[] rows, int depth)
    {
        var index = _nodes.Count;
        double sum = 0, sumSq = 0;
        foreach (var r in rows)
        {
            sum += _y[r];
            sumSq += _y[r] * _y[r];
        }
        var mean = sum / rows.Length;
        _nodes.Add(new Node { Feature = -1, Value = mean });
        var sse = sumSq - sum * sum / rows.Length;
        if (depth >= _maxDepth || rows.Length < 2 * _minLeaf || sse <= 1e-12 * Math.Max(1, sumSq))
            return index;

        // Maximising Σ_side (Σy)²/count is minimising the children's squared error.
        var bestGain = sum * sum / rows.Length + 1e-12 * Math.Max(1, Math.Abs(sumSq));
        var bestFeature = -1;
        var bestThreshold = 0.0;
        var bestMask = 0UL;
        for (var f = 0; f < _features.Count; f++)
        {
            if (_features[f].IsCategorical)
            {
                if (BestCategoricalSplit(rows, f, out var mask, out var gain) && gain > bestGain)
                    (bestGain, bestFeature, bestMask) = (gain, f, mask);
            }
            else if (BestNumericSplit(rows, f, out var threshold, out var gain) && gain > bestGain)
            {
                (bestGain, bestFeature, bestThreshold) = (gain, f, threshold);
            }
        }
        if (bestFeature < 0)
            return index;

        var categorical = _features[bestFeature].IsCategorical;
        bool GoesLeft(int r) => categorical
            ? (bestMask & (1UL << (int)_x[r][bestFeature])) != 0
            : _x[r][bestFeature] < bestThreshold;
        var left = rows.Where(GoesLeft).ToArray();
        var right = rows.Where(r => !GoesLeft(r)).ToArray();
        var leftIndex = Split(left, depth + 1);
        var rightIndex = Split(right, depth + 1);
        _nodes[index] = new Node
        {
            Feature = bestFeature,
            Threshold = bestThreshold,
            LeftMask = bestMask,
            Left = leftIndex,
            Right = rightIndex,
            Value = mean,
        };
        return index;
    }

    private bool BestNumericSplit(int[] rows, int f, out double threshold, out double gain)
    {
        threshold = 0;
        gain = double.NegativeInfinity;
        var sorted = (int[])rows.Clone();
        var keys = sorted.Select(r => _x[r][f]).ToArray();
        Array.Sort(keys, sorted);
        if (keys[0] == keys[^1])
            return false;
        double total = 0;
        foreach (var r in sorted)
            total += _y[r];
        double leftSum = 0;
        for (var i = 0; i < sorted.Length - 1; i++)
        {
            leftSum += _y[sorted[i]];
            var nLeft = i + 1;
            var nRight = sorted.Length - nLeft;
            if (keys[i] == keys[i + 1] || nLeft < _minLeaf || nRight < _minLeaf)
                continue;
            var rightSum = total - leftSum;
            var g = leftSum * leftSum / nLeft + rightSum * rightSum / nRight;
            if (g > gain)
            {
                gain = g;
                threshold = 0.5 * (keys[i] + keys[i + 1]);
            }
        }
        return gain > double.NegativeInfinity;
    }

    private bool BestCategoricalSplit(int[] rows, int f, out ulong mask, out double gain)
    {
        mask = 0;
        gain = double.NegativeInfinity;
        var k = _features[f].Categories;
        var count = new int[k];
        var sums = new double[k];
        foreach (var r in rows)
        {
            var c = (int)_x[r][f];
            count[c]++;
            sums[c] += _y[r];
        }
        var present = Enumerable.Range(0, k).Where(c => count[c] > 0).OrderBy(c => sums[c] / count[c]).ThenBy(c => c).ToArray();
        if (present.Length < 2)
            return false;
        double total = sums.Sum(), leftSum = 0;
        int nLeft = 0;
        var bestPrefix = -1;
        for (var i = 0; i < present.Length - 1; i++)
        {
            leftSum += sums[present[i]];
            nLeft += count[present[i]];
            var nRight = rows.Length - nLeft;
            if (nLeft < _minLeaf || nRight < _minLeaf)
                continue;
            var rightSum = total - leftSum;
            var g = leftSum * leftSum / nLeft + rightSum * rightSum / nRight;
            if (g > gain)
            {
                gain = g;
                bestPrefix = i;
            }
        }
        if (bestPrefix < 0)
            return false;
        for (var i = 0; i <= bestPrefix; i++)
            mask |= 1UL << present[i];
        // Categories absent from this node follow the larger side, so the region split still
        // covers every category of the measure.
        var leftCount = present.Take(bestPrefix + 1).Sum(c => count[c]);
        if (leftCount * 2 > rows.Length)
        {
            for (var c = 0; c < k; c++)
            {
                if (count[c] == 0)
                    mask |= 1UL << c;
            }
        }
        return true;
    }

    private struct Node
    {
        public int Feature;
        public double Threshold;
        public ulong LeftMask;
        public int Left;
        public int Right;
        public double Value;
    }

    internal sealed record Leaf(double[] Low, double[] High, ulong[] Masks, double Value);

    /// <summary>A bootstrap sample: <paramref name="size"/> row indices drawn with replacement from n.</summary>
    public static int[] Bootstrap(int n, int size, Rng rng)
    {
        var rows = new int[size];
        for (var i = 0; i < size; i++)
            rows[i] = rng.NextInt(n);
        return rows;
    }
}
