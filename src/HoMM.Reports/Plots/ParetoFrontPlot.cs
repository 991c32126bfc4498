using System.Globalization;
using HoMM.Core.MultiObjective;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;

namespace HoMM.Reports.Plots;

/// <summary>One ranked trial of a multi-objective study: its values and front rank (0 = Pareto front).</summary>
public sealed record ParetoPoint(int Number, IReadOnlyList<double> Values, int Rank);

/// <summary>What the Pareto-front and hypervolume plots draw, computed by <see cref="ParetoFrontRule"/>.</summary>
public sealed record ParetoFrontInfo(
    IReadOnlyList<(string Name, StudyDirection Direction)> Objectives,
    IReadOnlyList<ParetoPoint> Points,
    IReadOnlyList<(int Number, double Hypervolume)> History)
{
    public IEnumerable<ParetoPoint> Front => Points.Where(p => p.Rank == 0);
}

/// <summary>
/// A multi-objective study's Pareto front: the first two objectives as a scatter, the front
/// joined by a line and the dominated trials faded (with three or more objectives, rank is
/// over all of them and the plot is their first two; the parallel-coordinates plot shows all), and
/// the front's hypervolume after each trial.
/// </summary>
public static class ParetoFrontPlot
{
    public static ParetoFrontInfo Build(ReportStudy study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var directions = study.Directions;
        var ranks = ParetoFrontRule.Ranks(study.Trials, directions);
        var points = study.Trials
            .Where(t => ranks.ContainsKey(t.Number))
            .OrderBy(t => t.Number)
            .Select(t => new ParetoPoint(t.Number, t.ObjectiveValues!, ranks[t.Number]))
            .ToList();
        return new ParetoFrontInfo(study.Objectives, points, ParetoFrontRule.History(study.Trials, directions));
    }

    public static Figure Render(ParetoFrontInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var (xName, xDir) = info.Objectives[0];
        var (yName, yDir) = info.Objectives[1];
        var dominated = info.Points.Where(p => p.Rank > 0).ToList();
        var front = info.Front.OrderBy(p => p.Values[0]).ThenBy(p => p.Values[1]).ToList();
        var traces = new List<Trace>();
        if (dominated.Count > 0)
        {
            var trace = PlotStyle.XY(dominated.Count) with
            {
                Name = "dominated",
                Mode = ScatterModes.Markers,
                X = dominated.Select(p => p.Values[0]).ToArray(),
                Y = dominated.Select(p => p.Values[1]).ToArray(),
                CustomData = dominated.Select(p => (double)p.Number).ToArray(),
                Marker = new Marker { Color = "#9aa5b1", Size = 6, Opacity = 0.35 },
                HoverTemplate = $"trial %{{customdata}}<br>{PlotStyle.Text(xName)} %{{x}}<br>{PlotStyle.Text(yName)} %{{y}}<extra>dominated</extra>",
            };
            traces.Add(trace);
        }
        traces.Add(new Scatter
        {
            Name = "Pareto front",
            Mode = ScatterModes.LinesAndMarkers,
            X = front.Select(p => p.Values[0]).ToArray(),
            Y = front.Select(p => p.Values[1]).ToArray(),
            CustomData = front.Select(p => (double)p.Number).ToArray(),
            Line = new Line { Width = 2, Color = "#d62728" },
            Marker = new Marker { Color = "#d62728", Size = 9 },
            HoverTemplate = $"trial %{{customdata}}<br>{PlotStyle.Text(xName)} %{{x}}<br>{PlotStyle.Text(yName)} %{{y}}<extra>front</extra>",
        });
        var extra = info.Objectives.Count > 2
            ? $" (first two of {info.Objectives.Count.ToString(CultureInfo.InvariantCulture)} objectives; rank over all)"
            : "";
        return new Figure(traces, new Layout
        {
            Title = new Title($"Pareto front: {front.Count.ToString(CultureInfo.InvariantCulture)} of {info.Points.Count.ToString(CultureInfo.InvariantCulture)} trials{extra}"),
            XAxis = new Axis { Title = new Title($"{PlotStyle.Text(xName)} ({Word(xDir)})") },
            YAxis = new Axis { Title = new Title($"{PlotStyle.Text(yName)} ({Word(yDir)})") },
            HoverMode = "closest",
            Margin = PlotStyle.CompactMargin,
        });
    }

    /// <summary>The front's hypervolume after each trial (reference: the nadir of all ranked trials, pushed out by 10 %).</summary>
    public static Figure RenderHistory(ParetoFrontInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new Figure(
        [
            new Scatter
            {
                Name = "hypervolume",
                Mode = ScatterModes.Lines,
                X = info.History.Select(h => (double)h.Number).ToArray(),
                Y = info.History.Select(h => h.Hypervolume).ToArray(),
                Line = new Line { Shape = LineShape.Hv, Width = 2 },
                HoverTemplate = "after trial %{x}: %{y:.4g}<extra></extra>",
            },
        ], new Layout
        {
            Title = new Title("Hypervolume of the Pareto front"),
            XAxis = new Axis { Title = new Title("trial") },
            YAxis = new Axis { Title = new Title("hypervolume (nadir reference)") },
            HoverMode = "closest",
            Margin = PlotStyle.CompactMargin,
        });
    }

    private static string Word(StudyDirection d) => d == StudyDirection.Minimize ? "minimize" : "maximize";
}
