using HoMM.Core.Trials;
using HoMM.Reports.Figures;

namespace HoMM.Reports.Plots;

/// <summary>
/// The intermediate values one trial reported, by step. When the study has more points than the
/// budget, <see cref="Steps"/>/<see cref="Values"/> are a downsampled curve (first and last point
/// always kept) and <see cref="ReportedPoints"/> says how many finite values there were.
/// </summary>
public sealed record LearningCurve(int TrialNumber, TrialState State, IReadOnlyList<long> Steps, IReadOnlyList<double> Values, int ReportedPoints);

public sealed record LearningCurvesInfo(string ObjectiveName, StudyDirection Direction, IReadOnlyList<LearningCurve> Curves)
{
    public bool Downsampled => Curves.Any(c => c.Values.Count < c.ReportedPoints);
}

public sealed record LearningCurvesOptions
{
    /// <summary>Points kept over all curves: 10,000 trials × 100 steps become ~20 points each (a few MB of JSON, not 25).</summary>
    public int PointBudget { get; init; } = 200_000;

    /// <summary>No curve is cut below this many points, whatever the budget.</summary>
    public int MinPointsPerCurve { get; init; } = 16;
}

/// <summary>Intermediate values (learning curves) of every trial, pruned trials drawn apart.</summary>
public static class LearningCurvesPlot
{
    public static LearningCurvesInfo Build(ReportStudy study, LearningCurvesOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        options ??= new LearningCurvesOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinPointsPerCurve, 3, nameof(options));
        var withValues = study.Trials.Where(t => t.IntermediateValues.Count > 0).OrderBy(t => t.Number).ToList();
        var total = withValues.Sum(t => (long)t.IntermediateValues.Count);
        var perCurve = total <= options.PointBudget
            ? int.MaxValue
            : Math.Max(options.MinPointsPerCurve, options.PointBudget / Math.Max(1, withValues.Count));

