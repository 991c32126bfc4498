using HoMM.Core.Trials;
using HoMM.Reports.Figures;

namespace HoMM.Reports.Plots;

/// <summary>A trial placed by its number and a value.</summary>
public readonly record struct TrialPoint(int Number, double Value);

/// <summary>
/// The objective value of every trial by trial number, and the best value found so far.
/// </summary>
/// <param name="ObjectiveName">The value axis title.</param>
/// <param name="Direction">Which way is better: decides the best-so-far line.</param>
/// <param name="Complete">Complete trials with a finite value, by number.</param>
/// <param name="BestSoFar">One point per complete trial: the best value among complete trials up to it.</param>
/// <param name="Pruned">Pruned trials at their value, or their last reported intermediate value.</param>
/// <param name="Failed">Numbers of failed trials (and of complete trials without a finite value).</param>
/// <param name="PrunedWithoutValue">Numbers of pruned trials that reported no value at all.</param>
public sealed record OptimizationHistoryInfo(
    string ObjectiveName,
    StudyDirection Direction,
    IReadOnlyList<TrialPoint> Complete,
    IReadOnlyList<TrialPoint> BestSoFar,
    IReadOnlyList<TrialPoint> Pruned,
    IReadOnlyList<int> Failed,
    IReadOnlyList<int> PrunedWithoutValue)
{
    /// <summary>The best trial, or null when none completed.</summary>
    public TrialPoint? Best => BestSoFar.Count == 0 ? null : Complete.First(p => p.Value == BestSoFar[^1].Value);
}

/// <summary>Optimization history: values by trial number with the best-so-far line.</summary>
public static class OptimizationHistoryPlot
{
    public static OptimizationHistoryInfo Build(ReportStudy study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var complete = new List<TrialPoint>();
        var pruned = new List<TrialPoint>();
        var failed = new List<int>();
        var prunedWithout = new List<int>();
        foreach (var t in study.Trials.OrderBy(t => t.Number))
        {
            switch (t.State)
            {
                case TrialState.Complete when BestTrialRule.IsRanked(t):
                    complete.Add(new(t.Number, t.Value!.Value));
                    break;
                case TrialState.Complete:
                    // A complete trial without a usable value is as good as failed for this plot.
                    failed.Add(t.Number);
                    break;
                case TrialState.Pruned:
                    if (PrunedValue(t) is { } pv)
                        pruned.Add(new(t.Number, pv));
                    else
                        prunedWithout.Add(t.Number);
                    break;
                case TrialState.Fail:
                    failed.Add(t.Number);
                    break;
                default:
                    break; // waiting and running trials have no value yet
            }
        }

        var best = new List<TrialPoint>(complete.Count);
        var incumbent = double.NaN;
        foreach (var p in complete)
        {
            if (double.IsNaN(incumbent) || study.Direction.IsBetter(p.Value, incumbent))
                incumbent = p.Value;
            best.Add(new(p.Number, incumbent));
        }
        return new(study.ObjectiveName, study.Direction, complete, best, pruned, failed, prunedWithout);
    }

    /// <summary>The value a pruned trial is shown at: its own, or the last value it reported.</summary>
    internal static double? PrunedValue(FrozenTrial t)
    {
        if (t.Value is { } v && double.IsFinite(v))
            return v;
        if (t.LastStep is { } step && double.IsFinite(t.IntermediateValues[step]))
            return t.IntermediateValues[step];
        return null;
    }

