namespace HoMM.Reports.Figures;

/// <summary>
/// A plotly.js figure: the traces and the layout, exactly as <c>Plotly.newPlot(div, data, layout)</c>
/// takes them once serialized by <see cref="FigureJson"/>. Only the attributes our plots use are modelled.
/// </summary>
public sealed record Figure(IReadOnlyList<Trace> Data, Layout Layout);

/// <summary>A title (plotly 3+ accepts only the object form, <c>{"text": …}</c>).</summary>
public sealed record Title(string Text);

/// <summary>Plotly's <c>font</c> object.</summary>
public sealed record Font
{
    public double? Size { get; init; }
    public string? Color { get; init; }
    public string? Family { get; init; }
}

/// <summary>A colour: one CSS colour for every point, or one number per point mapped through a colour scale.</summary>
public sealed class ColorValue
{
    private ColorValue(string? css, DataArray? values)
    {
        Css = css;
        Values = values;
    }

    public string? Css { get; }
    public DataArray? Values { get; }

    public static ColorValue Of(string css) => new(css ?? throw new ArgumentNullException(nameof(css)), null);

    public static ColorValue Of(DataArray values) => new(null, values ?? throw new ArgumentNullException(nameof(values)));

    public static implicit operator ColorValue(string css) => Of(css);

    public static implicit operator ColorValue(double[] values) => Of(values);

    public static implicit operator ColorValue(DataArray values) => Of(values);
}
