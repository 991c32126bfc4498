namespace HoMM.TrainerSettings;

/// <summary>One trial's complete settings for the built-in trainer (the schema: <see cref="HommSettings"/>).</summary>
/// <param name="Model">The model's shape.</param>
/// <param name="Optim">The optimiser and schedule.</param>
/// <param name="Data">The data set.</param>
/// <param name="EvalEvery">Evaluate and checkpoint every this many steps.</param>
/// <param name="EvalBatch">Images per evaluation batch; null: the larger of the training batch and 256.</param>
/// <param name="Precision">fp32, or bf16 (autocast around the forward passes).</param>
/// <param name="Seed">Seed of initialisation and data order.</param>
/// <param name="Threads">CPU threads; null: the slot's share of the cores.</param>
/// <param name="Device">auto, cpu or cuda.</param>
public sealed record HommTrainerSettings(
    HommModelSettings Model,
    HommOptimSettings Optim,
    HommDataSettings Data,
    int EvalEvery,
    int? EvalBatch,
    string Precision,
    long Seed,
    int? Threads,
    string Device)
{
    /// <summary>Images per evaluation batch: <see cref="EvalBatch"/>, else the larger of the training batch and 256 (a method: the record's properties are the schema's settings).</summary>
    public int EvalBatchOrDefault() => EvalBatch ?? Math.Max(Optim.Batch, 256);
}

/// <summary>The HoMVision model: width, depth, patch size, moment order and expansions, dropout, pooling (cls or mean).</summary>
public sealed record HommModelSettings(int Dim, int Layers, int Patch, int Order, int OrderExpand, int FfwExpand, double Dropout, string Pooling);

/// <summary>AdamW with decoupled weight decay, linear warm-up then cosine decay, gradient clipping (0: off).</summary>
public sealed record HommOptimSettings(double Lr, double Wd, int Warmup, int Steps, int Batch, double Clip);

/// <summary>
/// The data: a <see cref="HommDataset"/> by name, where it is, the image side, the validation
/// hold-out (null: auto), and — for image folders — the decoding threads (null: auto) and upstream
/// HoMM's training augmentations.
/// </summary>
public sealed record HommDataSettings(
    string Dataset,
    string Path,
    int ImageSize,
    double? ValSize,
    int? Workers,
    bool HorizontalFlip,
    bool RandomResizedCrop,
    double RandaugmentP,
    int RandaugmentMagnitude,
    double MixProb,
    double MixupProb,
    double AlphaMixup,
    double AlphaCutmix)
{
    /// <summary>The validation hold-out when <see cref="ValSize"/> is auto: 10,000 images, at most a fifth of them.</summary>
    public const int AutoValidationImages = 10_000;

    /// <summary>
    /// How many of <paramref name="trainingImages"/> are held out for validation: <see cref="ValSize"/>
    /// as a count (≥ 1) or a fraction (&lt; 1, rounded), or auto (<see cref="AutoValidationImages"/>,
    /// at most a fifth of the images, so that a small folder still trains).
    /// </summary>
    public int ValidationCount(int trainingImages) => ValSize switch
    {
        null => Math.Min(AutoValidationImages, trainingImages / 5),
        >= 1 and var count => (int)Math.Min(count, int.MaxValue),
        var fraction => (int)Math.Round(fraction.Value * trainingImages, MidpointRounding.AwayFromZero),
    };
}
