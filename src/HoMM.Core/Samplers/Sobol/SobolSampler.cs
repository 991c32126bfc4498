using HoMM.Core.Numerics;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Samplers.Sobol;

/// <summary>
/// Quasi-random sampling with a scrambled Sobol sequence: one dimension per parameter of the search
/// space (inactive conditional ones included, so dimensions never shift), mapped onto each
/// distribution like uniform sampling. Covers the space more evenly than random for the same
/// number of trials, which is what an exploration budget or a surrogate's start-up wants.
/// </summary>
/// <remarks>
/// Point k goes to the trial numbered k (later points when asked again for the same trial), so a
/// resumed study continues the sequence where it stopped and parallel asks get distinct points.
/// Scrambling is Owen's nested uniform scrambling: each digit is flipped by a random bit that
/// depends on all the digits before it, drawn from a hash of (seed, dimension, those digits).
/// </remarks>
public sealed class SobolSampler : ISampler
{
    private readonly SobolSamplerOptions _options;
    private readonly TrialRandom _random;
    private long _nextIndex;
    private int _lastTrial = int.MinValue;

    public SobolSampler(SobolSamplerOptions? options = null)
    {
        _options = options ?? new SobolSamplerOptions();
        _random = new TrialRandom(_options.Seed);
    }

    public int Seed => _random.Seed;

    public IReadOnlyDictionary<string, double> SampleRelative(IStudyView study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        _random.BeginProposal(trial.Number);
        var index = trial.Number == _lastTrial ? _nextIndex : Math.Max(_nextIndex, trial.Number);
        _lastTrial = trial.Number;
        _nextIndex = index + 1;
        if (!_options.Scramble)
            index++; // the unscrambled origin is a corner of every dimension

        var parameters = study.SearchSpace.Parameters;
        var result = new Dictionary<string, double>(parameters.Count, StringComparer.Ordinal);
        for (var d = 0; d < parameters.Count; d++)
        {
            var p = parameters[d];
            if (p.Distribution.IsSingle)
                continue;
            result[p.Name] = UnitMapping.FromUnit(p.Distribution, Coordinate(index, d));
        }
        return result;
    }

    /// <summary>Reached only for parameters the sequence does not cover; uniform like random sampling.</summary>
    public double SampleIndependent(IStudyView study, FrozenTrial trial, ParameterSpec parameter)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(parameter);
        return UnitMapping.FromUnit(parameter.Distribution, _random.Current(trial.Number).NextDouble());
    }

    /// <summary>Coordinate <paramref name="dimension"/> of point <paramref name="index"/>, in [0, 1).</summary>
    public double Coordinate(long index, int dimension)
    {
        if (index >= 1L << SobolDirections.Bits)
            throw new InvalidOperationException("the Sobol sequence has 2^32 points; this study asked for more");
        var v = SobolDirections.Get(dimension);
        var x = 0u;
        for (var bit = 0; index >> bit != 0; bit++)
        {
            if (((index >> bit) & 1) != 0)
                x ^= v[bit];
        }
        if (!_options.Scramble)
            return x * (1.0 / 4294967296.0);

        var dimensionKey = Rng.Mix(_random.Seed, dimension);
        var scrambled = OwenScramble(x, dimensionKey);
        // Digits past the 32nd are uniformly random after scrambling; fill them so values are continuous.
        var tail = (Rng.Mix((long)dimensionKey, x) >> 11) * (1.0 / (1UL << 53));
        return (scrambled + tail) * (1.0 / 4294967296.0);
    }

    private static uint OwenScramble(uint x, ulong key)
    {
        var result = 0u;
        for (var r = 0; r < SobolDirections.Bits; r++)
        {
            // Node of the binary digit tree: depth r and the r digits above it.
            var prefix = r == 0 ? 0u : x >> (SobolDirections.Bits - r);
            var node = (1UL << r) | prefix;
            var flip = (uint)(Rng.Mix((long)key, (long)node) & 1);
            var digit = ((x >> (SobolDirections.Bits - 1 - r)) & 1) ^ flip;
            result |= digit << (SobolDirections.Bits - 1 - r);
        }
        return result;
    }
}
