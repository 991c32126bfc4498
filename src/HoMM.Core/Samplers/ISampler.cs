using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Samplers;

/// <summary>
/// What a sampler may read of the study: its direction, its search space and the trials so far
/// (finished ones, and running ones for constant-liar strategies).
/// </summary>
public interface IStudyView
{
    StudyDirection Direction { get; }

    /// <summary>
    /// One direction per objective; a single-objective study has one (<see cref="Direction"/>). A
    /// multi-objective study's <see cref="Direction"/> is its first objective's.
    /// </summary>
    IReadOnlyList<StudyDirection> Directions => [Direction];
    SearchSpaceDefinition SearchSpace { get; }

    /// <summary>All trials, in number order; snapshots never change once returned.</summary>
    IReadOnlyList<FrozenTrial> Trials { get; }

    /// <summary>
    /// Per objective, its exact value from a trial's parameters when known before training
    /// (<see cref="Studies.KnownObjective"/>), else null; empty (the default) when none is.
    /// </summary>
    IReadOnlyList<Studies.KnownObjective?> KnownObjectives => [];
}

/// <summary>
/// Proposes parameter values (after Optuna's BaseSampler): a sampler may choose a joint
/// ("relative") sample over the parameters it models, then each remaining parameter is drawn
/// independently. Implementations are deterministic for a given seed and history.
/// </summary>
public interface ISampler
{
    /// <summary>
    /// Joint proposal for the parameters of <paramref name="trial"/> the sampler models; may
    /// return an empty map. Values are internal representations.
    /// </summary>
    IReadOnlyDictionary<string, double> SampleRelative(IStudyView study, FrozenTrial trial);

    /// <summary>Independent fallback for one parameter; returns an internal representation.</summary>
    double SampleIndependent(IStudyView study, FrozenTrial trial, ParameterSpec parameter);
}
