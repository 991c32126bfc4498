namespace HoMM.Core.Numerics;

/// <summary>Settings of <see cref="Lbfgs.Minimize"/>.</summary>
public sealed record LbfgsOptions
{
    public int MaxIterations { get; init; } = 100;

    /// <summary>Number of (s, y) pairs kept for the inverse-Hessian approximation.</summary>
    public int Memory { get; init; } = 8;

    /// <summary>Stop when the largest projected-gradient component is below this.</summary>
    public double GradientTolerance { get; init; } = 1e-6;

    /// <summary>Stop when an iteration improves f by less than this relative amount.</summary>
    public double RelativeFunctionTolerance { get; init; } = 1e-10;
}

/// <summary>Where <see cref="Lbfgs.Minimize"/> stopped.</summary>
public sealed record LbfgsResult(double[] X, double Value, int Iterations, int Evaluations);

/// <summary>
/// Limited-memory BFGS with optional box bounds, handled by projection: variables held at a
/// bound by their gradient are frozen for the step, and the line search projects trial points
/// back into the box. Simpler than L-BFGS-B's Cauchy point and enough for the smooth,
/// low-dimensional problems of the samplers (GP hyperparameters, acquisition maxima).
/// </summary>
public static class Lbfgs
{
    /// <param name="objective">Returns f(x) and writes ∇f(x) into its second argument; may return NaN or ∞ for points it rejects.</param>
    /// <param name="x0">Start point (projected into the bounds first).</param>
    /// <param name="lower">Lower bounds per variable, or null for none.</param>
    /// <param name="upper">Upper bounds per variable, or null for none.</param>
    /// <param name="options">Iteration limits and tolerances; the defaults when null.</param>
    public static LbfgsResult Minimize(
        Func<double[], double[], double> objective,
        double[] x0,
        double[]? lower = null,
        double[]? upper = null,
        LbfgsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(x0);
        options ??= new LbfgsOptions();
        var n = x0.Length;
        var x = (double[])x0.Clone();
        Project(x, lower, upper);
        var g = new double[n];
        var f = objective(x, g);
        var evaluations = 1;
        if (!double.IsFinite(f))
            return new LbfgsResult(x, f, 0, evaluations);

        var sHistory = new List<double[]>();
        var yHistory = new List<double[]>();
        var rhoHistory = new List<double>();
        var free = new bool[n];
        var d = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        var alphaTmp = new double[options.Memory];
        var iteration = 0;

        for (; iteration < options.MaxIterations; iteration++)
        {
            var pgMax = 0.0;
            for (var i = 0; i < n; i++)
            {
                free[i] = !((lower is not null && x[i] <= lower[i] && g[i] > 0)
                            || (upper is not null && x[i] >= upper[i] && g[i] < 0));
                if (free[i])
                    pgMax = Math.Max(pgMax, Math.Abs(g[i]));
            }
            if (pgMax < options.GradientTolerance)
                break;

            // Two-loop recursion on the free variables only.
            for (var i = 0; i < n; i++)
                d[i] = free[i] ? -g[i] : 0;
            var m = sHistory.Count;
            for (var k = m - 1; k >= 0; k--)
            {
                alphaTmp[k] = rhoHistory[k] * MaskedDot(sHistory[k], d, free);
                Axpy(-alphaTmp[k], yHistory[k], d, free);
            }
            if (m > 0)
            {
                var yy = MaskedDot(yHistory[m - 1], yHistory[m - 1], free);
                var sy = MaskedDot(sHistory[m - 1], yHistory[m - 1], free);
                var gamma = yy > 0 && sy > 0 ? sy / yy : 1.0;
                for (var i = 0; i < n; i++)
                    d[i] *= gamma;
            }
            for (var k = 0; k < m; k++)
            {
                var beta = rhoHistory[k] * MaskedDot(yHistory[k], d, free);
                Axpy(alphaTmp[k] - beta, sHistory[k], d, free);
            }
            var slope = MaskedDot(g, d, free);
            if (!(slope < 0))
            {
                sHistory.Clear();
                yHistory.Clear();
                rhoHistory.Clear();
                for (var i = 0; i < n; i++)
                    d[i] = free[i] ? -g[i] : 0;
                slope = MaskedDot(g, d, free);
            }

            // Backtracking (Armijo) line search along the projected path.
            var step = m == 0 ? Math.Min(1.0, 1.0 / Math.Max(pgMax, 1e-12)) : 1.0;
            var accepted = false;
            var fNew = double.NaN;
            for (var t = 0; t < 40; t++, step *= 0.5)
            {
                for (var i = 0; i < n; i++)
                    xNew[i] = x[i] + step * d[i];
                Project(xNew, lower, upper);
                var decrease = 0.0;
                for (var i = 0; i < n; i++)
                    decrease += g[i] * (xNew[i] - x[i]);
                if (decrease >= 0)
                    continue;
                fNew = objective(xNew, gNew);
                evaluations++;
                if (double.IsFinite(fNew) && fNew <= f + 1e-4 * decrease)
                {
                    accepted = true;
                    break;
                }
            }
            if (!accepted)
                break;

            var s = new double[n];
            var y = new double[n];
            for (var i = 0; i < n; i++)
            {
                s[i] = xNew[i] - x[i];
                y[i] = gNew[i] - g[i];
            }
            var sy2 = Blas.Dot(s, y);
            if (sy2 > 1e-12 * Math.Sqrt(Blas.Dot(s, s) * Blas.Dot(y, y)))
            {
                if (sHistory.Count == options.Memory)
                {
                    sHistory.RemoveAt(0);
                    yHistory.RemoveAt(0);
                    rhoHistory.RemoveAt(0);
                }
                sHistory.Add(s);
                yHistory.Add(y);
                rhoHistory.Add(1 / sy2);
            }

            var improvement = f - fNew;
            Array.Copy(xNew, x, n);
            Array.Copy(gNew, g, n);
            f = fNew;
            if (improvement <= options.RelativeFunctionTolerance * Math.Max(1.0, Math.Abs(f)))
            {
                iteration++;
                break;
            }
        }
        return new LbfgsResult(x, f, iteration, evaluations);
    }

    private static void Project(double[] x, double[]? lower, double[]? upper)
    {
        for (var i = 0; i < x.Length; i++)
        {
            if (lower is not null && x[i] < lower[i])
                x[i] = lower[i];
            if (upper is not null && x[i] > upper[i])
                x[i] = upper[i];
        }
    }

    private static double MaskedDot(double[] a, double[] b, bool[] mask)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            if (mask[i])
                s += a[i] * b[i];
        }
        return s;
    }

    private static void Axpy(double alpha, double[] x, double[] y, bool[] mask)
    {
        for (var i = 0; i < x.Length; i++)
        {
            if (mask[i])
                y[i] += alpha * x[i];
        }
    }
}
