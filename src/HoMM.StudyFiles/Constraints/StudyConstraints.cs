using HoMM.Core.Constraints;

namespace HoMM.StudyFiles.Constraints;

/// <summary>
/// What a sampled configuration must satisfy: expressions over the parameters, and limits on the
/// model's size and cost that the built-in trainer computes from its configuration.
/// </summary>
/// <param name="Expressions">Conditions over the parameters; all must hold.</param>
/// <param name="MaxParams">At most this many trainable parameters (null: no limit).</param>
/// <param name="MaxFlops">At most this many FLOPs per forward pass of one example (null: no limit).</param>
public sealed record StudyConstraints(IReadOnlyList<ConstraintExpression> Expressions, long? MaxParams, long? MaxFlops)
{
    public static StudyConstraints None { get; } = new([], null, null);

    public bool IsEmpty => Expressions.Count == 0 && MaxParams is null && MaxFlops is null;
}
