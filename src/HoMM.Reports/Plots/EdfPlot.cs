using HoMM.Core.Trials;
using HoMM.Reports.Figures;

namespace HoMM.Reports.Plots;

/// <summary>
/// The complete trials' objective values of one study, sorted ascending; or, when
/// <see cref="WithPruned"/>, those and the pruned trials' last reported values (drawn faded).
/// </summary>
public sealed record EdfSeries(string Name, IReadOnlyList<double> SortedValues)
{
    public bool WithPruned { get; init; }

    /// <summary>The fraction of trials with a value ≤ the <paramref name="index"/>-th sorted value.</summary>
    public double CumulativeProbability(int index) => (index + 1.0) / SortedValues.Count;
}

public sealed record EdfInfo(string ObjectiveName, IReadOnlyList<EdfSeries> Series);

/// <summary>
/// Empirical distribution function of objective values: how often a value at most x came out.
/// Several studies on one plot compare samplers or search spaces.
/// </summary>
public static class EdfPlot
{
    /// <summary>Above this many values a series is drawn at evenly spaced ranks (the step shape is kept).</summary>
    private const int MaxDrawnPoints = 1000;

    public static EdfInfo Build(ReportStudy study) => Build([study]);

    /// <exception cref="ArgumentException">The studies optimize different objectives.</exception>
    public static EdfInfo Build(IReadOnlyList<ReportStudy> studies)
    {
        ArgumentNullException.ThrowIfNull(studies);
        ArgumentOutOfRangeException.ThrowIfZero(studies.Count, nameof(studies));
        var objective = studies[0].ObjectiveName;
        foreach (var s in studies)
        {
            if (s.ObjectiveName != objective)
                throw new ArgumentException($"study '{s.Name}' optimizes '{s.ObjectiveName}', not '{objective}'; an EDF compares one objective", nameof(studies));
        }
        var series = new List<EdfSeries>();
        foreach (var s in studies)
        {
            var values = s.CompleteTrials.Select(t => t.Value!.Value).ToArray();
            Array.Sort(values);
            series.Add(new EdfSeries(s.Name, values));
            // Pruned trials are not left out silently: a second, faded line counts them at their last value.
            var pruned = s.Trials.Where(t => t.State == TrialState.Pruned)
                .Select(OptimizationHistoryPlot.PrunedValue).OfType<double>().ToArray();
            if (pruned.Length > 0)
            {
                var all = values.Concat(pruned).ToArray();
                Array.Sort(all);
                series.Add(new EdfSeries($"{s.Name}: with {pruned.Length} {PlotStyle.PrunedLegend}", all) { WithPruned = true });
            }
        }
        return new EdfInfo(objective, series);
    }

    public static Figure Render(EdfInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var traces = new List<Trace>();
        foreach (var s in info.Series.Where(s => s.SortedValues.Count > 0))
        {
            var n = s.SortedValues.Count;
            var indices = n <= MaxDrawnPoints
                ? Enumerable.Range(0, n)
                : Enumerable.Range(0, MaxDrawnPoints).Select(i => (int)Math.Round((double)i * (n - 1) / (MaxDrawnPoints - 1)));
            var picked = indices.Distinct().ToArray();
            traces.Add(new Scatter
            {
                Name = PlotStyle.Text(s.Name),
                Mode = ScatterModes.Lines,
                X = picked.Select(i => s.SortedValues[i]).ToArray(),
                Y = picked.Select(s.CumulativeProbability).ToArray(),
                Line = s.WithPruned
                    ? new Line { Shape = LineShape.Hv, Width = 2, Dash = "dot", Color = info.Series.Count(x => !x.WithPruned) == 1 ? PlotStyle.Pruned : null }
                    : new Line { Shape = LineShape.Hv, Width = 2 },
                Opacity = s.WithPruned ? PlotStyle.PrunedOpacity + 0.25 : null,
                LegendGroup = s.WithPruned ? "pruned" : null,
                HoverTemplate = s.WithPruned
                    ? "%{y:.1%} of trials ≤ %{x} (pruned at their last value)<extra></extra>"
                    : "%{y:.1%} of trials ≤ %{x}<extra></extra>",
            });
        }
        return new Figure(traces, new Layout
        {
            Title = new Title("Empirical distribution of objective values"),
            XAxis = new Axis { Title = new Title(PlotStyle.Text(info.ObjectiveName)) },
            YAxis = new Axis { Title = new Title("cumulative probability"), Range = [0, 1.02] },
            ShowLegend = info.Series.Count > 1,
            Legend = PlotStyle.LegendTopLeft(),
            HoverMode = "closest",
            Margin = info.Series.Count > 1 ? PlotStyle.CompactMargin with { T = 70 } : PlotStyle.CompactMargin,
        });
    }
}
