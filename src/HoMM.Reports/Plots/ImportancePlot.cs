using HoMM.Core.Importance;
using HoMM.Core.SearchSpace;
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
    /// Sorts <paramref name="importances"/> (from an importance evaluator such as fANOVA) for the plot.
    /// </summary>
    /// <exception cref="ArgumentException">An importance is negative or not finite.</exception>
    public static ImportanceInfo Build(ReportStudy study, IReadOnlyDictionary<string, double> importances)
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
        return new ImportanceInfo(study.ObjectiveName, sorted, study.CompleteTrials.Count(t => t.Value is { } v && double.IsFinite(v)));
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