        var curves = new List<LearningCurve>(withValues.Count);
        foreach (var t in withValues)
        {
            // Plain arrays and one in-place sort: this loop sees every reported point (a million
            // for 10,000 trials of 100 steps).
            var steps = new long[t.IntermediateValues.Count];
            var values = new double[steps.Length];
            var n = 0;
            foreach (var (step, value) in t.IntermediateValues)
            {
                if (!double.IsFinite(value))
                    continue;
                steps[n] = step;
                values[n++] = value;
            }
            Array.Sort(steps, values, 0, n);
            if (n > perCurve)
            {
                var keep = Lttb.Select(steps, values, n, perCurve);
                curves.Add(new LearningCurve(t.Number, t.State, keep.Select(i => steps[i]).ToArray(), keep.Select(i => values[i]).ToArray(), n));
            }
            else
            {
                curves.Add(new LearningCurve(t.Number, t.State, steps[..n], values[..n], n));
            }
        }
        return new LearningCurvesInfo(study.ObjectiveName, study.Direction, curves);
    }

    /// <summary>Drawing order: pruned last, so the trials the pruner stopped sit on top.</summary>
    private static readonly TrialState[] Layers = [TrialState.Complete, TrialState.Fail, TrialState.Running, TrialState.Paused, TrialState.Waiting, TrialState.Pruned, TrialState.Cancelled];

    public static Figure Render(LearningCurvesInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var traces = new List<Trace>();
        var many = info.Curves.Count > 200;
        foreach (var state in Layers)
        {
            var curves = info.Curves.Where(c => c.State == state && c.Values.Count > 0).ToList();
            if (curves.Count == 0)
                continue;
            // All curves of a state go into one trace separated by gaps: plotly slows down with
            // thousands of traces, not with thousands of points.
            var points = curves.Sum(c => c.Values.Count + 1);
            var xs = new double[points];
            var ys = new double[points];
            var k = 0;
            foreach (var c in curves)
            {
                for (var i = 0; i < c.Values.Count; i++, k++)
                {
                    xs[k] = c.Steps[i];
                    ys[k] = c.Values[i];
                }
                xs[k] = double.NaN;
                ys[k++] = double.NaN;
            }
            var name = PlotStyle.NameOf(state);
            var color = PlotStyle.ColorOf(state);
            traces.Add(PlotStyle.XY(points) with
            {
                Name = name,
                LegendGroup = name,
                Mode = ScatterModes.Lines,
                X = xs,
                Y = ys,
                Line = new Line { Color = color, Width = state == TrialState.Pruned ? 1.5 : 1 },
                Opacity = many ? 0.4 : 0.8,
                HoverInfo = "skip",
            });
            // The last point of each curve says which trial it is (and, for pruned trials, where it stopped).
            traces.Add(PlotStyle.XY(curves.Count) with
            {
                Name = name,
                LegendGroup = name,
                ShowLegend = false,
                Mode = ScatterModes.Markers,
                X = curves.Select(c => (double)c.Steps[^1]).ToArray(),
                Y = curves.Select(c => c.Values[^1]).ToArray(),
                Text = curves.Select(c => (double)c.TrialNumber).ToArray(),
                Marker = new Marker
                {
                    Color = color,
                    Size = state == TrialState.Pruned ? 7 : 5,
                    Symbol = state == TrialState.Pruned ? "x" : "circle",
                },
                HoverTemplate = $"trial %{{text}} ({name})<br>step %{{x}}<br>%{{y}}<extra></extra>",
            });
        }
        var title = info.Downsampled ? "Intermediate values (long curves downsampled)" : "Intermediate values";
        return new Figure(traces, new Layout
        {
            Title = new Title(title),
            XAxis = new Axis { Title = new Title("step") },
            YAxis = new Axis { Title = new Title(PlotStyle.Text(info.ObjectiveName)) },
            HoverMode = "closest",
            Legend = new Legend { Orientation = "h", Y = -0.2 },
            Margin = PlotStyle.CompactMargin,
        });
    }
}

/// <summary>
/// Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013): keeps the points that shape
/// a curve — its peaks, dips and both ends — in O(n).
/// </summary>
internal static class Lttb
{
    /// <summary>Indices of the <paramref name="count"/> points to keep among the first <paramref name="n"/>, ascending.</summary>
    public static int[] Select(long[] x, double[] y, int n, int count)
    {
        if (count >= n || n <= 2)
            return Enumerable.Range(0, n).ToArray();
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 3);
        var keep = new int[count];
        keep[0] = 0;
        keep[count - 1] = n - 1;
        var bucket = (double)(n - 2) / (count - 2);
        var a = 0;
        for (var i = 0; i < count - 2; i++)
        {
            // The average of the next bucket is the third corner of the triangle.
            var nextStart = (int)Math.Floor((i + 1) * bucket) + 1;
            var nextEnd = Math.Min(n, (int)Math.Floor((i + 2) * bucket) + 1);
            double avgX = 0, avgY = 0;
            for (var j = nextStart; j < nextEnd; j++)
            {
                avgX += x[j];
                avgY += y[j];
            }
            var len = Math.Max(1, nextEnd - nextStart);
            avgX /= len;
            avgY /= len;
            if (nextEnd <= nextStart)
                (avgX, avgY) = (x[n - 1], y[n - 1]);

            var start = (int)Math.Floor(i * bucket) + 1;
            var end = (int)Math.Floor((i + 1) * bucket) + 1;
            var best = start;
            var bestArea = -1.0;
            for (var j = start; j < end; j++)
            {
                var area = Math.Abs((x[a] - avgX) * (y[j] - y[a]) - (x[a] - x[j]) * (avgY - y[a]));
                if (area > bestArea)
                {
                    bestArea = area;
                    best = j;
                }
            }
            keep[i + 1] = best;
            a = best;
        }
        return keep;
    }
}
