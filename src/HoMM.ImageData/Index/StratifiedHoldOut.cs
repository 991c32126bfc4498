using HoMM.ImageData.Randomness;

namespace HoMM.ImageData.Index;

/// <summary>
/// The validation hold-out rule of every data set (an image folder's <see cref="ImageList"/>,
/// homm-train's Fashion-MNIST IDX files): <c>count</c> examples held out, stratified — each class
/// gives its share (largest remainders, ties to the lower label), chosen within the class by a
/// permutation drawn from (seed, label) alone. The split depends only on the labels, in order,
/// and the seed: the same for every trial of a study and after every resume, and the same images
/// whether a data set is read from IDX files or from its exported folder.
/// </summary>
public static class StratifiedHoldOut
{
    /// <summary>The positions (ascending) of the examples to train on and of the held-out ones.</summary>
    /// <param name="labels">The label of each example, in [0, <paramref name="classes"/>).</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="count">How many to hold out: at least 0 and fewer than the examples.</param>
    /// <param name="seed">The split seed.</param>
    public static (int[] Train, int[] Validation) Split(IReadOnlyList<int> labels, int classes, int count, long seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(count, labels.Count);
        var byClass = new List<int>[classes];
        for (var c = 0; c < classes; c++)
            byClass[c] = [];
        for (var i = 0; i < labels.Count; i++)
            byClass[labels[i]].Add(i);

        var quota = Quotas(byClass.Select(l => l.Count).ToArray(), count);
        var held = new bool[labels.Count];
        for (var c = 0; c < classes; c++)
        {
            if (quota[c] == 0)
                continue;
            var rng = new SampleRandom(seed, RandomStream.HoldOut, c);
            var order = rng.Permutation(byClass[c].Count);
            for (var j = 0; j < quota[c]; j++)
                held[byClass[c][order[j]]] = true;
        }

        var train = new int[labels.Count - count];
        var validation = new int[count];
        int t = 0, v = 0;
        for (var i = 0; i < held.Length; i++)
        {
            if (held[i])
                validation[v++] = i;
            else
                train[t++] = i;
        }

        return (train, validation);
    }

    /// <summary>Largest-remainder apportionment of <paramref name="total"/> over classes by size.</summary>
    private static int[] Quotas(int[] sizes, int total)
    {
        long all = sizes.Sum();
        var quota = new int[sizes.Length];
        var remainders = new (double Remainder, int Label)[sizes.Length];
        var given = 0;
        for (var c = 0; c < sizes.Length; c++)
        {
            var exact = (double)total * sizes[c] / all;
            quota[c] = (int)Math.Floor(exact);
            given += quota[c];
            remainders[c] = (exact - quota[c], c);
        }

        foreach (var (_, c) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Label))
        {
            if (given == total)
                break;
            if (quota[c] < sizes[c])
            {
                quota[c]++;
                given++;
            }
        }

        return quota;
    }
}
