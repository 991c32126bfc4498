using System.Globalization;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.StudyFiles.Trainer;
using HoMM.TrainerSettings;

namespace HoMM.StudyFiles.Constraints;

/// <summary>A model's size as the study constraints <c>max_params</c> / <c>max_flops</c> see it.</summary>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="Flops">FLOPs of one forward pass of one example.</param>
public readonly record struct ModelSize(long Parameters, double Flops);

/// <summary>A study file's <see cref="TrialRules"/>: what every entry point that creates or starts a trial checks.</summary>
public static class StudyRules
{
    /// <summary>
    /// The rules of <paramref name="definition"/>: its search space, its constraint expressions and,
    /// for the built-in trainer, <c>max_params</c>/<c>max_flops</c> counted by
    /// <paramref name="countModel"/> (HoMM's complexity counter, injected by the program that has
    /// it). Without a counter the size limits are not part of the rules; the driver refuses to run
    /// a study that has them and no counter. With the built-in trainer and a counter, the objectives
    /// <c>info/flops</c> and <c>info/params</c> are known from the parameters
    /// (<see cref="TrialRules.KnownObjectives"/>): the counter's values, which homm-train reports too.
    /// </summary>
    public static TrialRules For(StudyDefinition definition, Func<HommTrainerSettings, ModelSize>? countModel)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var c = definition.Constraints;
        FeasibilityCheck? limits = null;
        var homm = definition.Trainer as HommTrainerDefinition;
        if ((c.MaxParams is not null || c.MaxFlops is not null) && homm is not null && countModel is not null)
            limits = parameters => WhyTooLarge(countModel(homm.Resolve(parameters)), c);
        return new TrialRules(definition.SearchSpace, c.Expressions, limits)
        {
            KnownObjectives = homm is not null && countModel is not null ? [.. definition.Objectives.Select(o => Known(o.Metric, homm, countModel))] : [],
        };
    }

    /// <summary>The counter's value for an objective it decides (<c>info/flops</c>, <c>info/params</c>); null for any other.</summary>
    private static KnownObjective? Known(string metric, HommTrainerDefinition homm, Func<HommTrainerSettings, ModelSize> countModel) => metric switch
    {
        KnownFlops => parameters => countModel(homm.Resolve(parameters)).Flops,
        KnownParams => parameters => countModel(homm.Resolve(parameters)).Parameters,
        _ => null,
    };

    /// <summary>The objectives the built-in trainer's settings decide before training.</summary>
    public const string KnownFlops = "info/flops";

    /// <inheritdoc cref="KnownFlops"/>
    public const string KnownParams = "info/params";

    /// <summary>
    /// The rules of a stored study (enqueueing from the dashboard or the CLI): those of the study
    /// file stored with it (<paramref name="storedText"/>, read from <paramref name="storedPath"/>,
    /// with the <c>--set</c> values <paramref name="storedOverrides"/> it was created with), or, when it has none or it no longer validates, its search space alone — then
    /// <paramref name="note"/> says so, and the driver checks the rest when the trial starts.
    /// </summary>
    public static TrialRules ForStored(SearchSpaceDefinition searchSpace, string studyName, string? storedText, string? storedPath,
        IReadOnlyList<string>? storedOverrides, Func<HommTrainerSettings, ModelSize>? countModel, out string? note)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        ArgumentNullException.ThrowIfNull(studyName);
        note = null;
        if (storedText is null)
        {
            note = $"study '{studyName}' was created without a study file: only its search space is checked now; its driver checks the rest when the trial starts";
            return new TrialRules(searchSpace);
        }
        var parsed = StudyFile.ParseStored(storedText, storedPath, studyName, storedOverrides);
        if (parsed.Definition is not { } definition)
        {
            note = $"the study file stored with study '{studyName}' does not validate here ({parsed.Errors.Count} errors): only its search space is checked now; " +
                   "its driver checks the rest when the trial starts";
            return new TrialRules(searchSpace);
        }
        return For(definition, countModel);
    }

    private static string? WhyTooLarge(ModelSize size, StudyConstraints c)
    {
        if (c.MaxParams is { } mp && size.Parameters > mp)
            return string.Create(CultureInfo.InvariantCulture, $"the model has {size.Parameters:N0} parameters, more than constraints max_params ({mp:N0})");
        if (c.MaxFlops is { } mf && size.Flops > mf)
            return string.Create(CultureInfo.InvariantCulture, $"the model needs {size.Flops:0.###e0} FLOPs per example, more than constraints max_flops ({(double)mf:0.###e0})");
        return null;
    }
}
