namespace HoMM.Trainer.Training;

/// <summary>The arithmetic of the forward passes.</summary>
public enum Precision
{
    /// <summary>Everything in float32.</summary>
    Fp32,

    /// <summary>
    /// Mixed precision, as Lightning's <c>bf16-mixed</c>: the forward passes (training and
    /// evaluation) run under bfloat16 autocast — matmuls, linears and convolutions in bfloat16 —
    /// while the weights, gradients, optimizer state and the loss stay float32. No loss scaling:
    /// bfloat16 has float32's exponent range.
    /// </summary>
    Bf16,
}

/// <summary>
/// Knobs of a run that are not (yet) trainer settings of the study file. Defaults: a 10,000-image
/// validation hold-out with split seed 0, evaluation batches of max(optim.batch, 256), float32.
/// </summary>
public sealed record TrainingOptions
{
    public static readonly TrainingOptions Default = new();

    /// <summary>Training images held out as the validation set (<c>val/*</c>).</summary>
    public int ValidationSize { get; init; } = 10_000;

    /// <summary>Seeds which images are held out; fixed for a study, independent of the trial's <c>seed</c>.</summary>
    public long SplitSeed { get; init; }

    /// <summary>Images per evaluation batch (no gradients are kept, so it can exceed the training batch); null: max(optim.batch, 256).</summary>
    public int? EvalBatch { get; init; }

    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>The evaluation batch for a training batch of <paramref name="trainingBatch"/>.</summary>
    public int EvalBatchFor(int trainingBatch) => EvalBatch ?? Math.Max(trainingBatch, 256);

    /// <summary>Every value out of range, as sentences (empty when all are valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ValidationSize < 1)
            errors.Add($"data.val_size must be at least 1 (got {ValidationSize}); the validation set gives val/*, the metrics the search selects on");
        if (EvalBatch is < 1)
            errors.Add($"eval_batch must be at least 1 (got {EvalBatch})");
        if (!Enum.IsDefined(Precision))
            errors.Add($"precision must be bf16 or fp32 (got {Precision})");
        return errors;
    }
}
