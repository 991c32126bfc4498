using System.Text.Json;
using System.Text.Json.Serialization;

namespace HoMM.Reports.Figures;

/// <summary>
/// Writes figures as plotly.js reads them: attribute names in plotly's spelling (all lower case,
/// no separators, e.g. <c>showlegend</c>, <c>hovertemplate</c>; the few with underscores are named
/// on the property), enums as lower-case strings, nulls left out, compact numbers
/// (<see cref="CompactNumber"/>). The default encoder escapes <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c>,
/// so the JSON can sit inside an HTML <c>&lt;script&gt;</c> element.
/// </summary>
public static class FigureJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(Figure figure) => JsonSerializer.Serialize(figure, Options);

    public static void Serialize(Utf8JsonWriter writer, Figure figure) => JsonSerializer.Serialize(writer, figure, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = PlotlyNamingPolicy.Instance,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(PlotlyNamingPolicy.Instance, allowIntegerValues: false));
        options.Converters.Add(new CompactDoubleJsonConverter());
        options.Converters.Add(new ColorValueJsonConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Plotly spells attributes in lower case without separators: ShowLegend → showlegend.</summary>
    private sealed class PlotlyNamingPolicy : JsonNamingPolicy
    {
        public static readonly PlotlyNamingPolicy Instance = new();

        public override string ConvertName(string name) => name.ToLowerInvariant();
    }

    private sealed class ColorValueJsonConverter : JsonConverter<ColorValue>
    {
        public override ColorValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("figures are written for plotly.js, not read back");

        public override void Write(Utf8JsonWriter writer, ColorValue value, JsonSerializerOptions options)
        {
            if (value.Css is { } css)
                writer.WriteStringValue(css);
            else
                JsonSerializer.Serialize(writer, value.Values!, options);
        }
    }
}
