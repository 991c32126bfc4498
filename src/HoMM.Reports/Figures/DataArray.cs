using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HoMM.Reports.Figures;

/// <summary>
/// A plotly data array (<c>x</c>, <c>y</c>, <c>text</c>, <c>base</c>…): numbers or strings.
/// Non-finite numbers are written as <c>null</c>, which plotly draws as a gap; a line trace
/// uses that to hold many curves in one trace.
/// </summary>
[JsonConverter(typeof(DataArrayJsonConverter))]
public sealed class DataArray
{
    private DataArray(IReadOnlyList<double>? numbers, IReadOnlyList<string?>? strings)
    {
        Numbers = numbers;
        Strings = strings;
    }

    /// <summary>The numbers, when this is a numeric array.</summary>
    public IReadOnlyList<double>? Numbers { get; }

    /// <summary>The strings, when this is a text array (dates, categories, hover text); null entries are gaps.</summary>
    public IReadOnlyList<string?>? Strings { get; }

    public int Count => Numbers?.Count ?? Strings!.Count;

    public static DataArray Of(IReadOnlyList<double> numbers) => new(numbers ?? throw new ArgumentNullException(nameof(numbers)), null);

    public static DataArray Of(IReadOnlyList<string?> strings) => new(null, strings ?? throw new ArgumentNullException(nameof(strings)));

    [return: NotNullIfNotNull(nameof(numbers))]
    public static implicit operator DataArray?(double[]? numbers) => numbers is null ? null : Of(numbers);

    [return: NotNullIfNotNull(nameof(numbers))]
    public static implicit operator DataArray?(List<double>? numbers) => numbers is null ? null : Of(numbers);

    [return: NotNullIfNotNull(nameof(strings))]
    public static implicit operator DataArray?(string?[]? strings) => strings is null ? null : Of(strings);

    [return: NotNullIfNotNull(nameof(strings))]
    public static implicit operator DataArray?(List<string?>? strings) => strings is null ? null : Of(strings);
}

internal sealed class DataArrayJsonConverter : JsonConverter<DataArray>
{
    public override DataArray Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("figures are written for plotly.js, not read back");

    public override void Write(Utf8JsonWriter writer, DataArray value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        if (value.Numbers is { } numbers)
        {
            foreach (var n in numbers)
                CompactNumber.Write(writer, n);
        }
        else
        {
            foreach (var s in value.Strings!)
            {
                if (s is null)
                    writer.WriteNullValue();
                else
                    writer.WriteStringValue(s);
            }
        }
        writer.WriteEndArray();
    }
}
