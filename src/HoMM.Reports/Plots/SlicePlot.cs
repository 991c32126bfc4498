using HoMM.Core.Trials;
using HoMM.Reports.Figures;

namespace HoMM.Reports.Plots;

/// <summary>
/// The objective against one parameter, over the complete trials that have it, and the pruned
/// trials that have it at the last value they reported (<see cref="Pruned"/>; drawn faded).
/// </summary>
public sealed record SliceParamInfo(ParamAxis Param, IReadOnlyList<double> Values, IReadOnlyList<double> ObjectiveValues, IReadOnlyList<int> TrialNumbers)
{
    public SlicePoints Pruned { get; init; } = new([], [], []);
}

/// <summary>Points of one slice: parameter values, objective values and trial numbers, index by index.</summary>
public sealed record SlicePoints(IReadOnlyList<double> Values, IReadOnlyList<double> ObjectiveValues, IReadOnlyList<int> TrialNumbers);

public sealed record SliceInfo(string ObjectiveName, StudyDirection Direction, IReadOnlyList<SliceParamInfo> Params);

/// <summary>
/// Slice plot: one subplot per parameter, value against parameter, coloured by trial number;
/// pruned trials faded at their last value, hidden and shown again from the legend.
/// </summary>
public static class SlicePlot
{
    private const int Columns = 3;

    public static SliceInfo Build(ReportStudy study, IReadOnlyList<string>? paramNames = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        var complete = study.CompleteTrials.OrderBy(t => t.Number).ToList();
        var pruned = study.Trials.Where(t => t.State == TrialState.Pruned && OptimizationHistoryPlot.PrunedValue(t) is not null)
            .OrderBy(t => t.Number).ToList();
        var slices = new List<SliceParamInfo>();
        foreach (var name in paramNames ?? ParamAxis.ParamNames(complete))
        {
            // The axis covers the pruned trials' values too (a category only they tried).
            var axis = ParamAxis.Describe(name, complete.Concat(pruned));
            var done = Points(axis, complete, t => t.Value!.Value);
            slices.Add(new SliceParamInfo(axis, done.Values, done.ObjectiveValues, done.TrialNumbers)
            {
                Pruned = Points(axis, pruned, t => OptimizationHistoryPlot.PrunedValue(t)!.Value),
            });
        }
        return new SliceInfo(study.ObjectiveName, study.Direction, slices);
    }

