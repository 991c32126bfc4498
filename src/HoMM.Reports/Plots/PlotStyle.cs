using HoMM.Core.Trials;
using HoMM.Reports.Figures;

namespace HoMM.Reports.Plots;

/// <summary>Colours and rendering choices shared by every plot, so a state looks the same everywhere.</summary>
public static class PlotStyle
{
    public const string Complete = "#4c78a8";
    public const string Pruned = "#f58518";
    public const string Failed = "#e45756";
    public const string Running = "#54a24b";
    public const string Waiting = "#9d9d9d";
    public const string Cancelled = "#bab0ac";
    public const string Paused = "#b279a2";
    public const string BestLine = "#222222";

    /// <summary>The colour scale of objective values: plotly's Blues runs from dark (low) to light grey (high).</summary>
    public const string ObjectiveScale = "Blues";

    /// <summary>Reverse <see cref="ObjectiveScale"/> when maximizing, so the best trials are the darkest either way.</summary>
    public static bool ReverseObjectiveScale(StudyDirection direction) => direction == StudyDirection.Maximize;

    /// <summary>
    /// From this many points on, a scatter is drawn with WebGL. Below it SVG is used: it looks
    /// the same, and a page has only ~16 WebGL contexts, so small plots should not spend them.
    /// </summary>
    public const int WebGlPointThreshold = 2000;

    public static string ColorOf(TrialState state) => state switch
    {
        TrialState.Complete => Complete,
        TrialState.Pruned => Pruned,
        TrialState.Fail => Failed,
        TrialState.Running => Running,
        TrialState.Cancelled => Cancelled,
        TrialState.Paused => Paused,
        _ => Waiting,
    };

    /// <summary>The state's name (<see cref="TrialStateNames"/>).</summary>
    public static string NameOf(TrialState state) => state.Name();

    /// <summary>A scatter trace of the right kind for <paramref name="pointCount"/> points.</summary>
    public static XYTrace XY(int pointCount) => pointCount >= WebGlPointThreshold ? new ScatterGl() : new Scatter();

    /// <summary>
    /// plotly reads titles, names, tick labels and hover text as a small HTML subset; user text
    /// (parameter names, categories, objective names) is escaped so it shows as written.
    /// </summary>
    public static string Text(string text) => System.Net.WebUtility.HtmlEncode(text);

    /// <summary>
    /// The axis for a parameter: log (ticks written out over <paramref name="values"/>, see
    /// <see cref="LogTicks"/>) or linear, or category labels at their indices.
    /// </summary>
    public static Axis AxisFor(ParamAxis param, IEnumerable<double> values) => param.Scale switch
    {
        ParamScale.Log => LogTicks.AxisOver(values, new Title(Text(param.Name))),
        ParamScale.Categorical => new Axis
        {
            Title = new Title(Text(param.Name)),
            Type = AxisType.Linear,
            TickVals = Enumerable.Range(0, param.Categories!.Count).Select(i => (double)i).ToArray(),
            TickText = param.Categories.Select(Text).ToArray<string?>(),
            Range = [-0.5, param.Categories.Count - 0.5],
            ZeroLine = false,
        },
        _ => new Axis { Title = new Title(Text(param.Name)) },
    };

    public static Margin CompactMargin { get; } = new() { L = 60, R = 20, T = 40, B = 50 };

    /// <summary>How opaque pruned trials are drawn where complete ones are the subject (slice, EDF, parallel coordinates).</summary>
    public const double PrunedOpacity = 0.35;

    /// <summary>The legend entry of pruned trials shown at their last reported value; clicking it hides or shows them.</summary>
    public const string PrunedLegend = "pruned (last value)";

    /// <summary>
    /// Two buttons under the plot, "pruned: faded" (pressed at first) and "pruned: hidden", that
    /// restyle the figure with <paramref name="shown"/> or <paramref name="hidden"/> (for a
    /// figure without a legend to click; the others toggle pruned trials from their legend).
    /// </summary>
    public static UpdateMenu PrunedToggle(string attribute, object shown, object hidden) => new()
    {
        Type = "buttons",
        Direction = "right",
        Active = 0,
        ShowActive = true,
        X = 0,
        XAnchor = "left",
        // Below the axes' lower extent labels.
        Y = -0.1,
        YAnchor = "top",
        Font = new Font { Size = 11 },
        Buttons =
        [
            // restyle(attribute, value): plotly's validate accepts this form, not an {attribute: value} object.
            new UpdateMenuButton("pruned: faded", "restyle", [attribute, shown]),
            new UpdateMenuButton("pruned: hidden", "restyle", [attribute, hidden]),
        ],
    };

    /// <summary>
    /// The legend as one row above the plot on the left, <paramref name="liftPx"/> higher than the
    /// plot area's top over a plot area <paramref name="plotHeightPx"/> high: the top right is
    /// where plotly shows its toolbar, which a legend there would cover.
    /// </summary>
    public static Legend LegendTopLeft(double liftPx = 0, double plotHeightPx = 1) =>
        new() { Orientation = "h", X = 0, XAnchor = "left", Y = 1 + liftPx / Math.Max(1, plotHeightPx), YAnchor = "bottom" };
}
