namespace HoMM.Core.Numerics;

/// <summary>
/// Eigendecomposition A = V·diag(λ)·Vᵀ of a small symmetric matrix by cyclic Jacobi rotations.
/// CMA-ES decomposes its covariance (dimension ≲ 50) once per generation; Jacobi is simple,
/// unconditionally stable and accurate to working precision for such sizes.
/// </summary>
public sealed class SymmetricEigen
{
    private SymmetricEigen(double[] values, double[] vectors, int n)
    {
        Values = values;
        Vectors = vectors;
        Size = n;
    }

    public int Size { get; }

    /// <summary>Eigenvalues in ascending order.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>Row-major n×n; column k is the unit eigenvector of <c>Values[k]</c>.</summary>
    public IReadOnlyList<double> Vectors { get; }

    public double Vector(int row, int column) => Vectors[row * Size + column];

    /// <exception cref="ArgumentException">A is not square, not symmetric or has non-finite entries.</exception>
    public static SymmetricEigen Decompose(ReadOnlySpan<double> a, int n, int maxSweeps = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(a.Length, n * n, nameof(a));
        var m = a.ToArray();
        var norm = 0.0;
        for (var i = 0; i < n * n; i++)
        {
            if (!double.IsFinite(m[i]))
                throw new ArgumentException("the matrix has a non-finite entry", nameof(a));
            norm = Math.Max(norm, Math.Abs(m[i]));
        }
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (Math.Abs(m[i * n + j] - m[j * n + i]) > 1e-9 * Math.Max(norm, 1e-300))
                    throw new ArgumentException($"the matrix is not symmetric at ({i}, {j})", nameof(a));
            }
        }

        var v = new double[n * n];
        for (var i = 0; i < n; i++)
            v[i * n + i] = 1.0;

        for (var sweep = 0; sweep < maxSweeps; sweep++)
        {
            var off = 0.0;
            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                    off += m[p * n + q] * m[p * n + q];
            }
            if (off <= 1e-30 * Math.Max(norm * norm, 1e-300) || off == 0)
                break;

            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    var apq = m[p * n + q];
                    if (apq == 0)
                        continue;
                    var app = m[p * n + p];
                    var aqq = m[q * n + q];
                    // Rotation angle that zeroes (p, q): tan 2θ = 2apq / (aqq − app); the smaller root keeps |θ| ≤ π/4.
                    var theta = (aqq - app) / (2 * apq);
                    var t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0)
                        t = 1;
                    var c = 1 / Math.Sqrt(t * t + 1);
                    var s = t * c;
                    for (var k = 0; k < n; k++)
                    {
                        var mkp = m[k * n + p];
                        var mkq = m[k * n + q];
                        m[k * n + p] = c * mkp - s * mkq;
                        m[k * n + q] = s * mkp + c * mkq;
                    }
                    for (var k = 0; k < n; k++)
                    {
                        var mpk = m[p * n + k];
                        var mqk = m[q * n + k];
                        m[p * n + k] = c * mpk - s * mqk;
                        m[q * n + k] = s * mpk + c * mqk;
                    }
                    m[p * n + q] = 0;
                    m[q * n + p] = 0;
                    for (var k = 0; k < n; k++)
                    {
                        var vkp = v[k * n + p];
                        var vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
            }
        }

        var order = Enumerable.Range(0, n).OrderBy(i => m[i * n + i]).ToArray();
        var values = new double[n];
        var vectors = new double[n * n];
        for (var k = 0; k < n; k++)
        {
            values[k] = m[order[k] * n + order[k]];
            for (var r = 0; r < n; r++)
                vectors[r * n + k] = v[r * n + order[k]];
        }
        return new SymmetricEigen(values, vectors, n);
    }
}
