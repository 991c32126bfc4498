namespace HoMM.Core.Studies;

/// <summary>How a <see cref="Study"/> proposes trials, and where its clock comes from.</summary>
public sealed record StudyOptions
{
    /// <summary>Stamps Started and Finished; inject a fake one in tests.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Hard constraints: a proposal (external values of the active parameters) is used only when
    /// this returns true; otherwise the sampler proposes again. Null accepts everything.
    /// </summary>
    public Func<IReadOnlyDictionary<string, object>, bool>? Feasibility { get; init; }

    /// <summary>
    /// How many proposals one ask may try before it gives up on the constraints (and how many it
    /// spends steering away from duplicates of running trials, after which a duplicate is accepted).
    /// </summary>
    public int MaxProposalAttempts { get; init; } = 100;

    /// <summary>
    /// Propose again when a proposal equals the parameters of a trial that is waiting or running,
    /// so parallel workers do not train the same configuration twice.
    /// </summary>
    public bool AvoidDuplicatesOfRunningTrials { get; init; } = true;
}
