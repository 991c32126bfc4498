namespace HoMM.Core.Importance;

/// <summary>Settings of <see cref="ParameterImportance.Evaluate(IReadOnlyList{Trials.FrozenTrial}, SearchSpace.SearchSpaceDefinition, ImportanceOptions?)"/>.</summary>
public sealed record ImportanceOptions
{
    /// <summary>Seed of the forest's bootstrap samples: the same trials and seed give the same importances.</summary>
    public int Seed { get; init; }

    public int Trees { get; init; } = 64;

    public int MaxDepth { get; init; } = 64;

    /// <summary>Smallest number of (bootstrapped) trials in a leaf.</summary>
    public int MinSamplesLeaf { get; init; } = 1;

    /// <summary>
    /// Bootstrap sample size per tree is min(trials, this): beyond a few thousand points a tree's
    /// variance split barely changes, while its cost keeps growing (10,000 trials stay interactive).
    /// </summary>
    public int MaxSamplesPerTree { get; init; } = 2048;

    /// <summary>Only these parameters (default: every parameter of the space with more than one value).</summary>
    public IReadOnlyList<string>? Parameters { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Trees, 1, nameof(Trees));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDepth, 1, nameof(MaxDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinSamplesLeaf, 1, nameof(MinSamplesLeaf));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSamplesPerTree, 2, nameof(MaxSamplesPerTree));
    }
}
