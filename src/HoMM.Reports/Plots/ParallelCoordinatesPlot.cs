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
    int SkippedTrials);

/// <summary>Parallel coordinates: objective first, then one axis per parameter.</summary>
public static class ParallelCoordinatesPlot
{
    /// <param name="study">The study.</param>
    /// <param name="paramNames">The parameters, in axis order; all of them when null.</param>
    public static ParallelCoordinatesInfo Build(ReportStudy study, IReadOnlyList<string>? paramNames = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        var complete = study.CompleteTrials.OrderBy(t => t.Number).ToList();
        var axes = (paramNames ?? ParamAxis.ParamNames(complete)).Select(n => ParamAxis.Describe(n, complete)).ToList();
        var numbers = new List<int>(complete.Count);
        var values = new List<double>(complete.Count);
        var columns = axes.Select(_ => new List<double>(complete.Count)).ToList();
        var skipped = 0;
        var row = new double[axes.Count];
        foreach (var t in complete)
        {
            var ok = true;
            for (var i = 0; i < axes.Count && ok; i++)
                ok = axes[i].TryGetValue(t, out row[i]);
            if (!ok)
            {
                skipped++;
                continue;
            }
            numbers.Add(t.Number);
            values.Add(t.Value!.Value);
            for (var i = 0; i < axes.Count; i++)
                columns[i].Add(row[i]);
        }
        var dims = axes.Select((a, i) => new ParCoordsDimensionInfo(a, columns[i])).ToList();
        return new(study.ObjectiveName, study.Direction, numbers, values, dims, skipped);
    }

    public static Figure Render(ParallelCoordinatesInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        // Lines are drawn in row order: worst first, so the best trials lie on top and stay visible.
        var order = Enumerable.Range(0, info.ObjectiveValues.Count)
            .OrderBy(i => info.ObjectiveValues[i] * (info.Direction == StudyDirection.Maximize ? 1 : -1))
            .ToArray();
        var values = order.Select(i => info.ObjectiveValues[i]).ToArray();
        var dimensions = new List<ParCoordsDimension>
        {
            new() { Label = PlotStyle.Text(info.ObjectiveName), Values = values },
        };
        dimensions.AddRange(info.Params.Select(d => Dimension(d with { Values = order.Select(i => d.Values[i]).ToArray() })));
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
        };
        var title = info.SkippedTrials == 0
            ? "Parallel coordinates"
            : $"Parallel coordinates ({info.SkippedTrials} trials without every parameter left out)";
        return new Figure([trace], new Layout { Title = new Title(title), Margin = new Margin { L = 70, R = 90, T = 90, B = 30 } });
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
                    TickText = d.Param.Categories.Select(PlotStyle.Text).ToArray<string?>(),
                };
            case ParamScale.Log:
                var logs = d.Values.Select(Math.Log10).ToArray();
                var (lo, hi) = logs.Length == 0 ? (0.0, 1.0) : (logs.Min(), logs.Max());
                var ticks = LogTicks(lo, hi);
                return new ParCoordsDimension
                {
                    Label = PlotStyle.Text(d.Param.Name),
                    Values = logs,
                    Range = lo == hi ? [lo - 0.5, hi + 0.5] : [lo, hi],
                    TickVals = ticks,
                    TickText = ticks.Select(t => TickLabel(Math.Pow(10, t))).ToArray<string?>(),
                };
            default:
                return new ParCoordsDimension { Label = PlotStyle.Text(d.Param.Name), Values = d.Values.ToArray() };
        }
    }

    /// <summary>
    /// Tick positions (log10 units) over [lo, hi]: the powers of ten inside; when fewer than two,
    /// the 1-2-5 steps inside; when still fewer than two, the ends and the middle.
    /// </summary>
    internal static double[] LogTicks(double lo, double hi)
    {
        var powers = new List<double>();
        for (var p = Math.Ceiling(lo - 1e-9); p <= hi + 1e-9; p++)
            powers.Add(p);
        if (powers.Count >= 2)
            return [.. powers];
        var steps = new List<double>();
        for (var p = Math.Floor(lo); p <= Math.Ceiling(hi); p++)
        {
            foreach (var m in (ReadOnlySpan<double>)[1, 2, 5])
            {
                var t = p + Math.Log10(m);
                if (t >= lo - 1e-9 && t <= hi + 1e-9)
                    steps.Add(t);
            }
        }
        if (steps.Count >= 2)
            return [.. steps];
        return lo == hi ? [lo] : [lo, (lo + hi) / 2, hi];
    }

    internal static string TickLabel(double value)
    {
        var exponent = Math.Log10(Math.Abs(value));
        if (Math.Abs(exponent - Math.Round(exponent)) < 1e-9 && Math.Abs(exponent) > 3)
            return $"1e{Math.Round(exponent):0}";
        return value.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);
    }
}
