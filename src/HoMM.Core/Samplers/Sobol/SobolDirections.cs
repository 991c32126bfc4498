using HoMM.Core.Numerics;

namespace HoMM.Core.Samplers.Sobol;

/// <summary>
/// Direction numbers of the Sobol sequence, computed here rather than copied from a table.
/// Dimension 0 is the van der Corput sequence; dimension d ≥ 1 uses the d-th primitive polynomial
/// over GF(2) (by degree, then value) and initial direction numbers m₁…m_s (odd, mₖ &lt; 2ᵏ) chosen
/// among deterministic candidates to minimise the t-values of its 2-D projections with the
/// earlier dimensions, the quality criterion published tables are optimised for.
/// </summary>
internal static class SobolDirections
{
    public const int Bits = 32;

    /// <summary>Dimensions whose initial numbers are searched; later ones take the first candidate.</summary>
    private const int SearchedDimensions = 32;
    private const int Candidates = 16;
    private static readonly int[] CheckedPrefixBits = [4, 6, 8, 10];

    private static readonly Lock Gate = new();
    private static readonly List<uint[]> Directions = [VanDerCorput()];
    private static readonly List<uint[][]> DirectionRows = [AllRows(Directions[0])];
    private static readonly List<(int Degree, uint Coefficients)> Polynomials = [];
    private static int _lastPolynomial = 1;

    /// <summary>The 32 direction numbers V₁…V₃₂ of <paramref name="dimension"/> (V_i = m_i · 2^(32−i)).</summary>
    public static uint[] Get(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, 4095);
        lock (Gate)
        {
            while (Directions.Count <= dimension)
            {
                var v = NextDimension(Directions.Count);
                Directions.Add(v);
                DirectionRows.Add(AllRows(v));
            }
            return Directions[dimension];
        }
    }

    private static uint[] VanDerCorput()
    {
        var v = new uint[Bits];
        for (var i = 0; i < Bits; i++)
            v[i] = 1u << (Bits - 1 - i);
        return v;
    }

    private static uint[] NextDimension(int dimension)
    {
        var (degree, coefficients) = NextPrimitivePolynomial();
        uint[]? best = null;
        var bestScore = int.MaxValue;
        var tries = dimension < SearchedDimensions ? Candidates : 1;
        for (var c = 0; c < tries; c++)
        {
            var rng = Rng.Derive(0x50B01, dimension, c);
            var m = new uint[degree];
            for (var k = 1; k <= degree; k++)
            {
                // m_k odd and below 2^k; m_1 is always 1.
                m[k - 1] = (uint)(2 * rng.NextInt(1 << (k - 1)) + 1);
            }
            var v = Expand(degree, coefficients, m);
            var score = tries == 1 ? 0 : Score(v);
            if (score < bestScore)
            {
                bestScore = score;
                best = v;
            }
        }
        return best!;
    }

    /// <summary>Runs the Sobol recurrence from the initial numbers to all 32 direction numbers.</summary>
    private static uint[] Expand(int s, uint a, uint[] initial)
    {
        var m = new ulong[Bits + 1];
        for (var i = 1; i <= s; i++)
            m[i] = initial[i - 1];
        for (var i = s + 1; i <= Bits; i++)
        {
            var value = m[i - s] ^ (m[i - s] << s);
            for (var k = 1; k < s; k++)
            {
                // a holds a_1 … a_{s-1} with a_1 as its highest bit.
                if (((a >> (s - 1 - k)) & 1) != 0)
                    value ^= m[i - k] << k;
            }
            m[i] = value;
        }
        var v = new uint[Bits];
        for (var i = 1; i <= Bits; i++)
            v[i - 1] = (uint)(m[i] << (Bits - i));
        return v;
    }

    /// <summary>Sum over earlier dimensions and prefix sizes of 4^t, t of the 2-D projection.</summary>
    private static int Score(uint[] v)
    {
        var rows = AllRows(v);
        var score = 0;
        foreach (var previous in DirectionRows)
        {
            for (var k = 0; k < CheckedPrefixBits.Length; k++)
                score += 1 << (2 * TValue(previous[k], rows[k], CheckedPrefixBits[k])); // worst pairs dominate
        }
        return score;
    }

    /// <summary>
    /// t of the first 2^m points of two dimensions as a (t, m, 2)-net: the smallest t such that for
    /// every d₁ + d₂ = m − t the leading d₁ rows of one generator matrix and d₂ of the other are
    /// linearly independent (so every such elementary box holds exactly 2^t points).
    /// </summary>
    private static int TValue(uint[] rowsX, uint[] rowsY, int m)
    {
        Span<uint> work = stackalloc uint[m];
        for (var t = 0; t < m; t++)
        {
            var ok = true;
            for (var d1 = 0; d1 <= m - t && ok; d1++)
            {
                var d2 = m - t - d1;
                for (var r = 0; r < d1; r++)
                    work[r] = rowsX[r];
                for (var r = 0; r < d2; r++)
                    work[d1 + r] = rowsY[r];
                ok = FullRank(work[..(m - t)]);
            }
            if (ok)
                return t;
        }
        return m;
    }

    private static uint[][] AllRows(uint[] v) => [.. CheckedPrefixBits.Select(m => Rows(v, m))];

    /// <summary>Row r (output digit r, most significant first) as a bit mask over the index bits 0…m−1.</summary>
    private static uint[] Rows(uint[] v, int m)
    {
        var rows = new uint[m];
        for (var r = 0; r < m; r++)
        {
            for (var i = 0; i < m; i++)
            {
                if (((v[i] >> (Bits - 1 - r)) & 1) != 0)
                    rows[r] |= 1u << i;
            }
        }
        return rows;
    }

    private static bool FullRank(Span<uint> rows)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            var pivot = rows[i];
            if (pivot == 0)
                return false;
            var low = pivot & (~pivot + 1);
            for (var j = i + 1; j < rows.Length; j++)
            {
                if ((rows[j] & low) != 0)
                    rows[j] ^= pivot;
            }
        }
        return true;
    }

    private static (int Degree, uint Coefficients) NextPrimitivePolynomial()
    {
        // Polynomials are encoded with every coefficient as a bit: x^s + … + 1 → bit s … bit 0.
        while (true)
        {
            _lastPolynomial++;
            var p = (uint)_lastPolynomial;
            if ((p & 1) == 0)
                continue;
            var degree = 31 - System.Numerics.BitOperations.LeadingZeroCount(p);
            if (IsPrimitive(p, degree))
            {
                // Strip the leading and constant terms: what remains are a_1 … a_{s-1}.
                var a = (p >> 1) & ((1u << (degree - 1)) - 1);
                Polynomials.Add((degree, a));
                return (degree, a);
            }
        }
    }

    /// <summary>x has multiplicative order 2^s − 1 modulo p: p is primitive.</summary>
    private static bool IsPrimitive(uint p, int degree)
    {
        var period = (1u << degree) - 1;
        var x = 1u;
        for (var k = 1u; k <= period; k++)
        {
            x <<= 1;
            if ((x & (1u << degree)) != 0)
                x ^= p;
            if (x == 1)
                return k == period;
        }
        return false;
    }
}
