using HoMM.Core.Numerics;

namespace HoMM.Core.Samplers.CmaEs;

/// <summary>
/// One run of the covariance matrix adaptation evolution strategy in the unit cube, after
/// Hansen's tutorial ("The CMA Evolution Strategy: A Tutorial", 2016): weighted recombination
/// with negative (active) weights, cumulative step-size adaptation, rank-one and rank-μ updates.
/// Discrete coordinates get a margin (after Hamano et al., "CMA-ES with Margin", 2022): their
/// sampling spread is widened so that each keeps at least probability α of leaving its current
/// value, so integers cannot freeze while the continuous part still converges.
/// </summary>
internal sealed class CmaEvolution
{
    private readonly int _n;
    private readonly double[] _weights;
    private readonly double _muEff;
    private readonly double _cc, _cs, _c1, _cmu, _ds, _chiN, _clipNorm;
    private readonly double[] _c;  // covariance, row-major
    private readonly double[] _b;  // eigenvectors of C (columns), row-major
    private readonly double[] _d;  // square roots of the eigenvalues of C
    private readonly double[] _ps, _pc;
    private readonly double[] _margin; // per-coordinate widening A (1 = none)
    private readonly Func<int, double, (double? Below, double? Above)>? _thresholds;
    private readonly double _marginQuantile;
    private readonly List<double> _bestHistory = [];
    private readonly bool _separable;

    public CmaEvolution(int dimension, int populationSize, double[] mean, double sigma,
        Func<int, double, (double? Below, double? Above)>? discreteThresholds = null, bool separable = false)
    {
        _separable = separable;
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(populationSize, 2);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sigma, 0.0);
        _n = dimension;
        PopulationSize = populationSize;
        Mean = (double[])mean.Clone();
        Sigma = sigma;
        InitialSigma = sigma;

        var n = (double)dimension;
        var lambda = populationSize;
        var mu = lambda / 2;
        var raw = new double[lambda];
        for (var i = 0; i < lambda; i++)
            raw[i] = Math.Log((lambda + 1) / 2.0) - Math.Log(i + 1);
        double posSum = 0, posSq = 0, negSum = 0, negSq = 0;
        for (var i = 0; i < lambda; i++)
        {
            if (i < mu)
            {
                posSum += raw[i];
                posSq += raw[i] * raw[i];
            }
            else
            {
                negSum += raw[i];
                negSq += raw[i] * raw[i];
            }
        }
        _muEff = posSum * posSum / posSq;
        var muEffMinus = negSq > 0 ? negSum * negSum / negSq : 0;

        const double alphaCov = 2;
        _c1 = alphaCov / ((n + 1.3) * (n + 1.3) + _muEff);
        _cmu = Math.Min(1 - _c1, alphaCov * (_muEff - 2 + 1 / _muEff) / ((n + 2) * (n + 2) + alphaCov * _muEff / 2));
        if (separable)
        {
            // sep-CMA (Ros and Hansen, 2008): a diagonal C has n instead of n(n+1)/2 free
            // entries, so it can learn (n + 2)/3 times faster.
            _c1 *= (n + 2) / 3;
            _cmu = Math.Min(1 - _c1, _cmu * (n + 2) / 3);
        }
        _cs = (_muEff + 2) / (n + _muEff + 5);
        _ds = 1 + 2 * Math.Max(0, Math.Sqrt((_muEff - 1) / (n + 1)) - 1) + _cs;
        _cc = (4 + _muEff / n) / (n + 4 + 2 * _muEff / n);
        _chiN = Math.Sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
        // Hansen's bound for injected solutions: longer steps are shortened to this Mahalanobis length.
        _clipNorm = Math.Sqrt(n) + 2 * n / (n + 2);

        var alphaMuMinus = 1 + _c1 / _cmu;
        var alphaMuEffMinus = 1 + 2 * muEffMinus / (_muEff + 2);
        var alphaPosDef = (1 - _c1 - _cmu) / (n * _cmu);
        var negScale = Math.Min(alphaMuMinus, Math.Min(alphaMuEffMinus, alphaPosDef));
        _weights = new double[lambda];
        for (var i = 0; i < lambda; i++)
            _weights[i] = raw[i] >= 0 ? raw[i] / posSum : negSum != 0 ? negScale * raw[i] / -negSum : 0;

