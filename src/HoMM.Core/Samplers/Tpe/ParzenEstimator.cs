using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using HoMM.Core.Numerics;

namespace HoMM.Core.Samplers.Tpe;

/// <summary>
/// A weighted mixture of product kernels over a group of parameters: truncated normals for numbers
/// (bin masses for discrete ones), smoothed one-hot distributions for categorical choices, plus an
/// optional broad prior kernel. TPE builds one over the good trials, l(x), and one over the rest, g(x).
/// </summary>
internal sealed class ParzenEstimator
{
    private const double LogSqrt2Pi = 0.91893853320467274178;

    private readonly TpeDimension[] _dims;
    private readonly int _kernels;
    private readonly double[] _logWeights;
    private readonly double[] _cumulativeWeights;

    // Per dimension, per kernel (numeric dimensions).
    private readonly double[][] _mu;
    private readonly double[][] _sigma;
    private readonly double[][] _invSigma;
    private readonly double[][] _logNorm; // continuous: −log σ − log Z − log √(2π); discrete: −log Z

    // Per dimension, per kernel, per choice (categorical dimensions).
    private readonly double[][][] _logProb;

    /// <param name="dims">The parameters modelled.</param>
    /// <param name="observations">Model-space values, one row per observation, one column per dimension.</param>
    /// <param name="weights">Weight of each observation (unnormalised).</param>
    /// <param name="options">Prior, clipping and endpoint options.</param>
    /// <param name="multivariate">Kernel widths by the multivariate rule (one width per dimension) or by neighbour gaps.</param>
    /// <param name="bandwidthFactor">The multivariate rule's width factor (<see cref="TpeSamplerOptions.BandwidthFactorFor"/>).</param>
    public ParzenEstimator(TpeDimension[] dims, IReadOnlyList<double[]> observations, double[] weights, TpeSamplerOptions options, bool multivariate, double bandwidthFactor)
    {
        _dims = dims;
        var n = observations.Count;
        // Without observations the prior is the only sensible density, whatever the options say.
        var prior = options.ConsiderPrior || n == 0;
        _kernels = n + (prior ? 1 : 0);
        var w = new double[_kernels];
        for (var k = 0; k < n; k++)
            w[k] = Math.Max(0, weights[k]);
        if (prior)
            w[n] = options.ConsiderPrior ? options.PriorWeight : 1.0;
        var total = 0.0;
        foreach (var x in w)
            total += x;
        if (!(total > 0))
        {
            Array.Fill(w, 1.0);
            total = _kernels;
        }
        _logWeights = new double[_kernels];
        _cumulativeWeights = new double[_kernels];
        var acc = 0.0;
        for (var k = 0; k < _kernels; k++)
        {
            _logWeights[k] = Math.Log(w[k] / total);
            acc += w[k] / total;
            _cumulativeWeights[k] = acc;
        }

        _mu = new double[dims.Length][];
        _sigma = new double[dims.Length][];
        _invSigma = new double[dims.Length][];
        _logNorm = new double[dims.Length][];
        _logProb = new double[dims.Length][][];
        var column = new double[n];
        for (var j = 0; j < dims.Length; j++)
        {
            for (var k = 0; k < n; k++)
                column[k] = observations[k][j];
            if (dims[j].IsCategorical)
                _logProb[j] = CategoricalKernels(dims[j].ChoiceCount, column, prior, options.PriorWeight);
            else
                NumericKernels(j, column, prior, options, multivariate, bandwidthFactor);
        }
    }

    public int Dimensions => _dims.Length;

    /// <summary>Draws <paramref name="count"/> points (model space, snapped to valid values).</summary>
    public double[][] Sample(Rng rng, int count)
    {
        var result = new double[count][];
        for (var i = 0; i < count; i++)
        {
            var u = rng.NextDouble();
            var k = Array.BinarySearch(_cumulativeWeights, u);
            k = k < 0 ? Math.Min(~k, _kernels - 1) : k;
            var x = new double[_dims.Length];
            for (var j = 0; j < _dims.Length; j++)
            {
                var d = _dims[j];
                x[j] = d.IsCategorical
                    ? SampleCategorical(rng, _logProb[j][k])
                    : d.Snap(SampleTruncatedNormal(rng, _mu[j][k], _sigma[j][k], d.Low, d.High));
            }
            result[i] = x;
        }
        return result;
    }

