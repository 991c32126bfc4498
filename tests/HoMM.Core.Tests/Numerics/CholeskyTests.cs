using HoMM.Core.Numerics;

namespace HoMM.Core.Tests.Numerics;

public class CholeskyTests
{
    // A textbook SPD matrix whose factor is known exactly: L = [[2,0,0],[6,1,0],[-8,5,3]].
    private static readonly double[] A = [4, 12, -16, 12, 37, -43, -16, -43, 98];

    [Fact]
    public void TryFactor_KnownMatrix_GivesKnownFactor()
    {
        var c = Cholesky.TryFactor(A, 3)!;

        double[,] expected = { { 2, 0, 0 }, { 6, 1, 0 }, { -8, 5, 3 } };
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
                Assert.Equal(expected[i, j], c[i, j], 12);
        }
        Assert.Equal(2 * Math.Log(6), c.LogDeterminant(), 12);
        Assert.Equal(0.0, c.Jitter);
    }

    [Fact]
    public void Solve_KnownMatrix_ReproducesRightHandSide()
    {
        var c = Cholesky.TryFactor(A, 3)!;
        double[] b = [1, -2, 3];

        var x = c.Solve(b);

        for (var i = 0; i < 3; i++)
            Assert.Equal(b[i], A[i * 3] * x[0] + A[i * 3 + 1] * x[1] + A[i * 3 + 2] * x[2], 9);
    }

    [Fact]
    public void Inverse_RandomSpdMatrix_TimesMatrixIsIdentity()
    {
        const int n = 23; // not a multiple of the SIMD width, to exercise the scalar tails
        var rng = new Rng(7);
        var b = new double[n * n];
        for (var i = 0; i < b.Length; i++)
            b[i] = rng.NextGaussian();
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                for (var k = 0; k < n; k++)
                    a[i * n + j] += b[i * n + k] * b[j * n + k];
            }
            a[i * n + i] += 1;
        }

        var inv = Cholesky.TryFactor(a, n)!.Inverse();

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var s = 0.0;
                for (var k = 0; k < n; k++)
                    s += a[i * n + k] * inv[k * n + j];
                Assert.Equal(i == j ? 1.0 : 0.0, s, 8);
            }
        }
    }

    [Fact]
    public void TryFactor_IndefiniteMatrix_ReturnsNull() =>
        Assert.Null(Cholesky.TryFactor([1, 2, 2, 1], 2));

    [Fact]
    public void FactorWithJitter_SingularMatrix_AddsSmallJitter()
    {
        var c = Cholesky.FactorWithJitter([1, 1, 1, 1], 2, initialJitter: 1e-10);

        Assert.InRange(c.Jitter, 1e-12, 1e-6);
        Assert.Equal(1.0, c[0, 0], 6);
    }

    [Fact]
    public void FactorWithJitter_StronglyIndefinite_ThrowsWithAdvice()
    {
        var e = Assert.Throws<ArgumentException>(() => Cholesky.FactorWithJitter([1, 0, 0, -5], 2, maxTries: 3));
        Assert.Contains("not positive definite", e.Message, StringComparison.Ordinal);
    }
}
