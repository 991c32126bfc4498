using HoMM.Core.Importance;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;

namespace HoMM.Reports.Plots;

/// <summary>How much of the objective's variation one parameter explains.</summary>
public readonly record struct ParamImportance(string Name, double Importance);

/// <summary>Parameter importances, most important first (ties by name), and how many complete trials they rest on.</summary>
public sealed record ImportanceInfo(string ObjectiveName, IReadOnlyList<ParamImportance> Params, int TrialCount);

/// <summary>Parameter importance as horizontal bars, the most important on top.</summary>
public static class ImportancePlot
{
    /// <summary>
    /// Evaluates fANOVA-style importances (<see cref="ParameterImportance"/>) over the study's
    /// complete trials; parameters of <paramref name="space"/> with a single value are left out.
    /// </summary>
    public static ImportanceInfo Build(ReportStudy study, SearchSpaceDefinition space, ImportanceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(space);
        return Build(study, ParameterImportance.Evaluate(study.Trials, space, options));
    }

    /// <summary>
    /// Sorts <paramref name="importances"/> (from an importance evaluator such as fANOVA) for the plot
    /// of objective <paramref name="objective"/> (an index into the study's objectives).
    /// </summary>
    /// <exception cref="ArgumentException">An importance is negative or not finite.</exception>
    public static ImportanceInfo Build(ReportStudy study, IReadOnlyDictionary<string, double> importances, int objective = 0)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(importances);
        foreach (var (name, value) in importances)
        {
            if (!double.IsFinite(value) || value < 0)
                throw new ArgumentException($"importance of '{name}' is {value}; importances must be finite and >= 0", nameof(importances));
        }
        var sorted = importances
            .Select(p => new ParamImportance(p.Key, p.Value))
            .OrderByDescending(p => p.Importance)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        // The evaluators fit the complete trials with a finite value: the figure says how many.
        return new ImportanceInfo(study.Objectives[objective].Name, sorted, ForObjective(study.Trials, objective).Count(BestTrialRule.IsRanked));
    }

    /// <summary>
    /// The trials as seen by objective <paramref name="objective"/> alone: each one's
    /// <see cref="FrozenTrial.Value"/> is that objective's value, so a one-number evaluator (the
    /// importance forest) ranks parameters for it. Objective 0 is the trials as they are.
    /// </summary>
    public static IReadOnlyList<FrozenTrial> ForObjective(IReadOnlyList<FrozenTrial> trials, int objective)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(objective);
        return objective == 0
            ? trials
            : [.. trials.Select(t => t with { Value = t.Values is { } v && objective < v.Count ? v[objective] : null })];
    }

    public static Figure Render(ImportanceInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        // plotly draws the first category of a horizontal bar chart at the bottom.
        var bottomUp = info.Params.Reverse().ToList();
        var bar = new Bar
        {
            Orientation = Orientation.H,
            X = bottomUp.Select(p => p.Importance).ToArray(),
            Y = bottomUp.Select(p => PlotStyle.Text(p.Name)).ToArray<string?>(),
            Text = bottomUp.Select(p => p.Importance < 0.01 ? "<0.01" : p.Importance.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).ToArray<string?>(),
            TextPosition = "outside",
            Marker = new Marker { Color = PlotStyle.Complete },
            HoverTemplate = "%{y}: %{x}<extra></extra>",
        };
        return new Figure([bar], new Layout
        {
            Title = new Title($"Parameter importance (from {info.TrialCount} complete {(info.TrialCount == 1 ? "trial" : "trials")})"),
            XAxis = new Axis { Title = new Title($"importance for {PlotStyle.Text(info.ObjectiveName)}"), ZeroLine = false },
            YAxis = new Axis { AutoMargin = true, Type = AxisType.Category },
            Height = Math.Max(250, 60 + 32 * info.Params.Count),
            Margin = PlotStyle.CompactMargin,
        });
    }
}
