using System.Numerics;
using System.Runtime.InteropServices;

namespace HoMM.Core.Numerics;

/// <summary>
/// The few vector kernels the samplers' linear algebra is built on, vectorised with
/// <see cref="Vector{T}"/> because Cholesky and triangular solves spend their time in them.
/// </summary>
public static class Blas
{
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(y.Length, x.Length, nameof(y));
        var i = 0;
        var sum = 0.0;
        if (Vector.IsHardwareAccelerated && x.Length >= 2 * Vector<double>.Count)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var acc0 = Vector<double>.Zero;
            var acc1 = Vector<double>.Zero;
            var k = 0;
            for (; k + 1 < vx.Length; k += 2)
            {
                acc0 += vx[k] * vy[k];
                acc1 += vx[k + 1] * vy[k + 1];
            }
            if (k < vx.Length)
                acc0 += vx[k] * vy[k];
            sum = Vector.Sum(acc0 + acc1);
            i = vx.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++)
            sum += x[i] * y[i];
        return sum;
    }

    /// <summary>y += alpha · x.</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(y.Length, x.Length, nameof(y));
        var i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var va = new Vector<double>(alpha);
            for (var k = 0; k < vx.Length; k++)
                vy[k] += va * vx[k];
            i = vx.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++)
            y[i] += alpha * x[i];
    }

    /// <summary>Euclidean norm squared.</summary>
    public static double SumOfSquares(ReadOnlySpan<double> x) => Dot(x, x);
}
