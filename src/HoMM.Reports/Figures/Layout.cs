using System.Text.Json.Serialization;

namespace HoMM.Reports.Figures;

public sealed record Layout
{
    public Title? Title { get; init; }
    [JsonPropertyName("xaxis")]
    public Axis? XAxis { get; init; }
    [JsonPropertyName("yaxis")]
    public Axis? YAxis { get; init; }

    /// <summary>
    /// The axes of further subplots, keyed by plotly's layout name (<c>xaxis2</c>, <c>yaxis3</c>…);
    /// written next to <c>xaxis</c> and <c>yaxis</c>, as plotly expects.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, Axis>? MoreAxes
    {
        get => moreAxes;
        init
        {
            foreach (var key in value?.Keys ?? [])
            {
                if (!IsSubplotAxisName(key))
                    throw new ArgumentException($"'{key}' is not a subplot axis name (xaxis2, yaxis3, …)", nameof(value));
            }
            moreAxes = value;
        }
    }

    public bool? ShowLegend { get; init; }
    public Legend? Legend { get; init; }
    /// <summary><c>"closest"</c>, <c>"x"</c>, <c>"x unified"</c>…</summary>
    public string? HoverMode { get; init; }
    public Margin? Margin { get; init; }
    public double? Height { get; init; }
    public Font? Font { get; init; }
    [JsonPropertyName("plot_bgcolor")]
    public string? PlotBackground { get; init; }
    [JsonPropertyName("paper_bgcolor")]
    public string? PaperBackground { get; init; }
    public IReadOnlyList<Annotation>? Annotations { get; init; }
    /// <summary><c>"overlay"</c>, <c>"group"</c>… (bars sharing a position).</summary>
    public string? BarMode { get; init; }
    /// <summary>Buttons on the figure that restyle it (e.g. show or hide pruned trials).</summary>
    public IReadOnlyList<UpdateMenu>? UpdateMenus { get; init; }

    [JsonExtensionData]
    [JsonInclude]
    internal Dictionary<string, object>? AxesForJson =>
        moreAxes?.ToDictionary(p => p.Key, p => (object)p.Value, StringComparer.Ordinal);

    private readonly IReadOnlyDictionary<string, Axis>? moreAxes;

    private static bool IsSubplotAxisName(string key) =>
        key.Length > 5 && (key[0] is 'x' or 'y') && key.AsSpan(1, 4).SequenceEqual("axis")
        && key[5] != '0' && key.AsSpan(5).ContainsAnyExceptInRange('0', '9') is false;
}

public enum AxisType
{
    Linear,
    Log,
    Date,
    Category,
}

public sealed record Axis
{
    public Title? Title { get; init; }
    public AxisType? Type { get; init; }
    /// <summary>In axis units (log axes take log10 of the data values, as plotly defines).</summary>
    public IReadOnlyList<double>? Range { get; init; }
    /// <summary><c>true</c>, <c>false</c> or <c>"reversed"</c>.</summary>
    public object? AutoRange { get; init; }
    public DataArray? TickVals { get; init; }
    public DataArray? TickText { get; init; }
    public string? TickFormat { get; init; }
    /// <summary>The fraction of the figure this axis spans, [start, end] in 0..1.</summary>
    public IReadOnlyList<double>? Domain { get; init; }
    /// <summary>The axis this one is drawn against, e.g. <c>"y2"</c>, or <c>"free"</c>.</summary>
    public string? Anchor { get; init; }
    /// <summary>Another axis whose range this one follows, e.g. <c>"y"</c>.</summary>
    public string? Matches { get; init; }
    public bool? ShowGrid { get; init; }
    public bool? ZeroLine { get; init; }
    public bool? ShowTickLabels { get; init; }
    public bool? FixedRange { get; init; }
    public bool? AutoMargin { get; init; }
}

public sealed record Legend
{
    /// <summary><c>"h"</c> lays the entries out in a row.</summary>
    public string? Orientation { get; init; }
    public double? X { get; init; }
    public double? Y { get; init; }
    public string? XAnchor { get; init; }
    public string? YAnchor { get; init; }
}

/// <summary>A row of buttons; each applies its <see cref="UpdateMenuButton.Args"/> with plotly's <see cref="UpdateMenuButton.Method"/>.</summary>
public sealed record UpdateMenu
{
    /// <summary><c>"buttons"</c> (a row) or <c>"dropdown"</c>.</summary>
    public string? Type { get; init; }
    /// <summary><c>"right"</c> lays buttons out in a row.</summary>
    public string? Direction { get; init; }
    public required IReadOnlyList<UpdateMenuButton> Buttons { get; init; }
    /// <summary>The index of the button shown as pressed.</summary>
    public int? Active { get; init; }
    public bool? ShowActive { get; init; }
    public double? X { get; init; }
    public double? Y { get; init; }
    public string? XAnchor { get; init; }
    public string? YAnchor { get; init; }
    public Font? Font { get; init; }
}

/// <summary>One button: <c>"restyle"</c> with args <c>[{attribute: value}, traceIndices?]</c>.</summary>
public sealed record UpdateMenuButton(string Label, string Method, IReadOnlyList<object> Args);

public sealed record Margin
{
    public double? L { get; init; }
    public double? R { get; init; }
    public double? T { get; init; }
    public double? B { get; init; }
}

/// <summary>A text placed on the figure, e.g. a subplot title.</summary>
public sealed record Annotation
{
    public required string Text { get; init; }
    public double? X { get; init; }
    public double? Y { get; init; }
    /// <summary><c>"paper"</c> for figure fractions, or an axis id.</summary>
    public string? XRef { get; init; }
    public string? YRef { get; init; }
    public bool? ShowArrow { get; init; }
    public string? XAnchor { get; init; }
    public string? YAnchor { get; init; }
    public Font? Font { get; init; }
}
