using System.Globalization;
using System.Text.Json;

namespace HoMM.Storage.Serialization;

/// <summary>
/// Writes and reads the scalar values a search space holds (categorical choices, condition
/// values): strings, booleans, integers and reals. JSON has one number type, so a real that
/// happens to be whole is written with a ".0" ("1.0"): reading it back gives a double again,
/// and a trainer that got 1.0 before a restart gets 1.0 after it, not 1.
/// </summary>
internal static class JsonScalar
{
    public static void Write(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long or int or short or sbyte or byte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float:
                var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (!double.IsFinite(d))
                    throw new ArgumentException($"the value {d} cannot be stored: JSON has no NaN or infinity", nameof(value));
                var text = d.ToString("R", CultureInfo.InvariantCulture);
                if (text.AsSpan().IndexOfAny('.', 'E', 'e') < 0)
                    text += ".0";
                writer.WriteRawValue(text);
                break;
            default:
                throw new ArgumentException(
                    $"the value '{value}' ({value.GetType().Name}) cannot be stored: use a string, a number or a boolean", nameof(value));
        }
    }

    public static object Read(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        // Each branch boxed on its own: a ?: of long and double would make every number a double.
        JsonValueKind.Number when IsWrittenAsReal(element.GetRawText()) => (object)element.GetDouble(),
        JsonValueKind.Number when element.TryGetInt64(out var l) => (object)l,
        JsonValueKind.Number => (object)element.GetDouble(),
        _ => throw new JsonException($"expected a string, a number or a boolean, found {element.ValueKind}: {element.GetRawText()}"),
    };

    private static bool IsWrittenAsReal(string raw) => raw.AsSpan().IndexOfAny('.', 'E', 'e') >= 0;
}
