namespace HoMM.Trainer.Data;

/// <summary>
/// Which examples make up training step s: each epoch is a fresh permutation of the data set
/// drawn from (seed, epoch) alone, cut into consecutive batches (the last one smaller when the
/// batch size does not divide the set). A step's batch depends on nothing but (seed, step), so a
/// run resumed at any step sees exactly the batches of an uninterrupted one.
/// </summary>
public sealed class BatchOrder
{
    private readonly int _count;
    private readonly int _batch;
    private readonly long _seed;
    private int[] _permutation = [];
    private long _epoch = -1;

    public BatchOrder(int count, int batch, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        _count = count;
        _batch = Math.Min(batch, count);
        _seed = seed;
        StepsPerEpoch = (count + _batch - 1) / _batch;
    }

    public int StepsPerEpoch { get; }

    /// <summary>The example indices of 0-based step <paramref name="step"/>.</summary>
    public ReadOnlySpan<int> Batch(long step)
    {
        var epoch = step / StepsPerEpoch;
        if (epoch != _epoch)
        {
            _permutation = Permutation(epoch);
            _epoch = epoch;
        }

        var start = (int)(step % StepsPerEpoch) * _batch;
        return _permutation.AsSpan(start, Math.Min(_batch, _count - start));
    }

    private int[] Permutation(long epoch)
    {
        var p = new int[_count];
        for (var i = 0; i < p.Length; i++)
            p[i] = i;
        var state = SplitMix64.Mix(unchecked((ulong)_seed * 0x9E3779B97F4A7C15UL) ^ (ulong)epoch);
        for (var i = p.Length - 1; i > 0; i--)
        {
            var j = (int)(SplitMix64.Next(ref state) % (ulong)(i + 1));
            (p[i], p[j]) = (p[j], p[i]);
        }

        return p;
    }
}

/// <summary>SplitMix64: a small, well-mixed generator whose output is fixed by its definition (no runtime version can change it).</summary>
internal static class SplitMix64
{
    public static ulong Next(ref ulong state)
    {
        state = unchecked(state + 0x9E3779B97F4A7C15UL);
        return Mix(state);
    }

    public static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
