namespace HoMM.ImageData.Transforms;

/// <summary>
/// Batch-level CutMix/MixUp as upstream HoMM's <c>CutMixUp</c> (src/utils/mixup.py): with
/// probability <see cref="Probability"/> a batch is mixed; it is then cut into groups of
/// <see cref="GroupSize"/> consecutive samples and each group, with probability
/// <see cref="MixupProbability"/>, gets MixUp (weight λ ~ Beta(α_mixup, α_mixup)), else CutMix
/// (λ ~ Beta(α_cutmix, α_cutmix), a box of area 1 − λ pasted, λ then set to the box's true
/// share); sample i of a group is mixed with sample i − 1 of the same group (the first with the
/// last). Targets become soft: λ · onehot(yᵢ) + (1 − λ) · onehot(yᵢ₋₁), summing to 1.
/// </summary>
public sealed record MixOptions
{
    /// <summary>Chance that a batch is mixed at all (upstream train_imagenet.py's <c>mixup_prob</c>, default 1).</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>Per group: MixUp with this probability, else CutMix (upstream 0.5).</summary>
    public double MixupProbability { get; init; } = 0.5;

    public double AlphaMixup { get; init; } = 0.1;

    public double AlphaCutmix { get; init; } = 1.0;

    /// <summary>Samples per mixing group (upstream 8).</summary>
    public int GroupSize { get; init; } = 8;

    public void Validate()
    {
        if (!(Probability is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(Probability), Probability, "must be in [0, 1]");
        if (!(MixupProbability is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(MixupProbability), MixupProbability, "must be in [0, 1]");
        if (!(AlphaMixup > 0))
            throw new ArgumentOutOfRangeException(nameof(AlphaMixup), AlphaMixup, "must be > 0");
        if (!(AlphaCutmix > 0))
            throw new ArgumentOutOfRangeException(nameof(AlphaCutmix), AlphaCutmix, "must be > 0");
        ArgumentOutOfRangeException.ThrowIfLessThan(GroupSize, 2);
    }
}
