using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Samplers;

/// <summary>
/// Independent uniform sampling (log-uniform on log scales, every grid point equally likely on
/// steps). The baseline every model-based sampler must beat, and their start-up sampler.
/// </summary>
public sealed class RandomSampler : ISampler
{
    private readonly TrialRandom _random;

    public RandomSampler(int? seed = null) => _random = new TrialRandom(seed);

    /// <summary>The seed in use (drawn at construction when none was given).</summary>
    public int Seed => _random.Seed;

    public IReadOnlyDictionary<string, double> SampleRelative(IStudyView study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        _random.BeginProposal(trial.Number);
        return EmptyProposal.Instance;
    }

    public double SampleIndependent(IStudyView study, FrozenTrial trial, ParameterSpec parameter)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(parameter);
        return UnitMapping.FromUnit(parameter.Distribution, _random.Current(trial.Number).NextDouble());
    }
}

/// <summary>The shared "no joint proposal" answer of SampleRelative.</summary>
internal static class EmptyProposal
{
    public static readonly IReadOnlyDictionary<string, double> Instance =
        System.Collections.Immutable.ImmutableDictionary<string, double>.Empty;
}
