using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HoMM.Reports.Figures;

/// <summary>
/// Numbers in figures are written with 7 significant digits: a plot is read to a few digits and
/// hover labels show 7, while full round-trip precision (17 digits) would make the JSON of a
/// 10,000-trial study about twice as large. NaN and infinities become <c>null</c> (a gap in
/// plotly; JSON has no literal for them).
/// </summary>
internal static class CompactNumber
{
    public const int SignificantDigits = 7;

    public static void Write(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value))
        {
            writer.WriteNullValue();
            return;
        }
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            // Integers (steps, trial numbers, counts) are exact and short as they are.
            writer.WriteNumberValue((long)value);
            return;
        }
        Span<byte> buffer = stackalloc byte[32];
        // "G7" gives e.g. 0.1234568 or 1.5E-05, both valid JSON numbers.
        if (!value.TryFormat(buffer, out var written, "G7", CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"cannot format {value}");
        writer.WriteRawValue(buffer[..written], skipInputValidation: true);
    }
}

/// <summary>Applies <see cref="CompactNumber"/> to every double of a figure (ranges, sizes, matrices).</summary>
internal sealed class CompactDoubleJsonConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) =>
        CompactNumber.Write(writer, value);
}
