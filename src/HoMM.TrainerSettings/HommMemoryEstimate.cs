namespace HoMM.TrainerSettings;

/// <summary>
/// A training run's device memory by part, in bytes (<see cref="HommComplexity.TrainingMemory(HommShape, int, int, bool)"/>).
/// </summary>
/// <param name="Weights">fp32 parameters.</param>
/// <param name="Gradients">Their fp32 gradients.</param>
/// <param name="OptimizerState">AdamW's first and second moments (fp32, two per parameter).</param>
/// <param name="WeightCopies">bf16 copies of the weights autocast keeps for a step (0 under fp32).</param>
/// <param name="TrainingActivations">A training step's activations and the gradients of one layer in backward.</param>
/// <param name="EvaluationActivations">An evaluation batch's activations (no autograd).</param>
public sealed record HommMemoryEstimate(
    long Weights,
    long Gradients,
    long OptimizerState,
    long WeightCopies,
    long TrainingActivations,
    long EvaluationActivations)
{
    /// <summary>What lives for the whole run: weights, gradients, optimizer state, weight copies.</summary>
    public long Static => Weights + Gradients + OptimizerState + WeightCopies;

    /// <summary>The peak: the static part and the larger of a training step's and an evaluation's activations.</summary>
    public long Peak => Static + Math.Max(TrainingActivations, EvaluationActivations);
}
