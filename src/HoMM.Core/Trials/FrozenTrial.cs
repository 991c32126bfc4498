using HoMM.Core.SearchSpace;

namespace HoMM.Core.Trials;

/// <summary>
/// An immutable snapshot of a trial, as samplers, pruners, stores and reports see it.
/// <see cref="Params"/> holds external values (what the trainer got); <see cref="Distributions"/>
/// the distribution each was drawn from. <see cref="IntermediateValues"/> maps step → objective
/// value reported at that step. In a multi-objective study <see cref="Values"/> holds one value per
/// objective (the study's order) and <see cref="Value"/> is the first of them, so everything that
/// reads one number (pruners, the optimisation history, single-objective samplers) sees the first
/// objective; in a single-objective study <see cref="Values"/> is null.
/// </summary>
public sealed record FrozenTrial(
    long Id,
    int Number,
    TrialState State,
    double? Value,
    IReadOnlyDictionary<string, object> Params,
    IReadOnlyDictionary<string, Distribution> Distributions,
    IReadOnlyDictionary<long, double> IntermediateValues,
    DateTimeOffset? Started = null,
    DateTimeOffset? Finished = null,
    string? FailReason = null,
    IReadOnlyList<double>? Values = null)
{
    /// <summary>The objective vector: <see cref="Values"/>, or the one <see cref="Value"/>, or null when there is none.</summary>
    public IReadOnlyList<double>? ObjectiveValues => Values ?? (Value is { } v ? [v] : null);

    /// <summary>The value of <paramref name="name"/> in the sampler's internal representation.</summary>
    public double InternalParam(string name) => Distributions[name].ToInternal(Params[name]);

    /// <summary>The last reported step, or null when none was reported.</summary>
    public long? LastStep => IntermediateValues.Count == 0 ? null : IntermediateValues.Keys.Max();
}
