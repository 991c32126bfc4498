namespace HoMM.ImageData.Transforms;

/// <summary>
/// The per-image transforms, as upstream HoMM's <c>build_imagenet</c> (src/utils/data.py):
/// training = resize the shorter side to <see cref="ResizeSize"/> → center crop
/// <see cref="ImageSize"/> → random horizontal flip → [0, 1] → normalise (mean 0.5, std 0.5);
/// evaluation = the same without the flip. Options as upstream: <see cref="RandomResizedCrop"/>
/// (its <c>build_imagefolder</c>) replaces resize + center crop in training, and RandAugment is
/// applied with probability <see cref="RandAugmentProbability"/>. Validated by
/// <see cref="Validate"/>.
/// </summary>
public sealed record ImageTransformOptions
{
    /// <summary>Output side in pixels (upstream <c>size</c>; the reference ablation trains at 160).</summary>
    public int ImageSize { get; init; } = 160;

    /// <summary>
    /// Upstream's <c>val_scale_ratio</c>: the shorter side is resized to ⌊ImageSize / ResizeRatio⌋
    /// before the center crop (1.0 in <c>build_imagenet</c>, 0.95 in <c>build_imagefolder</c>'s evaluation).
    /// </summary>
    public double ResizeRatio { get; init; } = 1.0;

    /// <summary>Training: mirror left–right with probability 0.5 (upstream always does).</summary>
    public bool HorizontalFlip { get; init; } = true;

    /// <summary>Training: torchvision's RandomResizedCrop instead of resize + center crop.</summary>
    public bool RandomResizedCrop { get; init; }

    /// <summary>RandomResizedCrop's area range as a fraction of the image (torchvision default 0.08–1).</summary>
    public double CropScaleMin { get; init; } = 0.08;

    public double CropScaleMax { get; init; } = 1.0;

    /// <summary>RandomResizedCrop's aspect-ratio range (torchvision default 3/4–4/3).</summary>
    public double CropRatioMin { get; init; } = 3.0 / 4.0;

    public double CropRatioMax { get; init; } = 4.0 / 3.0;

    /// <summary>Training: probability that RandAugment runs on an image (upstream's <c>randaugment_p</c> 0.1 when enabled; 0 = off).</summary>
    public double RandAugmentProbability { get; init; }

    /// <summary>RandAugment magnitude on torchvision's 0–30 scale (upstream 6).</summary>
    public int RandAugmentMagnitude { get; init; } = 6;

    /// <summary>RandAugment operations per image (torchvision default 2).</summary>
    public int RandAugmentOps { get; init; } = 2;

    /// <summary>Decode JPEGs reduced by 2, 4 or 8 when the crop stays at least <see cref="ImageSize"/> pixels (much faster; within rounding of the full decode).</summary>
    public bool ShrinkOnLoad { get; init; } = true;

    /// <summary>Normalisation x = (v − Mean) / Std for v in [0, 1] (upstream 0.5 and 0.5, every channel).</summary>
    public float Mean { get; init; } = 0.5f;

    public float Std { get; init; } = 0.5f;

    /// <summary>The shorter side before the center crop.</summary>
    public int ResizeSize => (int)(ImageSize / ResizeRatio);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the option and value that break a rule.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ImageSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ImageSize, 4096);
        if (!(ResizeRatio is > 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(ResizeRatio), ResizeRatio, "resize ratio must be in (0, 1]: the resized image must cover the crop");
        if (!(CropScaleMin > 0 && CropScaleMin <= CropScaleMax && CropScaleMax <= 1))
            throw new ArgumentOutOfRangeException(nameof(CropScaleMin), $"random resized crop scale [{CropScaleMin}, {CropScaleMax}] must satisfy 0 < min <= max <= 1");
        if (!(CropRatioMin > 0 && CropRatioMin <= CropRatioMax))
            throw new ArgumentOutOfRangeException(nameof(CropRatioMin), $"random resized crop ratio [{CropRatioMin}, {CropRatioMax}] must satisfy 0 < min <= max");
        if (!(RandAugmentProbability is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(RandAugmentProbability), RandAugmentProbability, "must be in [0, 1]");
        ArgumentOutOfRangeException.ThrowIfNegative(RandAugmentMagnitude);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RandAugmentMagnitude, RandAugment.MagnitudeBins - 1);
        ArgumentOutOfRangeException.ThrowIfNegative(RandAugmentOps);
        if (!(Std > 0))
            throw new ArgumentOutOfRangeException(nameof(Std), Std, "must be > 0");
    }
}
