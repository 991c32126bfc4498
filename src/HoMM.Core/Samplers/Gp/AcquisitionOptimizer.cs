using HoMM.Core.Numerics;

namespace HoMM.Core.Samplers.Gp;

/// <summary>
/// Finds a point of high log EI: scores random candidates and perturbations of the best
/// observed points, then refines the most promising few by projected L-BFGS over the numeric
/// coordinates (integers relaxed to continuous, then rounded) and a neighbourhood search over
/// discrete values and categories.
/// </summary>
internal sealed class AcquisitionOptimizer
{
    private const int PerturbedIncumbents = 5;
    private const int PerturbationsEach = 16;
    private const double PerturbationScale = 0.05;

    private readonly GaussianProcess _model;
    private readonly GpSampler.Encoding _space;
    private readonly double _best;
    private readonly GpSamplerOptions _options;
    private readonly int[] _numericDims;

    public AcquisitionOptimizer(GaussianProcess model, GpSampler.Encoding space, double best, GpSamplerOptions options)
    {
        _model = model;
        _space = space;
        _best = best;
        _options = options;
        _numericDims = Enumerable.Range(0, space.Numeric.Count).ToArray();
    }

    public double[] Maximize(Rng rng)
    {
        var candidates = new List<double[]>(_options.CandidateCount + PerturbedIncumbents * PerturbationsEach);
        for (var c = 0; c < _options.CandidateCount; c++)
        {
            var p = new double[_space.Dimension];
            for (var i = 0; i < _space.Numeric.Count; i++)
                p[i] = rng.NextDouble();
            for (var k = 0; k < _space.ChoiceCounts.Length; k++)
                p[_space.Numeric.Count + k] = rng.NextInt(_space.ChoiceCounts[k]);
            candidates.Add(p);
        }
        // Local candidates around the best observations: EI's maxima often sit just beside them.
        var observed = _model.Inputs.Take(_model.StandardizedOutputs.Count).ToArray();
        var incumbents = Enumerable.Range(0, _model.StandardizedOutputs.Count)
            .OrderBy(i => _model.StandardizedOutputs[i])
            .Take(PerturbedIncumbents);
        foreach (var i in incumbents)
        {
            for (var k = 0; k < PerturbationsEach; k++)
            {
                var p = (double[])observed[i].Clone();
                for (var j = 0; j < _space.Numeric.Count; j++)
                    p[j] += PerturbationScale * rng.NextGaussian();
                for (var c = 0; c < _space.ChoiceCounts.Length; c++)
                {
                    if (rng.NextDouble() < 0.2)
                        p[_space.Numeric.Count + c] = rng.NextInt(_space.ChoiceCounts[c]);
                }
                candidates.Add(p);
            }
        }

        var scored = new List<(double[] Point, double Score)>(candidates.Count);
        foreach (var p in candidates)
        {
            _space.Snap(p);
            scored.Add((p, Score(p)));
        }
        scored.Sort((a, b) => b.Score.CompareTo(a.Score));

        var bestPoint = scored[0].Point;
        var bestScore = scored[0].Score;
        var starts = new List<double[]>();
        foreach (var (p, _) in scored)
        {
            if (starts.Count >= _options.LocalSearchStarts)
                break;
            if (starts.All(s => !s.AsSpan().SequenceEqual(p)))
                starts.Add(p);
        }
        foreach (var start in starts)
        {
            var (p, s) = Refine(start);
            if (s > bestScore)
                (bestPoint, bestScore) = (p, s);
        }
        return bestPoint;
    }

    private double Score(double[] p)
    {
        var mean = _model.PredictStandardized(p, out var variance);
        return LogExpectedImprovement.Value(mean, variance, _best);
    }

    private (double[] Point, double Score) Refine(double[] start)
    {
        var point = (double[])start.Clone();
        var score = Score(point);
        if (_numericDims.Length > 0)
        {
            var full = (double[])point.Clone();
            var dMean = new double[_numericDims.Length];
            var dVar = new double[_numericDims.Length];
            double Objective(double[] u, double[] grad)
            {
                for (var a = 0; a < u.Length; a++)
                    full[_numericDims[a]] = u[a];
                var mean = _model.PredictWithGradient(full, _numericDims, out var variance, dMean, dVar);
                var value = LogExpectedImprovement.Value(mean, variance, _best, out var gm, out var gv);
                for (var a = 0; a < u.Length; a++)
                    grad[a] = -(gm * dMean[a] + gv * dVar[a]);
                return double.IsFinite(value) ? -value : double.PositiveInfinity;
            }
            var u0 = _numericDims.Select(j => point[j]).ToArray();
            var lower = new double[u0.Length];
            var upper = Enumerable.Repeat(1.0, u0.Length).ToArray();
            var result = Lbfgs.Minimize(Objective, u0, lower, upper, new LbfgsOptions { MaxIterations = 40, GradientTolerance = 1e-6 });
            var candidate = (double[])point.Clone();
            for (var a = 0; a < _numericDims.Length; a++)
                candidate[_numericDims[a]] = result.X[a];
            _space.Snap(candidate);
            var s = Score(candidate);
            if (s > score)
                (point, score) = (candidate, s);
        }
        return NeighbourhoodSearch(point, score);
    }

    /// <summary>Hill-climbs over one-step moves of discrete values and category switches.</summary>
    private (double[] Point, double Score) NeighbourhoodSearch(double[] point, double score)
    {
        for (var pass = 0; pass < 3; pass++)
        {
            var improved = false;
            for (var i = 0; i < _space.Numeric.Count; i++)
            {
                var dim = _space.Numeric[i];
                if (!dim.IsDiscrete)
                    continue;
                var (below, above) = dim.Thresholds(point[i]);
                foreach (var threshold in new[] { below is { } b ? b - 1e-9 : (double?)null, above is { } a ? a + 1e-9 : null })
                {
                    if (threshold is not { } t)
                        continue;
                    var candidate = (double[])point.Clone();
                    candidate[i] = dim.Encode(dim.Decode(t));
                    var s = Score(candidate);
                    if (s > score)
                    {
                        (point, score, improved) = (candidate, s, true);
                    }
                }
            }
            for (var c = 0; c < _space.ChoiceCounts.Length; c++)
            {
                var index = _space.Numeric.Count + c;
                for (var choice = 0; choice < _space.ChoiceCounts[c]; choice++)
                {
                    if (choice == (int)point[index])
                        continue;
                    var candidate = (double[])point.Clone();
                    candidate[index] = choice;
                    var s = Score(candidate);
                    if (s > score)
                        (point, score, improved) = (candidate, s, true);
                }
            }
            if (!improved)
                break;
        }
        return (point, score);
    }
}
