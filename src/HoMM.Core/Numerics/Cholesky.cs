namespace HoMM.Core.Numerics;

/// <summary>
/// The lower-triangular factor L of a symmetric positive-definite matrix A = L·Lᵀ (row-major,
/// n×n), with the solves and by-products Gaussian-process regression needs.
/// </summary>
public sealed class Cholesky
{
    private readonly double[] _l;

    private Cholesky(double[] l, int n, double jitter)
    {
        _l = l;
        Size = n;
        Jitter = jitter;
    }

    public int Size { get; }

    /// <summary>The multiple of the identity that had to be added to the diagonal to factor A (0 if none).</summary>
    public double Jitter { get; }

    /// <summary>Element (i, j) of L (zero above the diagonal).</summary>
    public double this[int i, int j] => j <= i ? _l[i * Size + j] : 0.0;

    /// <summary>Factors A, or returns null when A is not numerically positive definite.</summary>
    public static Cholesky? TryFactor(ReadOnlySpan<double> a, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(a.Length, n * n, nameof(a));
        var l = new double[n * n];
        return Factor(a, n, 0.0, l) ? new Cholesky(l, n, 0.0) : null;
    }

    /// <summary>
    /// Factors A + δI with the smallest δ in {0, initialJitter, 10·initialJitter, …} that works:
    /// kernel matrices of nearly repeated points are singular in floating point, and a tiny
    /// nugget is the standard remedy.
    /// </summary>
    /// <exception cref="ArgumentException">A stays indefinite even with the largest jitter tried.</exception>
    public static Cholesky FactorWithJitter(ReadOnlySpan<double> a, int n, double initialJitter = 1e-10, int maxTries = 8)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(a.Length, n * n, nameof(a));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initialJitter, 0.0);
        var l = new double[n * n];
        if (Factor(a, n, 0.0, l))
            return new Cholesky(l, n, 0.0);
        var scale = 0.0;
        for (var i = 0; i < n; i++)
            scale = Math.Max(scale, Math.Abs(a[i * n + i]));
        scale = scale > 0 ? scale : 1.0;
        var jitter = initialJitter * scale;
        for (var t = 0; t < maxTries; t++, jitter *= 10)
        {
            if (Factor(a, n, jitter, l))
                return new Cholesky(l, n, jitter);
        }
        throw new ArgumentException($"the matrix is not positive definite even after adding {jitter / 10:g3} to its diagonal", nameof(a));
    }

    private static bool Factor(ReadOnlySpan<double> a, int n, double jitter, double[] l)
    {
        // Row-oriented (Cholesky–Banachiewicz): every inner product runs over two contiguous rows.
        for (var i = 0; i < n; i++)
        {
            var rowI = l.AsSpan(i * n, n);
            for (var j = 0; j <= i; j++)
            {
                var s = a[i * n + j] - Blas.Dot(rowI[..j], l.AsSpan(j * n, j));
                if (i == j)
                {
                    s += jitter;
                    if (!(s > 0) || !double.IsFinite(s))
                        return false;
                    rowI[i] = Math.Sqrt(s);
                }
                else
                {
                    rowI[j] = s / l[j * n + j];
                }
            }
            rowI[(i + 1)..].Clear();
        }
        return true;
    }

    /// <summary>Solves L·y = b in place (b becomes y).</summary>
    public void SolveLowerInPlace(Span<double> b)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(b.Length, Size, nameof(b));
        var n = Size;
        for (var i = 0; i < n; i++)
            b[i] = (b[i] - Blas.Dot(_l.AsSpan(i * n, i), b[..i])) / _l[i * n + i];
    }

    /// <summary>Solves Lᵀ·x = y in place (y becomes x).</summary>
    public void SolveUpperInPlace(Span<double> y)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(y.Length, Size, nameof(y));
        var n = Size;
        // Column-sweep so that the inner loop walks row i of L contiguously.
        for (var i = n - 1; i >= 0; i--)
        {
            y[i] /= _l[i * n + i];
            Blas.Axpy(-y[i], _l.AsSpan(i * n, i), y[..i]);
        }
    }

    /// <summary>Solves A·x = b in place.</summary>
    public void SolveInPlace(Span<double> b)
    {
        SolveLowerInPlace(b);
        SolveUpperInPlace(b);
    }

    public double[] Solve(ReadOnlySpan<double> b)
    {
        var x = b.ToArray();
        SolveInPlace(x);
        return x;
    }

    /// <summary>log det A = 2 Σ log Lᵢᵢ.</summary>
    public double LogDeterminant()
    {
        var s = 0.0;
        for (var i = 0; i < Size; i++)
            s += Math.Log(_l[i * Size + i]);
        return 2 * s;
    }

    /// <summary>A⁻¹ (row-major, symmetric), as L⁻ᵀ·L⁻¹.</summary>
    public double[] Inverse()
    {
        var n = Size;
        var inv = new double[n * n];
        // L⁻¹ row by row: row i = (eᵢ − Σ_{k<i} L[i,k]·row k of L⁻¹) / L[i,i].
        var li = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            var row = li.AsSpan(i * n, i + 1);
            for (var k = 0; k < i; k++)
                Blas.Axpy(-_l[i * n + k], li.AsSpan(k * n, k + 1), row[..(k + 1)]);
            row[i] = 1.0;
            var d = _l[i * n + i];
            for (var j = 0; j <= i; j++)
                row[j] /= d;
        }
        // A⁻¹ = Σ_k (row k of L⁻¹)ᵀ (row k of L⁻¹): rank-one updates on contiguous rows.
        for (var k = 0; k < n; k++)
        {
            var r = li.AsSpan(k * n, k + 1);
            for (var i = 0; i <= k; i++)
            {
                if (r[i] != 0)
                    Blas.Axpy(r[i], r[..(i + 1)], inv.AsSpan(i * n, i + 1));
            }
        }
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
                inv[j * n + i] = inv[i * n + j];
        }
        return inv;
    }
}
