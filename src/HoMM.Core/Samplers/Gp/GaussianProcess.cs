using HoMM.Core.Numerics;

namespace HoMM.Core.Samplers.Gp;

/// <summary>Settings of <see cref="GaussianProcess.Fit"/>.</summary>
public sealed record GaussianProcessOptions
{
    /// <summary>The objective has no noise: the noise variance is pinned to a tiny nugget instead of fitted.</summary>
    public bool Deterministic { get; init; }

    /// <summary>L-BFGS iterations for the hyperparameters.</summary>
    public int MaxIterations { get; init; } = 80;
}

/// <summary>
/// Gaussian-process regression with a Matérn 5/2 kernel and one length scale per input (ARD).
/// Numeric inputs are expected in [0, 1]; categorical inputs are indices compared by equality
/// (a Hamming distance with its own length scale). Outputs are standardised internally.
/// Hyperparameters (length scales, signal variance, noise variance) are the maximum a posteriori
/// estimate under weak log-normal priors, found by L-BFGS on the log marginal likelihood with
/// its analytic gradient.
/// </summary>
public sealed class GaussianProcess
{
    private const double Sqrt5 = 2.2360679774997896964;
    private const double DeterministicNoise = 1e-6;
    private const double NoisePriorMean = -6.9; // ln 1e-3
    private const double NoisePriorSd = 2.0;
    private const double LengthScalePriorSd = 1.0;

    private readonly double[][] _x;
    private readonly bool[] _categorical;
    private readonly double[] _inverseSquaredLengths;
    private readonly Cholesky _cholesky;
    private readonly double[] _alpha;
    private readonly double _yMean;
    private readonly double _yScale;
    private readonly double[] _yStandardized;

    private GaussianProcess(double[][] x, double[] yStandardized, bool[] categorical, double[] inverseSquaredLengths,
        double signal, double noise, double yMean, double yScale)
    {
        _x = x;
        _yStandardized = yStandardized;
        _categorical = categorical;
        _inverseSquaredLengths = inverseSquaredLengths;
        SignalVariance = signal;
        NoiseVariance = noise;
        _yMean = yMean;
        _yScale = yScale;
        var k = KernelMatrix(x, categorical, inverseSquaredLengths, signal, noise);
        _cholesky = Cholesky.FactorWithJitter(k, x.Length, 1e-10, 10);
        _alpha = _cholesky.Solve(yStandardized);
    }

    public int Dimension => _categorical.Length;

    public int Count => _x.Length;

    /// <summary>Length scale per input, in input units (unit-cube coordinates for numeric inputs).</summary>
    public IReadOnlyList<double> LengthScales => _inverseSquaredLengths.Select(l => 1 / Math.Sqrt(l)).ToArray();

    /// <summary>Kernel amplitude, in units of the standardised output's variance.</summary>
    public double SignalVariance { get; }

    /// <summary>Observation noise variance, in units of the standardised output's variance.</summary>
    public double NoiseVariance { get; }

    /// <exception cref="ArgumentException">No points, ragged inputs, or non-finite values.</exception>
    public static GaussianProcess Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, IReadOnlyList<bool>? categorical = null, GaussianProcessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        options ??= new GaussianProcessOptions();
        if (x.Count == 0)
            throw new ArgumentException("a Gaussian process needs at least one observation", nameof(x));
        ArgumentOutOfRangeException.ThrowIfNotEqual(y.Count, x.Count, nameof(y));
        var d = x[0].Length;
        var cat = categorical?.ToArray() ?? new bool[d];
        ArgumentOutOfRangeException.ThrowIfNotEqual(cat.Length, d, nameof(categorical));
        foreach (var row in x)
        {
            ArgumentOutOfRangeException.ThrowIfNotEqual(row.Length, d, nameof(x));
            if (row.Any(v => !double.IsFinite(v)))
                throw new ArgumentException("inputs must be finite", nameof(x));
        }
        if (y.Any(v => !double.IsFinite(v)))
            throw new ArgumentException("outputs must be finite (drop or clip NaN and infinite values first)", nameof(y));

