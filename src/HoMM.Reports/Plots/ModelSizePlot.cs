using HoMM.Core.Trials;
using HoMM.Reports.Figures;
using HoMM.Reports.Html;
using HoMM.Storage;

namespace HoMM.Reports.Plots;

/// <summary>A complete trial placed by its model's size and its objective value.</summary>
public readonly record struct SizedPoint(int Number, double Size, double Value);

/// <summary>
/// The objective against one measure of model size. <see cref="Front"/> is the best value reached
/// at each size or smaller (the accuracy/cost trade-off): a point is on it when no smaller or
/// equal model did as well, in the order of increasing size.
/// </summary>
public sealed record ModelSizeSeries(string Measure, string Attr, IReadOnlyList<SizedPoint> Points, IReadOnlyList<SizedPoint> Front);

/// <param name="ObjectiveName">The value axis title.</param>
/// <param name="Direction">Which way is better: decides the front.</param>
/// <param name="Params">The objective against the parameter count (<c>info/params</c>).</param>
/// <param name="Flops">The objective against FLOPs per example (<c>info/flops</c>).</param>
/// <param name="CompleteWithoutSize">Complete trials with a value whose trainer reported neither size.</param>
public sealed record ModelSizeInfo(
    string ObjectiveName,
    StudyDirection Direction,
    ModelSizeSeries Params,
    ModelSizeSeries Flops,
    int CompleteWithoutSize)
{
    /// <summary>Whether any complete trial has a size to place it by.</summary>
    public bool HasData => Params.Points.Count > 0 || Flops.Points.Count > 0;
}

/// <summary>
/// HoMM's own question: how much accuracy does a bigger model buy? The objective of complete
/// trials against parameters and against FLOPs (log axes; the sizes of an ablation span orders of
/// magnitude), each with its trade-off front.
/// </summary>
public static class ModelSizePlot
{
    public const string NoSizesNote =
        "no complete trial recorded its model size (the trainer's info line sets info/params and info/flops)";

    public static ModelSizeInfo Build(ReportStudy study, IReadOnlyDictionary<int, ModelSize>? sizes)
    {
        ArgumentNullException.ThrowIfNull(study);
        var byParams = new List<SizedPoint>();
        var byFlops = new List<SizedPoint>();
        var without = 0;
        foreach (var t in study.CompleteTrials.OrderBy(t => t.Number))
        {
            var size = sizes?.GetValueOrDefault(t.Number);
            var placed = false;
            if (size?.Params is { } p && p > 0)
            {
                byParams.Add(new(t.Number, p, t.Value!.Value));
                placed = true;
            }
            if (size?.Flops is { } f && f > 0)
            {
                byFlops.Add(new(t.Number, f, t.Value!.Value));
                placed = true;
            }
            if (!placed)
                without++;
        }
        return new ModelSizeInfo(study.ObjectiveName, study.Direction,
            new("parameters", SystemAttrs.InfoParams, byParams, Front(byParams, study.Direction)),
            new("FLOPs per example", SystemAttrs.InfoFlops, byFlops, Front(byFlops, study.Direction)),
            without);
    }

    private static List<SizedPoint> Front(List<SizedPoint> points, StudyDirection direction)
    {
        var front = new List<SizedPoint>();
        // Smallest first; at equal size the best value first, so it alone enters the front.
        var ordered = points.OrderBy(p => p.Size)
            .ThenBy(p => direction == StudyDirection.Minimize ? p.Value : -p.Value)
            .ThenBy(p => p.Number);
        foreach (var p in ordered)
        {
            if (front.Count == 0 || direction.IsBetter(p.Value, front[^1].Value))
                front.Add(p);
        }
        return front;
    }

