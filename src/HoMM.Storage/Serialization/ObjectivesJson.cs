using System.Globalization;
using System.Text.Json;
using HoMM.Core.Trials;

namespace HoMM.Storage.Serialization;

/// <summary>
/// The stored forms of a multi-objective study: its objectives as
/// <c>[{"metric":"val/acc","direction":"maximize"}, …]</c> and a trial's values as a JSON array
/// (±∞ as the strings "Infinity"/"-Infinity", as in <see cref="FinalMetricsJson"/>; NaN never
/// reaches a Complete trial).
/// </summary>
public static class ObjectivesJson
{
    public static string Serialize(IReadOnlyList<StudyObjective> objectives)
    {
        ArgumentNullException.ThrowIfNull(objectives);
        return JsonSerializer.Serialize(objectives.Select(o => new Dictionary<string, string>
        {
            ["metric"] = o.Metric,
            ["direction"] = o.Direction == StudyDirection.Maximize ? "maximize" : "minimize",
        }));
    }

    public static IReadOnlyList<StudyObjective> Deserialize(string json)
    {
        using var document = JsonDocument.Parse(json);
        return
        [
            .. document.RootElement.EnumerateArray().Select(e => new StudyObjective(
                e.GetProperty("metric").GetString()!,
                e.GetProperty("direction").GetString() == "maximize" ? StudyDirection.Maximize : StudyDirection.Minimize)),
        ];
    }

    public static string SerializeValues(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return "[" + string.Join(",", values.Select(v => double.IsFinite(v)
            ? v.ToString("R", CultureInfo.InvariantCulture)
            : "\"" + v.ToString(CultureInfo.InvariantCulture) + "\"")) + "]";
    }

    public static IReadOnlyList<double> DeserializeValues(string json)
    {
        using var document = JsonDocument.Parse(json);
        return
        [
            .. document.RootElement.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
                ? double.Parse(e.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
                : e.GetDouble()),
        ];
    }
}
