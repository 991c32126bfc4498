using System.Text.Json.Serialization;

namespace HoMM.Reports.Figures;

/// <summary>One trace of a figure; <c>type</c> is written from the concrete record.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(Scatter), "scatter")]
[JsonDerivedType(typeof(ScatterGl), "scattergl")]
[JsonDerivedType(typeof(Bar), "bar")]
[JsonDerivedType(typeof(ParCoords), "parcoords")]
[JsonDerivedType(typeof(Contour), "contour")]
[JsonDerivedType(typeof(Heatmap), "heatmap")]
public abstract record Trace
{
    public string? Name { get; init; }
    public bool? ShowLegend { get; init; }
    public string? LegendGroup { get; init; }
    public double? Opacity { get; init; }
    /// <summary>E.g. <c>"trial %{text}&lt;extra&gt;&lt;/extra&gt;"</c>.</summary>
    public string? HoverTemplate { get; init; }
    /// <summary><c>"skip"</c> turns hover off for a trace.</summary>
    public string? HoverInfo { get; init; }
}

/// <summary>Attributes shared by <see cref="Scatter"/> (SVG) and <see cref="ScatterGl"/> (WebGL).</summary>
public abstract record XYTrace : Trace
{
    public DataArray? X { get; init; }
    public DataArray? Y { get; init; }
    /// <summary>Plotly's flag list, see <see cref="ScatterModes"/>.</summary>
    public string? Mode { get; init; }
    public Marker? Marker { get; init; }
    public Line? Line { get; init; }
    public DataArray? Text { get; init; }
    public DataArray? CustomData { get; init; }
    /// <summary>The axis pair of a subplot: <c>"x2"</c>, <c>"y2"</c>; null is the first.</summary>
    [JsonPropertyName("xaxis")]
    public string? XAxisId { get; init; }
    [JsonPropertyName("yaxis")]
    public string? YAxisId { get; init; }
    public bool? ConnectGaps { get; init; }
}

public static class ScatterModes
{
    public const string Markers = "markers";
    public const string Lines = "lines";
    public const string LinesAndMarkers = "lines+markers";
}

/// <summary>An SVG scatter: best for a few thousand points or fewer (no WebGL context used).</summary>
public sealed record Scatter : XYTrace;

/// <summary>A WebGL scatter: draws hundreds of thousands of points.</summary>
public sealed record ScatterGl : XYTrace;

public sealed record Marker
{
    public ColorValue? Color { get; init; }
    public double? Size { get; init; }
    /// <summary>Plotly symbol name, e.g. <c>"circle-open"</c>, <c>"x"</c>.</summary>
    public string? Symbol { get; init; }
    public double? Opacity { get; init; }
    public string? ColorScale { get; init; }
    public bool? ReverseScale { get; init; }
    public bool? ShowScale { get; init; }
    public ColorBar? ColorBar { get; init; }
    public Line? Line { get; init; }
}

public sealed record Line
{
    public string? Color { get; init; }
    public double? Width { get; init; }
    public LineShape? Shape { get; init; }
    /// <summary><c>"dash"</c>, <c>"dot"</c>…</summary>
    public string? Dash { get; init; }
}

public enum LineShape
{
    Linear,
    /// <summary>Horizontal then vertical: a step function such as a best-so-far line.</summary>
    Hv,
}

public sealed record ColorBar
{
    public Title? Title { get; init; }
    public double? Thickness { get; init; }
    public double? Len { get; init; }
}

public enum Orientation
{
    H,
    V,
}

public sealed record Bar : Trace
{
    public DataArray? X { get; init; }
    public DataArray? Y { get; init; }
    public Orientation? Orientation { get; init; }
    public Marker? Marker { get; init; }
    public DataArray? Text { get; init; }
    /// <summary><c>"outside"</c>, <c>"inside"</c>, <c>"auto"</c>, <c>"none"</c>.</summary>
    public string? TextPosition { get; init; }
    [JsonPropertyName("xaxis")]
    public string? XAxisId { get; init; }
    [JsonPropertyName("yaxis")]
    public string? YAxisId { get; init; }
}

/// <summary>Parallel coordinates (WebGL lines, one per row of the dimensions).</summary>
public sealed record ParCoords : Trace
{
    public required IReadOnlyList<ParCoordsDimension> Dimensions { get; init; }
    public ParCoordsLine? Line { get; init; }
    /// <summary>How lines outside a dimension's <see cref="ParCoordsDimension.ConstraintRange"/> are drawn.</summary>
    public ParCoordsUnselected? Unselected { get; init; }
}

public sealed record ParCoordsUnselected(ParCoordsUnselectedLine Line);

public sealed record ParCoordsUnselectedLine(string Color, double Opacity);

public sealed record ParCoordsDimension
{
    public required string Label { get; init; }
    public required DataArray Values { get; init; }
    public IReadOnlyList<double>? Range { get; init; }
    public DataArray? TickVals { get; init; }
    public DataArray? TickText { get; init; }
    /// <summary>The selected span [low, high]: lines outside it are drawn in the trace's unselected style.</summary>
    public IReadOnlyList<double>? ConstraintRange { get; init; }
}

public sealed record ParCoordsLine
{
    public ColorValue? Color { get; init; }
    public string? ColorScale { get; init; }
    public bool? ReverseScale { get; init; }
    /// <summary>The colour scale's ends (plotly's cmin/cmax); from the data when unset.</summary>
    public double? CMin { get; init; }
    public double? CMax { get; init; }
    public bool? ShowScale { get; init; }
    public ColorBar? ColorBar { get; init; }
}

/// <summary>Shared by <see cref="Contour"/> and <see cref="Heatmap"/>: a grid of values over x and y.</summary>
public abstract record GridTrace : Trace
{
    public DataArray? X { get; init; }
    public DataArray? Y { get; init; }
    /// <summary>Rows are y, columns x; NaN cells are empty.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> Z { get; init; }
    public string? ColorScale { get; init; }
    public bool? ReverseScale { get; init; }
    public bool? ShowScale { get; init; }
    public ColorBar? ColorBar { get; init; }
    public bool? ConnectGaps { get; init; }
    [JsonPropertyName("xaxis")]
    public string? XAxisId { get; init; }
    [JsonPropertyName("yaxis")]
    public string? YAxisId { get; init; }
}

public sealed record Contour : GridTrace
{
    public ContourLines? Contours { get; init; }
    public Line? Line { get; init; }
}

public sealed record ContourLines
{
    /// <summary><c>"fill"</c>, <c>"heatmap"</c>, <c>"lines"</c>, <c>"none"</c>.</summary>
    public string? Coloring { get; init; }
    public bool? ShowLines { get; init; }
}

public sealed record Heatmap : GridTrace;
