using HoMM.Core.Pruners;

namespace HoMM.StudyFiles.Algorithms;

/// <summary>
/// The sampler to use: its <see cref="Kind"/> (canonical name, e.g. <c>tpe</c>), its
/// <see cref="Seed"/> (null: the run picks one and records it), and its other options by their
/// snake_case names with validated values (long, double, bool or string).
/// </summary>
public sealed record SamplerDefinition(string Kind, long? Seed, IReadOnlyDictionary<string, object> Options)
{
    /// <summary>What a study without a <c>sampler</c> section uses.</summary>
    public static SamplerDefinition Default { get; } = new("tpe", null, new Dictionary<string, object>());
}

/// <summary>
/// The pruner to use: its canonical <see cref="Kind"/> (<c>successive_halving</c> is read as
/// <c>asha</c>), its options, and for <c>patient</c> the pruner it wraps.
/// </summary>
public sealed record PrunerDefinition(string Kind, IReadOnlyDictionary<string, object> Options, PrunerDefinition? Wrapped = null)
{
    /// <summary>What a study without a <c>pruner</c> section uses: never prune.</summary>
    public static PrunerDefinition Default { get; } = new("nop", new Dictionary<string, object>());

    /// <summary><c>mode: promote</c>: trials pause at each rung and the best are resumed later, instead of being stopped.</summary>
    public bool Promotes => PrunerCatalog.IsPromoting(Kind, AlgorithmCatalog.Options(this));

    /// <summary>
    /// The promotion schedule of a promoting pruner (null for a stopping one); max_resource: auto
    /// takes <paramref name="fullRunSteps"/> (the trainer's <see cref="Trainer.TrainerDefinition.FullRunSteps"/>).
    /// </summary>
    public IPromotionSchedule? PromotionSchedule(long? fullRunSteps) =>
        PrunerCatalog.CreatePromotion(Kind, AlgorithmCatalog.Options(this), fullRunSteps);
}
