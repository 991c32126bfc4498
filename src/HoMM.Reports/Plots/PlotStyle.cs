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

    /// <summary>The axis for a parameter: log or linear, or category labels at their indices.</summary>
    public static Axis AxisFor(ParamAxis param) => param.Scale switch
    {
        ParamScale.Log => new Axis { Title = new Title(Text(param.Name)), Type = AxisType.Log },
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
}