    public static Figure Render(ModelSizeInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var series = new[] { info.Params, info.Flops }.Where(s => s.Points.Count > 0).ToList();
        var missing = new[] { info.Params, info.Flops }.Where(s => s.Points.Count == 0).ToList();
        const double gap = 0.08;
        var width = series.Count <= 1 ? 1 : (1 - gap) / 2;
        var traces = new List<Trace>();
        var axes = new Dictionary<string, Axis>();
        Axis? firstX = null;
        var objective = PlotStyle.Text(info.ObjectiveName);
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var suffix = i == 0 ? "" : "2";
            var x0 = i * (width + gap);
            XYTrace Trace(IReadOnlyList<SizedPoint> points, string name, string what) => PlotStyle.XY(points.Count) with
            {
                Name = name,
                LegendGroup = name,
                ShowLegend = i == 0,
                X = points.Select(p => p.Size).ToArray(),
                Y = points.Select(p => p.Value).ToArray(),
                Text = points.Select(p => (double)p.Number).ToArray(),
                XAxisId = "x" + suffix,
                YAxisId = "y" + suffix,
                // %{x:.3s}: SI prefixes, 26.0M parameters, 1.20G FLOPs.
                HoverTemplate = $"trial %{{text}}{what}<br>{s.Measure}: %{{x:.3s}}<br>{objective}: %{{y}}<extra></extra>",
            };
            traces.Add(Trace(s.Points, "complete", "") with
            {
                Mode = ScatterModes.Markers,
                Marker = new Marker { Color = PlotStyle.Complete, Size = 6, Opacity = s.Points.Count > 1000 ? 0.5 : 0.8 },
            });
            traces.Add(Trace(s.Front, "best at this size or smaller", " (front)") with
            {
                Mode = ScatterModes.LinesAndMarkers,
                Line = new Line { Color = PlotStyle.BestLine, Width = 2, Shape = LineShape.Hv },
                Marker = new Marker { Color = PlotStyle.BestLine, Size = 7 },
            });
            var xAxis = new Axis
            {
                Title = new Title($"{s.Measure} ({s.Attr})"),
                Type = AxisType.Log,
                Domain = [Math.Max(0, x0), Math.Min(1, x0 + width)],
                Anchor = "y" + suffix,
            };
            if (i == 0)
            {
                firstX = xAxis;
            }
            else
            {
                axes["xaxis2"] = xAxis;
                // The same objective range on both sides, so a value reads the same in each.
                axes["yaxis2"] = new Axis { Anchor = "x2", Matches = "y", ShowTickLabels = false };
            }
        }
        var notes = new List<Annotation>();
        var missingText = missing.Count > 0 && series.Count > 0
            ? $"no trial reported {string.Join(" or ", missing.Select(m => m.Attr))}"
            : null;
        var withoutText = info.CompleteWithoutSize > 0
            ? $"{info.CompleteWithoutSize} complete trial{(info.CompleteWithoutSize == 1 ? "" : "s")} without a recorded size not shown"
            : null;
        var note = string.Join(" · ", new[] { missingText, withoutText }.Where(t => t is not null));
        if (note.Length > 0)
        {
            notes.Add(new Annotation
            {
                Text = note, // our own words only: nothing to escape
                X = 0,
                Y = 1,
                XRef = "paper",
                YRef = "paper",
                XAnchor = "left",
                YAnchor = "bottom",
                ShowArrow = false,
                Font = new Font { Size = 11, Color = "#666666" },
            });
        }
        return new Figure(traces, new Layout
        {
            Title = new Title("Objective vs model size"),
            XAxis = firstX,
            YAxis = new Axis { Title = new Title($"{objective} ({(info.Direction == StudyDirection.Minimize ? "minimize" : "maximize")})") },
            MoreAxes = axes.Count == 0 ? null : axes,
            Annotations = notes.Count == 0 ? null : notes,
            HoverMode = "closest",
            Legend = new Legend { Orientation = "h", Y = -0.25 },
            Margin = new Margin { L = 60, R = 20, T = 60, B = 60 },
        });
    }
}