    private static SlicePoints Points(ParamAxis axis, IEnumerable<FrozenTrial> trials, Func<FrozenTrial, double> objective)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        var numbers = new List<int>();
        foreach (var t in trials)
        {
            if (!axis.TryGetValue(t, out var x))
                continue;
            xs.Add(x);
            ys.Add(objective(t));
            numbers.Add(t.Number);
        }
        return new SlicePoints(xs, ys, numbers);
    }

    public static Figure Render(SliceInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var count = Math.Max(1, info.Params.Count);
        var columns = Math.Min(Columns, count);
        var rows = (count + columns - 1) / columns;
        const double gapX = 0.06, gapY = 0.12;
        var width = (1 - gapX * (columns - 1)) / columns;
        var height = (1 - gapY * (rows - 1)) / rows;

        var traces = new List<Trace>();
        var axes = new Dictionary<string, Axis>();
        Axis? firstX = null, firstY = null;
        var annotations = new List<Annotation>();
        var prunedInLegend = false;
        for (var i = 0; i < info.Params.Count; i++)
        {
            var p = info.Params[i];
            var (row, column) = (i / columns, i % columns);
            var suffix = i == 0 ? "" : (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var x0 = column * (width + gapX);
            var y1 = 1 - row * (height + gapY);
            traces.Add(PlotStyle.XY(p.Values.Count) with
            {
                Name = "complete",
                Mode = ScatterModes.Markers,
                X = p.Values.ToArray(),
                Y = p.ObjectiveValues.ToArray(),
                Text = p.TrialNumbers.Select(n => (double)n).ToArray(),
                XAxisId = "x" + suffix,
                YAxisId = "y" + suffix,
                LegendGroup = "complete",
                ShowLegend = i == 0,
                HoverTemplate = p.Param.Scale == ParamScale.Categorical
                    ? $"trial %{{text}}<br>{PlotStyle.Text(p.Param.Name)}: %{{customdata}}<br>%{{y}}<extra></extra>"
                    : $"trial %{{text}}<br>{PlotStyle.Text(p.Param.Name)}: %{{x}}<br>%{{y}}<extra></extra>",
                CustomData = p.Param.Scale == ParamScale.Categorical
                    ? p.Values.Select(v => PlotStyle.Text(p.Param.Categories![(int)v])).ToArray<string?>()
                    : null,
                Marker = new Marker
                {
                    Color = p.TrialNumbers.Select(n => (double)n).ToArray(),
                    ColorScale = "Viridis",
                    Size = 5,
                    Opacity = p.Values.Count > 1000 ? 0.5 : 0.8,
                    ShowScale = i == 0,
                    ColorBar = i == 0 ? new ColorBar { Title = new Title("trial"), Thickness = 12 } : null,
                },
            });
            if (p.Pruned.Values.Count > 0)
            {
                traces.Add(PlotStyle.XY(p.Pruned.Values.Count) with
                {
                    Name = PlotStyle.PrunedLegend,
                    LegendGroup = "pruned",
                    ShowLegend = !prunedInLegend,
                    Mode = ScatterModes.Markers,
                    X = p.Pruned.Values.ToArray(),
                    Y = p.Pruned.ObjectiveValues.ToArray(),
                    Text = p.Pruned.TrialNumbers.Select(n => (double)n).ToArray(),
                    XAxisId = "x" + suffix,
                    YAxisId = "y" + suffix,
                    HoverTemplate = p.Param.Scale == ParamScale.Categorical
                        ? $"trial %{{text}} (pruned)<br>{PlotStyle.Text(p.Param.Name)}: %{{customdata}}<br>last value %{{y}}<extra></extra>"
                        : $"trial %{{text}} (pruned)<br>{PlotStyle.Text(p.Param.Name)}: %{{x}}<br>last value %{{y}}<extra></extra>",
                    CustomData = p.Param.Scale == ParamScale.Categorical
                        ? p.Pruned.Values.Select(v => PlotStyle.Text(p.Param.Categories![(int)v])).ToArray<string?>()
                        : null,
                    Marker = new Marker { Color = PlotStyle.Pruned, Size = 5, Symbol = "circle-open", Opacity = PlotStyle.PrunedOpacity },
                });
                prunedInLegend = true;
            }
            var xAxis = PlotStyle.AxisFor(p.Param, p.Values.Concat(p.Pruned.Values)) with
            {
                Title = null,
                Domain = [Math.Max(0, x0), Math.Min(1, x0 + width)],
                Anchor = "y" + suffix,
            };
            var yAxis = new Axis
            {
                // Clamped: float rounding can put the bottom row a hair below 0, which plotly rejects.
                Domain = [Math.Max(0, y1 - height), Math.Min(1, y1)],
                Anchor = "x" + suffix,
                // Every subplot shares the objective's range, so slices compare at a glance.
                Matches = i == 0 ? null : "y",
                Title = column == 0 ? new Title(PlotStyle.Text(info.ObjectiveName)) : null,
            };
            annotations.Add(new Annotation
            {
                Text = PlotStyle.Text(p.Param.Name),
                X = x0 + width / 2,
                Y = y1,
                XRef = "paper",
                YRef = "paper",
                XAnchor = "center",
                YAnchor = "bottom",
                ShowArrow = false,
            });
            if (i == 0)
            {
                firstX = xAxis;
                firstY = yAxis;
            }
            else
            {
                axes["xaxis" + suffix] = xAxis;
                axes["yaxis" + suffix] = yAxis;
            }
        }
        return new Figure(traces, new Layout
        {
            Title = new Title("Slice"),
            XAxis = firstX,
            YAxis = firstY,
            MoreAxes = axes.Count == 0 ? null : axes,
            Annotations = annotations,
            Height = 150 + 280 * rows,
            HoverMode = "closest",
            // Above the subplots' titles; shown when there are pruned trials to hide or show.
            ShowLegend = prunedInLegend,
            Legend = PlotStyle.LegendTopLeft(liftPx: 26, plotHeightPx: 10 + 280 * rows),
            Margin = new Margin { L = 60, R = 20, T = 100, B = 40 },
        });
    }
}
