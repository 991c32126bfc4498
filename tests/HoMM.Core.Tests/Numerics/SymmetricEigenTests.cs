using HoMM.Core.Numerics;

namespace HoMM.Core.Tests.Numerics;

public class SymmetricEigenTests
{
    [Fact]
    public void Decompose_TwoByTwo_GivesKnownPairs()
    {
        var e = SymmetricEigen.Decompose([2, 1, 1, 2], 2);

        Assert.Equal(1.0, e.Values[0], 12);
        Assert.Equal(3.0, e.Values[1], 12);
        // Eigenvector of 3 is ±(1, 1)/√2; of 1 is ±(1, −1)/√2.
        Assert.Equal(1 / Math.Sqrt(2), Math.Abs(e.Vector(0, 1)), 12);
        Assert.Equal(e.Vector(0, 1), e.Vector(1, 1), 12);
        Assert.Equal(-e.Vector(0, 0), e.Vector(1, 0), 12);
    }

    [Fact]
    public void Decompose_TridiagonalLaplacian_GivesClosedFormValues()
    {
        // Eigenvalues of tridiag(−1, 2, −1) of size 3 are 2 − √2, 2, 2 + √2.
        var e = SymmetricEigen.Decompose([2, -1, 0, -1, 2, -1, 0, -1, 2], 3);

        Assert.Equal(2 - Math.Sqrt(2), e.Values[0], 12);
        Assert.Equal(2.0, e.Values[1], 12);
        Assert.Equal(2 + Math.Sqrt(2), e.Values[2], 12);
    }

    [Fact]
    public void Decompose_RandomSymmetric_ReconstructsWithOrthonormalVectors()
    {
        const int n = 9;
        var rng = new Rng(3);
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
                a[i * n + j] = a[j * n + i] = rng.NextGaussian();
        }

        var e = SymmetricEigen.Decompose(a, n);

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var r = 0.0;
                var o = 0.0;
                for (var k = 0; k < n; k++)
                {
                    r += e.Vector(i, k) * e.Values[k] * e.Vector(j, k);
                    o += e.Vector(k, i) * e.Vector(k, j);
                }
                Assert.Equal(a[i * n + j], r, 10);
                Assert.Equal(i == j ? 1.0 : 0.0, o, 10);
            }
        }
        for (var k = 1; k < n; k++)
            Assert.True(e.Values[k - 1] <= e.Values[k]);
    }

    [Fact]
    public void Decompose_AsymmetricMatrix_Throws() =>
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose([1, 2, 3, 4], 2));
}
