using HoMM.Core.Constraints;

namespace HoMM.Core.Studies;

/// <summary>How a <see cref="Study"/> proposes trials, and where its clock comes from.</summary>
public sealed record StudyOptions
{
    /// <summary>Stamps Started and Finished; inject a fake one in tests.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Expressions every trial must satisfy (<see cref="TrialRules"/>).</summary>
    public IReadOnlyList<ConstraintExpression> Constraints { get; init; } = [];

    /// <summary>
    /// Further hard limits on a complete proposal (external values of the active parameters), such
    /// as model size: null accepts it, a reason refuses it and the sampler proposes again.
    /// </summary>
    public FeasibilityCheck? Feasibility { get; init; }

    /// <summary>Attempts per ask and duplicate avoidance.</summary>
    public ProposalOptions Proposal { get; init; } = new();
}