        var n = x.Count;
        var mean = y.Average();
        var sd = Math.Sqrt(y.Sum(v => (v - mean) * (v - mean)) / n);
        var scale = sd > 1e-300 ? sd : 1.0;
        var ys = y.Select(v => (v - mean) / scale).ToArray();
        var xs = x.Select(r => (double[])r.Clone()).ToArray();

        var fit = new HyperparameterFit(xs, ys, cat, options.Deterministic);
        var theta = fit.Optimize(options.MaxIterations);
        var (lambdas, signal, noise) = fit.Unpack(theta);
        return new GaussianProcess(xs, ys, cat, lambdas, signal, noise, mean, scale);
    }

    /// <summary>Posterior mean and variance of the latent function at <paramref name="x"/>, in output units.</summary>
    public (double Mean, double Variance) Predict(ReadOnlySpan<double> x)
    {
        var m = PredictStandardized(x, out var v);
        return (_yMean + _yScale * m, v * _yScale * _yScale);
    }

    /// <summary>The standardised output of a raw one (the scale the acquisition works in).</summary>
    internal double Standardize(double y) => (y - _yMean) / _yScale;

    internal IReadOnlyList<double> StandardizedOutputs => _yStandardized;

    internal IReadOnlyList<double[]> Inputs => _x;

    /// <summary>
    /// A model with the same hyperparameters that also "observed" <paramref name="points"/> at
    /// its current posterior mean (the kriging believer): the mean is unchanged, the variance
    /// there collapses, so parallel proposals spread out instead of piling on one spot.
    /// </summary>
    internal GaussianProcess WithFantasies(IReadOnlyList<double[]> points)
    {
        if (points.Count == 0)
            return this;
        var xs = _x.Concat(points.Select(p => (double[])p.Clone())).ToArray();
        var ys = _yStandardized.Concat(points.Select(p => PredictStandardized(p, out _))).ToArray();
        return new GaussianProcess(xs, ys, _categorical, _inverseSquaredLengths, SignalVariance, NoiseVariance, _yMean, _yScale);
    }

    internal double PredictStandardized(ReadOnlySpan<double> x, out double variance)
    {
        var n = _x.Length;
        var k = new double[n];
        for (var i = 0; i < n; i++)
            k[i] = SignalVariance * Matern52(SquaredDistance(x, _x[i]));
        var mean = Blas.Dot(k, _alpha);
        _cholesky.SolveLowerInPlace(k);
        variance = Math.Max(SignalVariance - Blas.SumOfSquares(k), 1e-12 * SignalVariance);
        return mean;
    }

    /// <summary>
    /// Standardised posterior mean and variance with their gradients with respect to the
    /// numeric inputs listed in <paramref name="numericDims"/>.
    /// </summary>
    internal double PredictWithGradient(ReadOnlySpan<double> x, int[] numericDims, out double variance, Span<double> dMean, Span<double> dVariance)
    {
        var n = _x.Length;
        var k = new double[n];
        var g = new double[n]; // ∂k/∂r²
        for (var i = 0; i < n; i++)
        {
            var r2 = SquaredDistance(x, _x[i]);
            k[i] = SignalVariance * Matern52(r2);
            g[i] = SignalVariance * Matern52Derivative(r2);
        }
        var mean = Blas.Dot(k, _alpha);
        var v = (double[])k.Clone();
        _cholesky.SolveLowerInPlace(v);
        var quad = Blas.SumOfSquares(v);
        variance = Math.Max(SignalVariance - quad, 1e-12 * SignalVariance);
        _cholesky.SolveUpperInPlace(v); // v = K⁻¹ k
        for (var a = 0; a < numericDims.Length; a++)
        {
            var j = numericDims[a];
            double dm = 0, dv = 0;
            for (var i = 0; i < n; i++)
            {
                var dk = g[i] * 2 * _inverseSquaredLengths[j] * (x[j] - _x[i][j]);
                dm += _alpha[i] * dk;
                dv += v[i] * dk;
            }
            dMean[a] = dm;
            dVariance[a] = quad < SignalVariance ? -2 * dv : 0;
        }
        return mean;
    }

    private double SquaredDistance(ReadOnlySpan<double> a, double[] b)
    {
        var s = 0.0;
        for (var j = 0; j < a.Length; j++)
        {
            var d = _categorical[j] ? (a[j] == b[j] ? 0 : 1) : (a[j] - b[j]) * (a[j] - b[j]);
            s += _inverseSquaredLengths[j] * d;
        }
        return s;
    }

    /// <summary>Matérn 5/2 correlation as a function of the squared scaled distance.</summary>
    internal static double Matern52(double r2)
    {
        var r = Math.Sqrt(r2);
        return (1 + Sqrt5 * r + 5.0 / 3.0 * r2) * Math.Exp(-Sqrt5 * r);
    }

    /// <summary>d Matern52 / d r² = −5/6 (1 + √5 r) e^(−√5 r): smooth at r = 0, unlike d/dr.</summary>
    internal static double Matern52Derivative(double r2)
    {
        var r = Math.Sqrt(r2);
        return -5.0 / 6.0 * (1 + Sqrt5 * r) * Math.Exp(-Sqrt5 * r);
    }

    private static double[] KernelMatrix(double[][] x, bool[] categorical, double[] lambdas, double signal, double noise)
    {
        var n = x.Length;
        var k = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var r2 = 0.0;
                for (var t = 0; t < categorical.Length; t++)
                {
                    var d = categorical[t] ? (x[i][t] == x[j][t] ? 0 : 1) : (x[i][t] - x[j][t]) * (x[i][t] - x[j][t]);
                    r2 += lambdas[t] * d;
                }
                var v = signal * Matern52(r2);
                k[i * n + j] = v;
                k[j * n + i] = v;
            }
            k[i * n + i] += noise;
        }
        return k;
    }

    /// <summary>The negative log posterior of the hyperparameters and its gradient.</summary>
    private sealed class HyperparameterFit
    {
        private readonly int _n, _d;
        private readonly double[] _y;
        private readonly bool _deterministic;
        private readonly double[][] _pairDistances; // per input: squared (or Hamming) distance of each pair i ≥ j
        private readonly double _lengthPriorMean; // prior mean of ln λ (λ = 1/ℓ²)

        public HyperparameterFit(double[][] x, double[] y, bool[] categorical, bool deterministic)
        {
            _n = x.Length;
            _d = categorical.Length;
            _y = y;
            _deterministic = deterministic;
            var pairs = _n * (_n + 1) / 2;
            _pairDistances = new double[_d][];
            for (var t = 0; t < _d; t++)
            {
                var dist = new double[pairs];
                var p = 0;
                for (var i = 0; i < _n; i++)
                {
                    for (var j = 0; j <= i; j++, p++)
                        dist[p] = categorical[t] ? (x[i][t] == x[j][t] ? 0 : 1) : (x[i][t] - x[j][t]) * (x[i][t] - x[j][t]);
                }
                _pairDistances[t] = dist;
            }
            // Prior median length scale 0.3·√d in the unit cube: smooth enough to generalise from
            // few points, and growing with the dimension as distances between points do.
            _lengthPriorMean = -2 * Math.Log(0.3 * Math.Sqrt(Math.Max(_d, 1)));
        }

        private int Size => _d + (_deterministic ? 1 : 2);

        public (double[] Lambdas, double Signal, double Noise) Unpack(double[] theta)
        {
            var lambdas = new double[_d];
            for (var t = 0; t < _d; t++)
                lambdas[t] = Math.Exp(theta[t]);
            var signal = Math.Exp(theta[_d]);
            var noise = _deterministic ? DeterministicNoise : Math.Exp(theta[_d + 1]);
            return (lambdas, signal, noise);
        }

        public double[] Optimize(int maxIterations)
        {
            var lower = new double[Size];
            var upper = new double[Size];
            var start = new double[Size];
            for (var t = 0; t < _d; t++)
            {
                lower[t] = Math.Log(1e-2);  // ℓ ≤ 10
                upper[t] = Math.Log(1e4);   // ℓ ≥ 0.01
                start[t] = _lengthPriorMean;
            }
            lower[_d] = Math.Log(0.05);
            upper[_d] = Math.Log(20);
            start[_d] = 0;
            if (!_deterministic)
            {
                lower[_d + 1] = Math.Log(1e-6);
                upper[_d + 1] = Math.Log(1.0);
                start[_d + 1] = NoisePriorMean;
            }
            var result = Lbfgs.Minimize(NegativeLogPosterior, start, lower, upper,
                new LbfgsOptions { MaxIterations = maxIterations, GradientTolerance = 1e-5, RelativeFunctionTolerance = 1e-9 });
            return double.IsFinite(result.Value) ? result.X : start;
        }

        private double NegativeLogPosterior(double[] theta, double[] grad)
        {
            var (lambdas, signal, noise) = Unpack(theta);
            var n = _n;
            var k = new double[n * n];
            var dr2 = new double[n * n]; // ∂K/∂r² per pair, lower triangle
            var p = 0;
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j <= i; j++, p++)
                {
                    var r2 = 0.0;
                    for (var t = 0; t < _d; t++)
                        r2 += lambdas[t] * _pairDistances[t][p];
                    var v = signal * Matern52(r2);
                    k[i * n + j] = v;
                    k[j * n + i] = v;
                    dr2[i * n + j] = signal * Matern52Derivative(r2);
                }
                k[i * n + i] += noise + 1e-10;
            }
            var chol = Cholesky.TryFactor(k, n);
            if (chol is null)
                return double.PositiveInfinity;
            var alpha = chol.Solve(_y);
            var nll = 0.5 * Blas.Dot(_y, alpha) + 0.5 * chol.LogDeterminant() + 0.5 * n * Math.Log(2 * Math.PI);

            // ∂nll/∂θ = ½ tr(W ∂K/∂θ) with W = K⁻¹ − ααᵀ.
            var w = chol.Inverse();
            for (var i = 0; i < n; i++)
                Blas.Axpy(-alpha[i], alpha, w.AsSpan(i * n, n));
            Array.Clear(grad);
            double gSignal = 0, gNoise = 0;
            p = 0;
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j <= i; j++, p++)
                {
                    var factor = i == j ? 0.5 : 1.0; // off-diagonal pairs appear twice in the trace
                    var wij = w[i * n + j] * factor;
                    var kf = i == j ? signal : k[i * n + j];
                    gSignal += wij * kf;
                    var wg = wij * dr2[i * n + j];
                    if (wg != 0)
                    {
                        for (var t = 0; t < _d; t++)
                            grad[t] += wg * _pairDistances[t][p];
                    }
                }
                gNoise += 0.5 * w[i * n + i];
            }
            for (var t = 0; t < _d; t++)
                grad[t] *= lambdas[t]; // chain rule for θ = ln λ
            grad[_d] = gSignal;
            if (!_deterministic)
                grad[_d + 1] = gNoise * noise;

            // Log-normal priors (negative log densities up to constants).
            var lengthVar = 4 * LengthScalePriorSd * LengthScalePriorSd; // ln λ = −2 ln ℓ
            for (var t = 0; t < _d; t++)
            {
                var z = theta[t] - _lengthPriorMean;
                nll += 0.5 * z * z / lengthVar;
                grad[t] += z / lengthVar;
            }
            nll += 0.5 * theta[_d] * theta[_d];
            grad[_d] += theta[_d];
            if (!_deterministic)
            {
                var z = theta[_d + 1] - NoisePriorMean;
                nll += 0.5 * z * z / (NoisePriorSd * NoisePriorSd);
                grad[_d + 1] += z / (NoisePriorSd * NoisePriorSd);
            }
            return nll;
        }
    }
}
