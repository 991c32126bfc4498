using HoMM.Core.Samplers;
using HoMM.Core.Trials;

namespace HoMM.Core.Pruners;

/// <summary>Never prunes: every trial runs to the end.</summary>
public sealed class NopPruner : IPruner
{
    public bool ShouldPrune(IStudyView study, FrozenTrial trial) => false;
}
