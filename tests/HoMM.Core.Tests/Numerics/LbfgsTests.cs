using HoMM.Core.Numerics;

namespace HoMM.Core.Tests.Numerics;

public class LbfgsTests
{
    private static double Rosenbrock(double[] x, double[] g)
    {
        var a = 1 - x[0];
        var b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
    }

    [Fact]
    public void Minimize_Rosenbrock_ReachesMinimum()
    {
        var r = Lbfgs.Minimize(Rosenbrock, [-1.2, 1.0], options: new LbfgsOptions { MaxIterations = 500, RelativeFunctionTolerance = 0 });

        Assert.Equal(1.0, r.X[0], 4);
        Assert.Equal(1.0, r.X[1], 4);
    }

    [Fact]
    public void Minimize_WithBoxBounds_StopsOnTheActiveBound()
    {
        // min (x−3)² + (y+1)² over [0,1]²: the answer is (1, 0).
        var r = Lbfgs.Minimize(
            (x, g) =>
            {
                g[0] = 2 * (x[0] - 3);
                g[1] = 2 * (x[1] + 1);
                return (x[0] - 3) * (x[0] - 3) + (x[1] + 1) * (x[1] + 1);
            },
            [0.5, 0.5], [0, 0], [1, 1]);

        Assert.Equal(1.0, r.X[0], 12);
        Assert.Equal(0.0, r.X[1], 12);
    }

    [Fact]
    public void Minimize_NonFiniteStart_ReturnsStartUnchanged()
    {
        var r = Lbfgs.Minimize((_, _) => double.NaN, [2.0]);

        Assert.Equal(2.0, r.X[0]);
        Assert.Equal(0, r.Iterations);
    }
}