    /// <summary>log density (log probability for discrete dimensions) of each point.</summary>
    public double[] LogPdf(double[][] points)
    {
        var result = new double[points.Length];
        // Discrete and categorical values repeat across candidates even when whole points do not
        // (multivariate draws): each distinct value's kernel terms are computed once per call.
        var discreteTerms = new Dictionary<double, double[]>?[_dims.Length];
        for (var j = 0; j < _dims.Length; j++)
        {
            if (_dims[j].IsCategorical || _dims[j].IsDiscrete)
                discreteTerms[j] = [];
        }
        // One kernel row at a time: a points × kernels matrix would be a large-object allocation per call.
        var buffer = ArrayPool<double>.Shared.Rent(_kernels);
        try
        {
            var row = buffer.AsSpan(0, _kernels);
            for (var i = 0; i < points.Length; i++)
            {
                // Discrete draws repeat often; an identical point has an identical density.
                var same = SameAsEarlier(points, i);
                if (same >= 0)
                {
                    result[i] = result[same];
                    continue;
                }
                _logWeights.CopyTo(row);
                for (var j = 0; j < _dims.Length; j++)
                {
                    var x = points[i][j];
                    if (discreteTerms[j] is not { } cache)
                    {
                        AddLogTerms(j, x, row);
                        continue;
                    }
                    if (!cache.TryGetValue(x, out var terms))
                    {
                        terms = new double[_kernels];
                        AddLogTerms(j, x, terms);
                        cache[x] = terms;
                    }
                    AddInPlace(row, terms);
                }
                result[i] = LogSumExp(row);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
        return result;
    }

    private static int SameAsEarlier(double[][] points, int i)
    {
        for (var e = 0; e < i; e++)
        {
            if (points[e].AsSpan().SequenceEqual(points[i]))
                return e;
        }
        return -1;
    }

    private void AddLogTerms(int j, double x, Span<double> row)
    {
        var d = _dims[j];
        if (d.IsCategorical)
        {
            var c = (int)x;
            var lp = _logProb[j];
            for (var k = 0; k < row.Length; k++)
                row[k] += lp[k][c];
        }
        else if (d.IsDiscrete)
        {
            var (lo, hi) = d.Bin(x);
            var mu = _mu[j];
            var inv = _invSigma[j];
            var norm = _logNorm[j];
            for (var k = 0; k < row.Length; k++)
                row[k] += FastNormal.LogMass((lo - mu[k]) * inv[k], (hi - mu[k]) * inv[k]) + norm[k];
        }
        else
        {
            AddGaussianLogTerms(row, x, _mu[j], _invSigma[j], _logNorm[j]);
        }
    }

    private static void AddInPlace(Span<double> row, double[] terms)
    {
        var k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vRow = MemoryMarshal.Cast<double, Vector<double>>(row);
            var vTerms = MemoryMarshal.Cast<double, Vector<double>>(terms.AsSpan(0, row.Length));
            for (var v = 0; v < vRow.Length; v++)
                vRow[v] += vTerms[v];
            k = vRow.Length * Vector<double>.Count;
        }
        for (; k < row.Length; k++)
            row[k] += terms[k];
    }

    /// <summary>row[k] += norm[k] − ½((x − μ[k])/σ[k])², vectorised: the hot loop of every ask.</summary>
    private static void AddGaussianLogTerms(Span<double> row, double x, double[] mu, double[] inv, double[] norm)
    {
        var k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = new Vector<double>(x);
            var half = new Vector<double>(0.5);
            var vRow = MemoryMarshal.Cast<double, Vector<double>>(row);
            var vMu = MemoryMarshal.Cast<double, Vector<double>>(mu);
            var vInv = MemoryMarshal.Cast<double, Vector<double>>(inv);
            var vNorm = MemoryMarshal.Cast<double, Vector<double>>(norm);
            for (var v = 0; v < vRow.Length; v++)
            {
                var z = (vx - vMu[v]) * vInv[v];
                vRow[v] += vNorm[v] - half * z * z;
            }
            k = vRow.Length * Vector<double>.Count;
        }
        for (; k < row.Length; k++)
        {
            var z = (x - mu[k]) * inv[k];
            row[k] += norm[k] - 0.5 * z * z;
        }
    }

