using HoMM.Core.Trials;
using HoMM.Reports.Figures;

namespace HoMM.Reports.Plots;

/// <summary>One axis of a parallel-coordinates plot: a parameter and its plot value in each trial.</summary>
public sealed record ParCoordsDimensionInfo(ParamAxis Param, IReadOnlyList<double> Values);

/// <summary>
/// Complete trials as lines across the parameters, coloured by objective value. A trial that
/// lacks one of the parameters (conditional parameters) cannot be drawn across every axis; it is
/// counted in <see cref="SkippedTrials"/>.
/// </summary>
public sealed record ParallelCoordinatesInfo(
    string ObjectiveName,
    StudyDirection Direction,
    IReadOnlyList<int> TrialNumbers,
    IReadOnlyList<double> ObjectiveValues,
    IReadOnlyList<ParCoordsDimensionInfo> Params,
    int SkippedTrials)
{
    /// <summary>Per row: whether the trial was pruned (drawn faded, at its last reported value); empty when none was.</summary>
    public IReadOnlyList<bool> PrunedRows { get; init; } = [];
}

/// <summary>Parallel coordinates: objective first, then one axis per parameter.</summary>
public static class ParallelCoordinatesPlot
{
    /// <param name="study">The study.</param>
    /// <param name="paramNames">The parameters, in axis order; all of them when null.</param>
    public static ParallelCoordinatesInfo Build(ReportStudy study, IReadOnlyList<string>? paramNames = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        var complete = study.CompleteTrials.OrderBy(t => t.Number).ToList();
        var pruned = study.Trials.Where(t => t.State == TrialState.Pruned && OptimizationHistoryPlot.PrunedValue(t) is not null).ToList();
        var rows = complete.Concat(pruned).OrderBy(t => t.Number).ToList();
        var axes = (paramNames ?? ParamAxis.ParamNames(complete)).Select(n => ParamAxis.Describe(n, rows)).ToList();
        var numbers = new List<int>(rows.Count);
        var values = new List<double>(rows.Count);
        var prunedRows = new List<bool>(rows.Count);
        var columns = axes.Select(_ => new List<double>(rows.Count)).ToList();
        var skipped = 0;
        var row = new double[axes.Count];
        foreach (var t in rows)
        {
            var ok = true;
            for (var i = 0; i < axes.Count && ok; i++)
                ok = axes[i].TryGetValue(t, out row[i]);
            if (!ok)
            {
                skipped++;
                continue;
            }
            var isPruned = t.State == TrialState.Pruned;
            numbers.Add(t.Number);
            values.Add(isPruned ? OptimizationHistoryPlot.PrunedValue(t)!.Value : t.Value!.Value);
            prunedRows.Add(isPruned);
            for (var i = 0; i < axes.Count; i++)
                columns[i].Add(row[i]);
        }
        var dims = axes.Select((a, i) => new ParCoordsDimensionInfo(a, columns[i])).ToList();
        return new(study.ObjectiveName, study.Direction, numbers, values, dims, skipped)
        {
            PrunedRows = prunedRows.Contains(true) ? prunedRows : [],
        };
    }

    public static Figure Render(ParallelCoordinatesInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        // Lines are drawn in row order: pruned first (faded, under the rest), then worst to best,
        // so the best trials lie on top and stay visible.
        var withPruned = info.PrunedRows.Count > 0;
        var order = Enumerable.Range(0, info.ObjectiveValues.Count)
            .OrderBy(i => withPruned && info.PrunedRows[i] ? 0 : 1)
            .ThenBy(i => info.ObjectiveValues[i] * (info.Direction == StudyDirection.Maximize ? 1 : -1))
            .ToArray();
        var values = order.Select(i => info.ObjectiveValues[i]).ToArray();
        var dimensions = new List<ParCoordsDimension>
        {
            new() { Label = PlotStyle.Text(info.ObjectiveName), Values = values },
        };
        dimensions.AddRange(info.Params.Select(d => Dimension(d with { Values = order.Select(i => d.Values[i]).ToArray() })));
        List<UpdateMenu>? menus = null;
        if (withPruned)
        {
            // parcoords styles lines only through a selection: the state axis selects the complete
            // trials, so pruned ones take the faded "unselected" style; the buttons hide them.
            dimensions.Add(new ParCoordsDimension
            {
                Label = "state",
                Values = order.Select(i => info.PrunedRows[i] ? 0.0 : 1.0).ToArray(),
                Range = [0, 1],
                TickVals = new[] { 0.0, 1.0 },
                TickText = new[] { "pruned", "complete" },
                // plotly snaps an ordinal axis's selection to a quarter tick step around the value.
                ConstraintRange = [0.75, 1.0],
            });
            menus = [PlotStyle.PrunedToggle("unselected.line.opacity", shown: PlotStyle.PrunedOpacity, hidden: 0.0)];
        }
        var trace = new ParCoords
        {
            Dimensions = dimensions,
            Line = new ParCoordsLine
            {
                Color = values,
                ColorScale = PlotStyle.ObjectiveScale,
                ReverseScale = PlotStyle.ReverseObjectiveScale(info.Direction),
                ShowScale = true,
                ColorBar = new ColorBar { Title = new Title(PlotStyle.Text(info.ObjectiveName)) },
            },
            Unselected = withPruned ? new ParCoordsUnselected(new ParCoordsUnselectedLine(PlotStyle.Pruned, PlotStyle.PrunedOpacity)) : null,
        };
        var title = info.SkippedTrials == 0
            ? "Parallel coordinates"
            : $"Parallel coordinates ({info.SkippedTrials} trials without every parameter left out)";
        return new Figure([trace], new Layout
        {
            Title = new Title(title),
            UpdateMenus = menus,
            Margin = new Margin { L = 70, R = 90, T = 90, B = withPruned ? 75 : 30 },
        });
    }

    /// <summary>
    /// plotly's parcoords has no log axis, so log parameters are drawn as log10 with ticks
    /// labelled in the parameter's own values.
    /// </summary>
    private static ParCoordsDimension Dimension(ParCoordsDimensionInfo d)
    {
        switch (d.Param.Scale)
        {
            case ParamScale.Categorical:
                var k = d.Param.Categories!.Count;
                return new ParCoordsDimension
                {
                    Label = PlotStyle.Text(d.Param.Name),
                    Values = d.Values.ToArray(),
                    Range = k == 1 ? [-0.5, 0.5] : [0, k - 1],
                    TickVals = Enumerable.Range(0, k).Select(i => (double)i).ToArray(),
                    // parcoords writes tick labels as plain text, not plotly's HTML subset:
                    // escaped, "silu<b>" would read "silu&lt;b&gt;".
                    TickText = d.Param.Categories.ToArray<string?>(),
                };
            case ParamScale.Log:
                var logs = d.Values.Select(Math.Log10).ToArray();
                var (lo, hi) = logs.Length == 0 ? (0.0, 1.0) : (logs.Min(), logs.Max());
                var ticks = LogTicks.Positions(lo, hi);
                return new ParCoordsDimension
                {
                    Label = PlotStyle.Text(d.Param.Name),
                    Values = logs,
                    Range = lo == hi ? [lo - 0.5, hi + 0.5] : [lo, hi],
                    TickVals = ticks,
                    TickText = ticks.Select(t => LogTicks.Label(Math.Pow(10, t))).ToArray<string?>(),
                };
            default:
                return new ParCoordsDimension { Label = PlotStyle.Text(d.Param.Name), Values = d.Values.ToArray() };
        }
    }
}