    public static Figure Render(OptimizationHistoryInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var traces = new List<Trace>();
        var points = info.Complete.Count + info.Pruned.Count;
        traces.Add(PlotStyle.XY(points) with
        {
            Name = "complete",
            Mode = ScatterModes.Markers,
            X = info.Complete.Select(p => (double)p.Number).ToArray(),
            Y = info.Complete.Select(p => p.Value).ToArray(),
            Marker = new Marker { Color = PlotStyle.Complete, Size = 6 },
            HoverTemplate = "trial %{x}<br>%{y}<extra>complete</extra>",
        });
        if (info.Pruned.Count > 0)
        {
            traces.Add(PlotStyle.XY(points) with
            {
                Name = "pruned (last reported value)",
                Mode = ScatterModes.Markers,
                X = info.Pruned.Select(p => (double)p.Number).ToArray(),
                Y = info.Pruned.Select(p => p.Value).ToArray(),
                Marker = new Marker { Color = PlotStyle.Pruned, Size = 6, Symbol = "circle-open" },
                HoverTemplate = "trial %{x}<br>%{y}<extra>pruned</extra>",
            });
        }
        if (info.BestSoFar.Count > 0)
        {
            var steps = BestChanges(info.BestSoFar);
            traces.Add(PlotStyle.XY(steps.Count) with
            {
                Name = "best so far",
                Mode = ScatterModes.Lines,
                X = steps.Select(p => (double)p.Number).ToArray(),
                Y = steps.Select(p => p.Value).ToArray(),
                Line = new Line { Color = PlotStyle.BestLine, Width = 2, Shape = LineShape.Hv },
                HoverTemplate = "best after trial %{x}<br>%{y}<extra></extra>",
            });
        }

        var hasStrip = info.Failed.Count > 0 || info.PrunedWithoutValue.Count > 0;
        if (info.Failed.Count > 0)
            traces.Add(StripTrace("failed", info.Failed, PlotStyle.Failed, "x"));
        if (info.PrunedWithoutValue.Count > 0)
            traces.Add(StripTrace("pruned (no value)", info.PrunedWithoutValue, PlotStyle.Pruned, "x-thin-open"));

        var layout = new Layout
        {
            Title = new Title("Optimization history"),
            XAxis = new Axis { Title = new Title("trial"), ZeroLine = false },
            YAxis = new Axis
            {
                Title = new Title($"{PlotStyle.Text(info.ObjectiveName)} ({(info.Direction == StudyDirection.Minimize ? "minimize" : "maximize")})"),
                Domain = hasStrip ? [0.14, 1] : null,
            },
            // Trials without a value get a thin strip under the plot instead of a made-up y.
            MoreAxes = hasStrip
                ? new Dictionary<string, Axis>
                {
                    ["yaxis2"] = new()
                    {
                        Domain = [0, 0.07],
                        Range = [-1, 1],
                        FixedRange = true,
                        ShowGrid = false,
                        ZeroLine = false,
                        TickVals = new[] { 0.0 },
                        TickText = new string?[] { "no value" },
                    },
                }
                : null,
            HoverMode = "closest",
            Legend = new Legend { Orientation = "h", Y = -0.2 },
            Margin = PlotStyle.CompactMargin,
        };
        return new Figure(traces, layout);
    }

    private static XYTrace StripTrace(string name, IReadOnlyList<int> numbers, string color, string symbol) =>
        PlotStyle.XY(numbers.Count) with
        {
            Name = name,
            Mode = ScatterModes.Markers,
            X = numbers.Select(n => (double)n).ToArray(),
            Y = new double[numbers.Count],
            YAxisId = "y2",
            Marker = new Marker { Color = color, Size = 7, Symbol = symbol },
            HoverTemplate = $"trial %{{x}}<extra>{name}</extra>",
        };

    /// <summary>
    /// A step line needs a point only where the best value changes (and one at the end), so
    /// 10,000 trials usually need a few dozen points rather than 10,000.
    /// </summary>
    internal static List<TrialPoint> BestChanges(IReadOnlyList<TrialPoint> bestSoFar)
    {
        var steps = new List<TrialPoint>();
        for (var i = 0; i < bestSoFar.Count; i++)
        {
            if (i == 0 || bestSoFar[i].Value != bestSoFar[i - 1].Value || i == bestSoFar.Count - 1)
                steps.Add(bestSoFar[i]);
        }
        return steps;
    }
}
