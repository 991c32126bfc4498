using System.Text;
using System.Text.Json;
using HoMM.Core.SearchSpace;

namespace HoMM.Storage.Serialization;

/// <summary>
/// The JSON form of Core's distributions, as stored with every trial parameter and in a study's
/// search space. The form is canonical (fixed property order, every field written) so equal
/// distributions give equal text, which the search-space fingerprint relies on:
/// <code>
/// {"type":"float","low":1E-05,"high":0.1,"log":true,"step":null}
/// {"type":"int","low":1,"high":8,"log":false,"step":1}
/// {"type":"categorical","choices":["relu",3,2.5,true,4.0]}
/// </code>
/// </summary>
public static class DistributionJson
{
    public static string Serialize(Distribution distribution)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, distribution);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <exception cref="JsonException">The text is not a distribution this version understands.</exception>
    public static Distribution Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = JsonDocument.Parse(json);
        return Read(doc.RootElement);
    }

    internal static void Write(Utf8JsonWriter writer, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        writer.WriteStartObject();
        switch (distribution)
        {
            case FloatDistribution f:
                writer.WriteString("type", "float");
                writer.WriteNumber("low", f.Low);
                writer.WriteNumber("high", f.High);
                writer.WriteBoolean("log", f.Log);
                if (f.Step is { } step)
                    writer.WriteNumber("step", step);
                else
                    writer.WriteNull("step");
                break;
            case IntDistribution i:
                writer.WriteString("type", "int");
                writer.WriteNumber("low", i.Low);
                writer.WriteNumber("high", i.High);
                writer.WriteBoolean("log", i.Log);
                writer.WriteNumber("step", i.Step);
                break;
            case CategoricalDistribution c:
                writer.WriteString("type", "categorical");
                writer.WriteStartArray("choices");
                foreach (var choice in c.Choices)
                    JsonScalar.Write(writer, choice);
                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException(
                    $"{distribution.GetType().Name} has no JSON form yet: add it to {nameof(DistributionJson)}", nameof(distribution));
        }
        writer.WriteEndObject();
    }

    internal static Distribution Read(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var type))
            throw new JsonException($"a distribution is an object with a \"type\", found: {e.GetRawText()}");
        try
        {
            return type.GetString() switch
            {
                "float" => new FloatDistribution(
                    e.GetProperty("low").GetDouble(),
                    e.GetProperty("high").GetDouble(),
                    OptionalBool(e, "log"),
                    e.TryGetProperty("step", out var s) && s.ValueKind != JsonValueKind.Null ? s.GetDouble() : null),
                "int" => new IntDistribution(
                    e.GetProperty("low").GetInt64(),
                    e.GetProperty("high").GetInt64(),
                    OptionalBool(e, "log"),
                    e.TryGetProperty("step", out var st) && st.ValueKind != JsonValueKind.Null ? st.GetInt64() : 1),
                "categorical" => new CategoricalDistribution(
                    e.GetProperty("choices").EnumerateArray().Select(JsonScalar.Read).ToArray()),
                var other => throw new JsonException(
                    $"unknown distribution type '{other}' (this version knows float, int and categorical; was the database written by a newer homm-search?)"),
            };
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new JsonException($"invalid distribution {e.GetRawText()}: {ex.Message}", ex);
        }
    }

    private static bool OptionalBool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
