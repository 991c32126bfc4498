namespace HoMM.ImageData.Randomness;

/// <summary>
/// What a random draw is for: each purpose has its own stream, so adding a draw to one (say, a
/// new augmentation) never shifts the numbers of another (the epoch's order).
/// </summary>
public enum RandomStream : ulong
{
    Order = 1,
    Sample = 2,
    Batch = 3,
    HoldOut = 4,
}

/// <summary>
/// A counter-based generator: its numbers are a pure function of (seed, stream, a, b) and a
/// counter — SplitMix64's finaliser over a key hashed from them — so no generator is shared
/// between threads and any sample's or batch's draws can be recomputed alone, in any order, after
/// a resume. A value type: copies draw the same numbers, so pass it by reference.
/// </summary>
public struct SampleRandom
{
    private readonly ulong _key;
    private ulong _counter;

    public SampleRandom(long seed, RandomStream stream, long a, long b = 0)
    {
        var k = Mix(unchecked((ulong)seed) ^ 0x6A09E667F3BCC909UL);
        k = Mix(k ^ (ulong)stream);
        k = Mix(k ^ unchecked((ulong)a));
        _key = Mix(k ^ unchecked((ulong)b) ^ 0xBB67AE8584CAA73BUL);
        _counter = 0;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextBits() => Mix(unchecked(_key + (++_counter * 0x9E3779B97F4A7C15UL)));

    /// <summary>Uniform in [0, 1), 53 bits.</summary>
    public double NextDouble() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high).</summary>
    public double Uniform(double low, double high) => low + ((high - low) * NextDouble());

    /// <summary>Uniform integer in [0, n), without modulo bias worth measuring for n ≪ 2^64 (Lemire's multiply-shift).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        return (int)(((UInt128)NextBits() * (ulong)n) >> 64);
    }

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal (Box–Muller, one of the pair).</summary>
    public double Normal()
    {
        var u = 1.0 - NextDouble(); // (0, 1]: log is finite
        var v = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }

    /// <summary>Gamma(shape, 1): Marsaglia–Tsang, with the u^(1/shape) boost for shape &lt; 1.</summary>
    public double Gamma(double shape)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shape);
        if (shape < 1)
            return Gamma(shape + 1) * Math.Pow(1.0 - NextDouble(), 1.0 / shape);
        var d = shape - (1.0 / 3.0);
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal();
                v = 1.0 + (c * x);
            }
            while (v <= 0);
            v = v * v * v;
            var u = 1.0 - NextDouble();
            if (Math.Log(u) < (0.5 * x * x) + d - (d * v) + (d * Math.Log(v)))
                return d * v;
        }
    }

    /// <summary>Beta(α, α) as the mixing weight of MixUp and CutMix.</summary>
    public double Beta(double alpha, double beta)
    {
        var x = Gamma(alpha);
        var y = Gamma(beta);
        return x + y > 0 ? x / (x + y) : 0.5;
    }

    /// <summary>A permutation of 0 .. n − 1 (Fisher–Yates).</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (var i = 0; i < n; i++)
            p[i] = i;
        for (var i = n - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }

        return p;
    }

    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
