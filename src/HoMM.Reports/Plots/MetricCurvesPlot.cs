using HoMM.Reports.Figures;

namespace HoMM.Reports.Plots;

/// <summary>One trial's values of one metric, by step (NaN and infinities left out: plotly cannot place them).</summary>
public sealed record MetricSeries(int TrialNumber, IReadOnlyList<long> Steps, IReadOnlyList<double> Values);

/// <summary>One metric (e.g. <c>train/loss</c>) of a few trials, each its own line: the trial page and the compare page.</summary>
public sealed record MetricCurvesInfo(string Metric, IReadOnlyList<MetricSeries> Series);

/// <summary>
/// Curves of any metric a trainer reported, one line per trial, for pages that show a handful of
/// trials (the study-wide plot of the objective is <see cref="LearningCurvesPlot"/>).
/// </summary>
public static class MetricCurvesPlot
{
    /// <summary>Builds the series of <paramref name="metric"/> from (trial number, step → value) pairs, in trial order.</summary>
    public static MetricCurvesInfo Build(string metric, IEnumerable<(int TrialNumber, IReadOnlyDictionary<long, double> Values)> trials)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        ArgumentNullException.ThrowIfNull(trials);
        var series = trials
            .OrderBy(t => t.TrialNumber)
            .Select(t =>
            {
                var points = t.Values.Where(p => double.IsFinite(p.Value)).OrderBy(p => p.Key).ToList();
                return new MetricSeries(t.TrialNumber, points.Select(p => p.Key).ToArray(), points.Select(p => p.Value).ToArray());
            })
            .ToList();
        return new MetricCurvesInfo(metric, series);
    }

    public static Figure Render(MetricCurvesInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var single = info.Series.Count == 1;
        var traces = info.Series.Select(s => (Trace)(PlotStyle.XY(s.Values.Count) with
        {
            Name = $"trial {s.TrialNumber}",
            Mode = s.Values.Count == 1 ? ScatterModes.Markers : ScatterModes.LinesAndMarkers,
            X = s.Steps.Select(x => (double)x).ToArray(),
            Y = s.Values.ToArray(),
            Marker = new Marker { Size = 4 },
            Line = single ? new Line { Color = PlotStyle.Complete, Width = 2 } : new Line { Width = 2 },
            HoverTemplate = $"trial {s.TrialNumber}<br>step %{{x}}<br>%{{y}}<extra></extra>",
        })).ToList();
        return new Figure(traces, new Layout
        {
            Title = new Title(PlotStyle.Text(info.Metric)),
            XAxis = new Axis { Title = new Title("step") },
            YAxis = new Axis { Title = new Title(PlotStyle.Text(info.Metric)), AutoMargin = true },
            ShowLegend = !single,
            HoverMode = "closest",
            Legend = new Legend { Orientation = "h", Y = -0.25 },
            Margin = PlotStyle.CompactMargin,
            Height = 320,
        });
    }
}
