namespace HoMM.Core.Numerics;

/// <summary>
/// A small, fast pseudo-random generator (xoshiro256** seeded through SplitMix64). Samplers
/// derive one per decision from (seed, trial number, purpose) so a proposal depends only on the
/// seed and the trial history, never on how many draws an earlier call happened to make; the
/// algorithm is fixed here so sequences stay the same across .NET versions.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    public Rng(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>A generator whose stream is a deterministic function of all <paramref name="parts"/>.</summary>
    public static Rng Derive(long seed, params ReadOnlySpan<long> parts) => new(Mix(seed, parts));

    /// <summary>Hashes a seed with further integers into one 64-bit seed (order matters).</summary>
    public static ulong Mix(long seed, params ReadOnlySpan<long> parts)
    {
        // Each step feeds the running hash and a finalised part through the SplitMix64 finaliser
        // (a bijection with full avalanche), so nearby seeds and parts give unrelated streams.
        var h = Finalize((ulong)seed + 0x9E3779B97F4A7C15UL);
        foreach (var p in parts)
            h = Finalize(h ^ Finalize((ulong)p ^ 0x632BE59BD9B4E019UL) + 0x9E3779B97F4A7C15UL);
        return h;
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high).</summary>
    public double NextDouble(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(n, 0);
        // Lemire's multiply-shift; the bias for n far below 2^64 is negligible for sampling.
        return (int)Math.BigMul(NextUInt64(), (ulong)n, out _);
    }

    /// <summary>Standard normal draw (polar Box–Muller, the second value kept for the next call).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is { } spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        var f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * f;
        return u * f;
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Finalize(x);
    }

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
