using HoMM.Core.Samplers;
using HoMM.Core.Trials;

namespace HoMM.Core.Pruners;

/// <summary>
/// Decides, after each intermediate value a running trial reports, whether to stop it early.
/// Variants compose: a median pruner is a 50th-percentile pruner; a patient pruner wraps another.
/// </summary>
public interface IPruner
{
    bool ShouldPrune(IStudyView study, FrozenTrial trial);
}