        _c = new double[_n * _n];
        _b = new double[_n * _n];
        _d = new double[_n];
        for (var i = 0; i < _n; i++)
        {
            _c[i * _n + i] = 1;
            _b[i * _n + i] = 1;
            _d[i] = 1;
        }
        _ps = new double[_n];
        _pc = new double[_n];
        _margin = Enumerable.Repeat(1.0, _n).ToArray();
        _thresholds = discreteThresholds;
        // α = 1/(nλ): the chance that a discrete coordinate leaves its value, per side, per sample.
        _marginQuantile = -Normal.Quantile(1.0 / (n * lambda));
        UpdateMargin();
    }

    public int PopulationSize { get; }

    public double[] Mean { get; }

    public double Sigma { get; private set; }

    public double InitialSigma { get; }

    public int Generation { get; private set; }

    /// <summary>Draws one candidate in the unit cube (resampling up to 100 times before clipping).</summary>
    public double[] Sample(Rng rng)
    {
        var z = new double[_n];
        var x = new double[_n];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            DrawStep(rng, z, x);
            if (x.All(v => v is >= 0 and <= 1))
                return x;
        }
        for (var i = 0; i < _n; i++)
            x[i] = Math.Clamp(x[i], 0, 1);
        return x;
    }

    private void DrawStep(Rng rng, double[] z, double[] x)
    {
        for (var i = 0; i < _n; i++)
            z[i] = _d[i] * rng.NextGaussian();
        for (var i = 0; i < _n; i++)
        {
            var y = Blas.Dot(_b.AsSpan(i * _n, _n), z); // (B·D·z)ᵢ
            x[i] = Mean[i] + Sigma * _margin[i] * y;
        }
    }

    /// <summary>Updates the distribution from one generation of evaluated points (lower f is better).</summary>
    public void Tell(IReadOnlyList<(double[] X, double F)> solutions)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(solutions.Count, PopulationSize, nameof(solutions));
        var sorted = solutions.OrderBy(s => s.F).ToArray(); // stable: ties keep trial order
        Generation++;
        _bestHistory.Add(sorted[0].F);
        LastGenerationRange = sorted[^1].F - sorted[0].F;

        // Steps in the coordinates of N(0, C), clipped like injected solutions: points we did
        // not sample ourselves (enqueued, or drawn from an older state) must not wreck the update.
        var ys = new double[sorted.Length][];
        var cInvHalfYs = new double[sorted.Length][];
        for (var k = 0; k < sorted.Length; k++)
        {
            var y = new double[_n];
            for (var i = 0; i < _n; i++)
                y[i] = (sorted[k].X[i] - Mean[i]) / (Sigma * _margin[i]);
            var w = InvSqrtC(y);
            var norm = Math.Sqrt(Blas.SumOfSquares(w));
            if (norm > _clipNorm)
            {
                var f = _clipNorm / norm;
                for (var i = 0; i < _n; i++)
                {
                    y[i] *= f;
                    w[i] *= f;
                }
            }
            ys[k] = y;
            cInvHalfYs[k] = w;
        }

        var mu = PopulationSize / 2;
        var yw = new double[_n];
        var cInvHalfYw = new double[_n];
        for (var k = 0; k < mu; k++)
        {
            Blas.Axpy(_weights[k], ys[k], yw);
            Blas.Axpy(_weights[k], cInvHalfYs[k], cInvHalfYw);
        }
        for (var i = 0; i < _n; i++)
            Mean[i] += Sigma * _margin[i] * yw[i];

        var csFactor = Math.Sqrt(_cs * (2 - _cs) * _muEff);
        for (var i = 0; i < _n; i++)
            _ps[i] = (1 - _cs) * _ps[i] + csFactor * cInvHalfYw[i];
        var psNorm = Math.Sqrt(Blas.SumOfSquares(_ps));
        var hSigma = psNorm / Math.Sqrt(1 - Math.Pow(1 - _cs, 2 * Generation)) < (1.4 + 2 / (_n + 1.0)) * _chiN;
        var ccFactor = Math.Sqrt(_cc * (2 - _cc) * _muEff);
        for (var i = 0; i < _n; i++)
            _pc[i] = (1 - _cc) * _pc[i] + (hSigma ? ccFactor * yw[i] : 0);

        var weightSum = _weights.Sum();
        var deltaH = hSigma ? 0 : _cc * (2 - _cc);
        var decay = 1 + _c1 * deltaH - _c1 - _cmu * weightSum;
        for (var i = 0; i < _n * _n; i++)
            _c[i] *= decay;
        for (var i = 0; i < _n; i++)
        {
            for (var j = 0; j < _n; j++)
                _c[i * _n + j] += _c1 * _pc[i] * _pc[j];
        }
        for (var k = 0; k < sorted.Length; k++)
        {
            var w = _weights[k];
            if (w < 0)
            {
                // Negative weights are rescaled by n/‖C^(−1/2)y‖² so C stays positive definite.
                var sq = Blas.SumOfSquares(cInvHalfYs[k]);
                w = sq > 0 ? w * _n / sq : 0;
            }
            var coef = _cmu * w;
            var y = ys[k];
            for (var i = 0; i < _n; i++)
            {
                var ci = coef * y[i];
                Blas.Axpy(ci, y, _c.AsSpan(i * _n, _n));
            }
        }

        if (_separable)
        {
            for (var i = 0; i < _n; i++)
            {
                for (var j = 0; j < _n; j++)
                {
                    if (i != j)
                        _c[i * _n + j] = 0;
                }
            }
        }
        Sigma *= Math.Exp(Math.Min(1.0, _cs / _ds * (psNorm / _chiN - 1)));
        Decompose();
        UpdateMargin();
    }

    /// <summary>Max − min of f in the last generation told.</summary>
    public double LastGenerationRange { get; private set; } = double.PositiveInfinity;

    /// <summary>
    /// Why this run should end and restart, or null to go on: the spread has collapsed (tolx), the
    /// objective no longer changes (tolfun), the covariance is ill-conditioned, or σ exploded.
    /// </summary>
    public string? StopReason(double tolX = 1e-12, double tolFun = 1e-12, double maxCondition = 1e14)
    {
        if (Generation == 0)
            return null;
        var maxStd = 0.0;
        for (var i = 0; i < _n; i++)
            maxStd = Math.Max(maxStd, Sigma * Math.Sqrt(_c[i * _n + i]));
        if (maxStd < tolX)
            return "tolx";
        if (Sigma * _d.Max() > 1e4 * InitialSigma)
            return "tolxup";
        var dMax = _d.Max();
        var dMin = _d.Min();
        if (dMin <= 0 || dMax * dMax / (dMin * dMin) > maxCondition)
            return "condition";
        var window = 10 + (int)Math.Ceiling(30.0 * _n / PopulationSize);
        if (_bestHistory.Count >= window)
        {
            var recent = _bestHistory.Skip(_bestHistory.Count - window).ToArray();
            if (recent.Max() - recent.Min() < tolFun && LastGenerationRange < tolFun)
                return "tolfun";
        }
        return null;
    }

    private double[] InvSqrtC(double[] y)
    {
        // C^(−1/2)·y = B·D⁻¹·Bᵀ·y
        var t = new double[_n];
        for (var k = 0; k < _n; k++)
        {
            var s = 0.0;
            for (var i = 0; i < _n; i++)
                s += _b[i * _n + k] * y[i];
            t[k] = s / _d[k];
        }
        var r = new double[_n];
        for (var i = 0; i < _n; i++)
            r[i] = Blas.Dot(_b.AsSpan(i * _n, _n), t);
        return r;
    }

    private void Decompose()
    {
        if (_separable)
        {
            for (var i = 0; i < _n; i++)
                _d[i] = Math.Sqrt(Math.Max(_c[i * _n + i], 1e-300));
            return; // B stays the identity
        }
        for (var i = 0; i < _n; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var avg = 0.5 * (_c[i * _n + j] + _c[j * _n + i]);
                _c[i * _n + j] = avg;
                _c[j * _n + i] = avg;
            }
        }
        var eig = SymmetricEigen.Decompose(_c, _n);
        for (var k = 0; k < _n; k++)
            _d[k] = Math.Sqrt(Math.Max(eig.Values[k], 1e-300));
        for (var i = 0; i < _n * _n; i++)
            _b[i] = eig.Vectors[i];
    }

    private void UpdateMargin()
    {
        if (_thresholds is null)
            return;
        for (var i = 0; i < _n; i++)
        {
            _margin[i] = 1;
            var (below, above) = _thresholds(i, Mean[i]);
            if (below is null && above is null)
                continue;
            // Distance from the mean to the nearest value boundary; widen this coordinate's spread
            // until crossing it has probability α (the margin).
            var distance = Math.Min(below is { } b ? Math.Max(Mean[i] - b, 0) : double.PositiveInfinity,
                                    above is { } a ? Math.Max(a - Mean[i], 0) : double.PositiveInfinity);
            var std = Sigma * Math.Sqrt(_c[i * _n + i]);
            if (std > 0 && distance > _marginQuantile * std)
                _margin[i] = distance / (_marginQuantile * std);
        }
    }
}
