using HoMM.Core.SearchSpace;

namespace HoMM.Reports.Html;

/// <summary>A trained model's size: parameter count and FLOPs per example (either may be unknown).</summary>
public sealed record ModelSize(double? Params, double? Flops);

/// <summary>What a report shows: the study and what is known about it beyond its trials.</summary>
public sealed record StudyReport(ReportStudy Study)
{
    /// <summary>
    /// Parameter → importance for the (first) objective, when already known: shorthand for
    /// <see cref="Importances"/> with one entry. When null and <see cref="SearchSpace"/> is given,
    /// the report evaluates fANOVA-style importances itself; with neither there is no importance plot.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Importance
    {
        get => Importances is { Count: > 0 } i ? i[0] : null;
        init => Importances = value is null ? null : [value];
    }

    /// <summary>
    /// Parameter → importance per objective (the study's objective order; a figure each), when
    /// already known; entries missing for later objectives are evaluated when
    /// <see cref="SearchSpace"/> is given. Empty: evaluated, nothing to rank.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>>? Importances { get; init; }

    /// <summary>The study's search space: lets the report compute parameter importances.</summary>
    public SearchSpaceDefinition? SearchSpace { get; init; }

    /// <summary>Trial number → slot that ran it; the timeline infers lanes when null.</summary>
    public IReadOnlyDictionary<int, string>? SlotByTrial { get; init; }

    /// <summary>Paused trial number → when its last attempt ended (the pause); the timeline's bar ends there.</summary>
    public IReadOnlyDictionary<int, DateTimeOffset>? PausedAtByTrial { get; init; }

    /// <summary>Trial number → the model's size as its trainer reported it (<c>info/params</c>,
    /// <c>info/flops</c>); the model-size plot shows a note when no trial has one.</summary>
    public IReadOnlyDictionary<int, ModelSize>? ModelSizeByTrial { get; init; }

    /// <summary>Trial number → the test-set accuracy of its final line (<c>test/acc</c>), shown beside
    /// the objective; no column when no trial has one.</summary>
    public IReadOnlyDictionary<int, double>? TestAccuracyByTrial { get; init; }

    /// <summary>Further lines of the summary (sampler, pruner, storage…), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Details { get; init; } = [];

    /// <summary>
    /// Leave the importance evaluation (and the contours, which it ranks) for later when
    /// <see cref="Importance"/> is not given: their figures show a note instead. The dashboard
    /// draws a big study's cheap figures at once and adds these when computed (seconds for 10,000 trials).
    /// </summary>
    public bool DeferImportance { get; init; }

    /// <summary>How many of the most important parameters get pairwise contours (3 → 3 plots).</summary>
    public int ContourParams { get; init; } = 3;
}
