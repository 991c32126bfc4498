namespace HoMM.Trainer.Data;

/// <summary>
/// A fixed validation hold-out of a training set: which examples are held out depends only on
/// the set's size, the hold-out size and the split seed — never on the trial's own seed (which a
/// study may search) — so every trial of a study, and every resumption of a trial, trains on the
/// same examples and is compared on the same held-out ones.
/// </summary>
public static class HoldOut
{
    /// <summary>Held-out examples when nothing else is asked for (Fashion-MNIST: 50,000 train + 10,000 validation).</summary>
    public const int DefaultSize = 10_000;

    /// <summary>The split seed when nothing else is asked for.</summary>
    public const long DefaultSeed = 0;

    // Mixed into the seed so that the hold-out is not the first epoch's batch order of a trial
    // whose seed happens to equal the split seed.
    private const ulong Tag = 0x686f6c645f6f7574UL; // "hold_out"

    /// <summary>
    /// The indices (ascending) of the training and validation examples: <paramref name="validationSize"/>
    /// distinct examples of <paramref name="count"/> drawn by a partial Fisher–Yates shuffle with SplitMix64.
    /// </summary>
    public static (int[] Train, int[] Validation) Split(int count, int validationSize, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (validationSize < 1 || validationSize >= count)
            throw new ArgumentOutOfRangeException(nameof(validationSize), validationSize, $"the hold-out must keep between 1 and {count - 1} of {count} examples");
        var p = new int[count];
        for (var i = 0; i < p.Length; i++)
            p[i] = i;
        var state = SplitMix64.Mix(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL) ^ Tag);
        for (var i = 0; i < validationSize; i++)
        {
            var j = i + (int)(SplitMix64.Next(ref state) % (ulong)(count - i));
            (p[i], p[j]) = (p[j], p[i]);
        }

        var validation = p[..validationSize];
        var train = p[validationSize..];
        Array.Sort(validation);
        Array.Sort(train);
        return (train, validation);
    }
}
