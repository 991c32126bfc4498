using HoMM.Core.MultiObjective;
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

    /// <summary>
    /// A multi-objective study's further objectives (after the first, <see cref="ObjectiveName"/>):
    /// an axis each, values per row; empty for one objective.
    /// </summary>
    public IReadOnlyList<(string Name, IReadOnlyList<double> Values)> MoreObjectives { get; init; } = [];

    /// <summary>Per row: the trial's front rank (0 = Pareto front, <see cref="ParetoFrontRule"/>), which colours the lines; empty for one objective.</summary>
    public IReadOnlyList<int> FrontRanks { get; init; } = [];
}

/// <summary>
/// Parallel coordinates: objective first, then one axis per parameter. A multi-objective study gets
/// an axis per objective and its lines coloured by front rank (the front on top, in the strongest
/// colour), over the trials <see cref="ParetoFrontRule"/> ranks (pruned trials have no objective vector).
/// </summary>
public static class ParallelCoordinatesPlot
{
    /// <param name="study">The study.</param>
    /// <param name="paramNames">The parameters, in axis order; all of them when null.</param>
    public static ParallelCoordinatesInfo Build(ReportStudy study, IReadOnlyList<string>? paramNames = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        if (study.IsMultiObjective)
            return BuildFronts(study, paramNames);
        var complete = study.CompleteTrials.OrderBy(t => t.Number).ToList();
        var pruned = study.Trials.Where(t => t.State == TrialState.Pruned && OptimizationHistoryPlot.PrunedValue(t) is not null).ToList();
        var rows = complete.Concat(pruned).OrderBy(t => t.Number).ToList();
        var (drawn, dims, skipped) = Rows(rows, paramNames ?? ParamAxis.ParamNames(complete));
        var prunedRows = drawn.Select(t => t.State == TrialState.Pruned).ToList();
        return new(study.ObjectiveName, study.Direction, [.. drawn.Select(t => t.Number)],
            [.. drawn.Select(t => t.State == TrialState.Pruned ? OptimizationHistoryPlot.PrunedValue(t)!.Value : t.Value!.Value)], dims, skipped)
        {
            PrunedRows = prunedRows.Contains(true) ? prunedRows : [],
        };
    }

    private static ParallelCoordinatesInfo BuildFronts(ReportStudy study, IReadOnlyList<string>? paramNames)
    {
        var ranks = ParetoFrontRule.Ranks(study.Trials, study.Directions);
        var rows = study.Trials.Where(t => ranks.ContainsKey(t.Number)).OrderBy(t => t.Number).ToList();
        var (drawn, dims, skipped) = Rows(rows, paramNames ?? ParamAxis.ParamNames(rows));
        IReadOnlyList<double> Objective(int k) => [.. drawn.Select(t => t.ObjectiveValues![k])];
        return new(study.ObjectiveName, study.Direction, [.. drawn.Select(t => t.Number)], Objective(0), dims, skipped)
        {
            MoreObjectives = [.. study.Objectives.Skip(1).Select((o, k) => (o.Name, Objective(k + 1)))],
            FrontRanks = [.. drawn.Select(t => ranks[t.Number])],
        };
    }

    /// <summary>The rows that have every parameter (in order), each parameter's axis over them, and how many were left out.</summary>
    private static (List<FrozenTrial> Drawn, List<ParCoordsDimensionInfo> Dims, int Skipped) Rows(IReadOnlyList<FrozenTrial> rows, IReadOnlyList<string> paramNames)
    {
        var axes = paramNames.Select(n => ParamAxis.Describe(n, rows)).ToList();
        var drawn = new List<FrozenTrial>(rows.Count);
        var columns = axes.Select(_ => new List<double>(rows.Count)).ToList();
        var row = new double[axes.Count];
        foreach (var t in rows)
        {
            var ok = true;
            for (var i = 0; i < axes.Count && ok; i++)
                ok = axes[i].TryGetValue(t, out row[i]);
            if (!ok)
                continue;
            drawn.Add(t);
            for (var i = 0; i < axes.Count; i++)
                columns[i].Add(row[i]);
        }
        return (drawn, [.. axes.Select((a, i) => new ParCoordsDimensionInfo(a, columns[i]))], rows.Count - drawn.Count);
    }

    public static Figure Render(ParallelCoordinatesInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.FrontRanks.Count > 0)
            return RenderFronts(info);
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
    /// Lines coloured by front rank, drawn worst rank first so the Pareto front lies on top; one axis
    /// per objective, then the parameters. Rank 0 takes the scale's strong end.
    /// </summary>
    private const int RankScaleEnd = 10;

    private static Figure RenderFronts(ParallelCoordinatesInfo info)
    {
        var order = Enumerable.Range(0, info.FrontRanks.Count)
            .OrderByDescending(i => info.FrontRanks[i])
            .ThenBy(i => info.TrialNumbers[i])
            .ToArray();
        double[] Ordered(IReadOnlyList<double> v) => [.. order.Select(i => v[i])];
        var dimensions = new List<ParCoordsDimension> { new() { Label = PlotStyle.Text(info.ObjectiveName), Values = Ordered(info.ObjectiveValues) } };
        dimensions.AddRange(info.MoreObjectives.Select(o => new ParCoordsDimension { Label = PlotStyle.Text(o.Name), Values = Ordered(o.Values) }));
        dimensions.AddRange(info.Params.Select(d => Dimension(d with { Values = Ordered(d.Values) })));
        var ranks = order.Select(i => (double)info.FrontRanks[i]).ToArray();
        // A big study has dozens of ranks; the scale ends at RankScaleEnd so the front and the
        // first ranks after it stay apart instead of all reading as dark.
        var maxRank = Math.Min(RankScaleEnd, ranks.Length == 0 ? 0 : ranks.Max());
        var trace = new ParCoords
        {
            Dimensions = dimensions,
            Line = new ParCoordsLine
            {
                Color = ranks,
                ColorScale = PlotStyle.ObjectiveScale,
                // The scale's strong end marks the best trials: here the lowest rank.
                ReverseScale = PlotStyle.ReverseObjectiveScale(StudyDirection.Minimize),
                CMin = 0,
                CMax = Math.Max(1, maxRank),
                ShowScale = true,
                ColorBar = new ColorBar { Title = new Title(maxRank < RankScaleEnd ? "front rank (0 = Pareto front)" : $"front rank (0 = Pareto front; {RankScaleEnd}+ alike)") },
            },
        };
        var front = info.FrontRanks.Count(r => r == 0);
        var title = $"Parallel coordinates by front rank: {front} of {info.FrontRanks.Count} trials on the Pareto front"
            + (info.SkippedTrials == 0 ? "" : $" ({info.SkippedTrials} trials without every parameter left out)");
        return new Figure([trace], new Layout
        {
            Title = new Title(title),
            Margin = new Margin { L = 70, R = 90, T = 90, B = 30 },
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