    private void NumericKernels(int j, double[] observed, bool prior, TpeSamplerOptions options, bool multivariate, double bandwidthFactor)
    {
        var d = _dims[j];
        var range = d.High - d.Low;
        var n = observed.Length;
        var mu = new double[_kernels];
        var sigma = new double[_kernels];
        Array.Copy(observed, mu, n);
        if (prior)
            mu[n] = 0.5 * (d.Low + d.High);

        if (multivariate)
        {
            // One width per dimension, shrinking with the number of observations like Scott's rule.
            var s = bandwidthFactor * Math.Pow(Math.Max(n, 1), -1.0 / (_dims.Length + 4)) * range;
            Array.Fill(sigma, s, 0, n);
        }
        else
        {
            NeighbourWidths(mu, sigma, d.Low, d.High, options.ConsiderEndpoints);
        }

        var maxSigma = range;
        var minSigma = options.ConsiderMagicClip ? range / Math.Min(100.0, 1.0 + _kernels) : 1e-12 * range;
        for (var k = 0; k < n; k++)
            sigma[k] = Math.Clamp(sigma[k], minSigma, maxSigma);
        if (prior)
            sigma[n] = range;

        var norm = new double[_kernels];
        var inv = new double[_kernels];
        for (var k = 0; k < _kernels; k++)
        {
            inv[k] = 1 / sigma[k];
            var logZ = FastNormal.LogMass((d.Low - mu[k]) * inv[k], (d.High - mu[k]) * inv[k]);
            // A discrete kernel's value is a probability (bin mass); a continuous one's a density,
            // whose 1/σ factor is dropped when kernels are weighted by bandwidth.
            norm[k] = d.IsDiscrete ? -logZ
                : (options.WeightKernelsByBandwidth ? 0 : -Math.Log(sigma[k])) - logZ - LogSqrt2Pi;
        }
        _mu[j] = mu;
        _sigma[j] = sigma;
        _invSigma[j] = inv;
        _logNorm[j] = norm;
    }

    /// <summary>
    /// Univariate widths: each kernel as wide as the larger gap to its neighbours among all kernel
    /// centres (the range's ends act as outer neighbours). Without endpoints the outermost kernels
    /// use only their inner gap, so a lone extreme observation does not get a huge kernel.
    /// </summary>
    private static void NeighbourWidths(double[] mu, double[] sigma, double low, double high, bool considerEndpoints)
    {
        var count = mu.Length;
        var order = new int[count];
        for (var i = 0; i < count; i++)
            order[i] = i;
        var keys = (double[])mu.Clone();
        Array.Sort(keys, order);
        for (var r = 0; r < count; r++)
        {
            var left = r == 0 ? low : mu[order[r - 1]];
            var right = r == count - 1 ? high : mu[order[r + 1]];
            var x = mu[order[r]];
            sigma[order[r]] = Math.Max(x - left, right - x);
        }
        if (!considerEndpoints && count >= 2)
        {
            sigma[order[0]] = mu[order[1]] - mu[order[0]];
            sigma[order[count - 1]] = mu[order[count - 1]] - mu[order[count - 2]];
        }
    }

    private double[][] CategoricalKernels(int choices, double[] observed, bool prior, double priorWeight)
    {
        var n = observed.Length;
        var result = new double[_kernels][];
        // Each observation's kernel is one-hot smoothed by the prior weight spread over all kernels.
        var eps = prior ? priorWeight / _kernels : 0.0;
        for (var k = 0; k < n; k++)
        {
            var p = new double[choices];
            Array.Fill(p, eps);
            p[(int)observed[k]] += 1;
            var sum = 1 + eps * choices;
            for (var c = 0; c < choices; c++)
                p[c] = Math.Log(p[c] / sum);
            result[k] = p;
        }
        if (prior)
        {
            var uniform = new double[choices];
            Array.Fill(uniform, -Math.Log(choices));
            result[n] = uniform;
        }
        return result;
    }

    private static double SampleCategorical(Rng rng, double[] logProb)
    {
        var u = rng.NextDouble();
        var acc = 0.0;
        for (var c = 0; c < logProb.Length; c++)
        {
            acc += Math.Exp(logProb[c]);
            if (u < acc)
                return c;
        }
        return logProb.Length - 1;
    }

    /// <summary>
    /// Rejection from the untruncated normal: a kernel's centre lies in [low, high] and its width is
    /// at most the range, so at least a third of its mass is inside and few draws are rejected.
    /// </summary>
    private static double SampleTruncatedNormal(Rng rng, double mu, double sigma, double low, double high)
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var x = mu + sigma * rng.NextGaussian();
            if (x >= low && x <= high)
                return x;
        }
        return Math.Clamp(mu, low, high);
    }

    private static double LogSumExp(ReadOnlySpan<double> values)
    {
        var max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (v > max)
                max = v;
        }
        if (double.IsNegativeInfinity(max))
            return max;
        var sum = 0.0;
        foreach (var v in values)
        {
            // Terms e^-40 below the largest cannot change the sum; skipping them skips most exps.
            if (v > max - 40)
                sum += Math.Exp(v - max);
        }
        return max + Math.Log(sum);
    }
}
