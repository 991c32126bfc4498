using System.Globalization;
using System.Text.Json;

namespace HoMM.Storage.Serialization;

/// <summary>
/// The value of the <see cref="SystemAttrs.FinalMetrics"/> attribute: a JSON object of metric →
/// number. JSON has no NaN or infinity, so those are written as the strings "NaN", "Infinity"
/// and "-Infinity" (as the trainer protocol does) and read back as numbers.
/// </summary>
public static class FinalMetricsJson
{
    public static JsonElement ToJson(IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (name, value) in metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                if (double.IsFinite(value))
                    json.WriteNumber(name, value);
                else
                    json.WriteString(name, value.ToString(CultureInfo.InvariantCulture));
            }
            json.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    /// <summary>The metrics of an attribute value; entries that are not numbers are left out, and anything but an object gives none.</summary>
    public static IReadOnlyDictionary<string, double> Parse(JsonElement value)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (value.ValueKind != JsonValueKind.Object)
            return metrics;
        foreach (var p in value.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDouble(out var d))
                metrics[p.Name] = d;
            else if (p.Value.ValueKind == JsonValueKind.String
                     && double.TryParse(p.Value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && !double.IsFinite(s))
                metrics[p.Name] = s;
        }
        return metrics;
    }
}
