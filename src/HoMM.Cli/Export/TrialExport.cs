using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Reports.Loading;
using HoMM.Reports.Plots;
using HoMM.Storage;

namespace HoMM.Cli.Export;

/// <summary>
/// Writes every trial of a study for other tools (pandas, a spreadsheet): number, state, value,
/// start and end (ISO 8601 UTC), duration in seconds, fail reason, the metrics of the trainer's
/// final line (<c>test/acc</c> and the others) and the parameters. Numbers are written in full
/// precision (round-trip), unlike the tables meant for reading.
/// </summary>
internal static class TrialExport
{
    public const string ParamPrefix = "params.";
    public const string FinalPrefix = "final.";

    public static void WriteCsv(TextWriter writer, IReadOnlyList<FrozenTrial> trials, StudyFinalMetrics final)
    {
        var paramNames = ParamAxis.ParamNames(trials);
        var finalNames = final.Names;
        string[] fixedColumns = ["number", "state", "value", "started", "finished", "duration_s", "fail_reason"];
        WriteCsvLine(writer, fixedColumns.Concat(finalNames.Select(n => FinalPrefix + n)).Concat(paramNames.Select(n => ParamPrefix + n)));
        foreach (var t in trials)
        {
            WriteCsvLine(writer, new[]
            {
                t.Number.ToString(CultureInfo.InvariantCulture),
                StateName(t.State),
                t.Value is { } v ? Number(v) : "",
                Time(t.Started) ?? "",
                Time(t.Finished) ?? "",
                Duration(t) is { } d ? Number(d) : "",
                Neutralised(t.FailReason ?? ""),
            }.Concat(finalNames.Select(n => final.Of(t).TryGetValue(n, out var m) ? Number(m) : ""))
             .Concat(paramNames.Select(n => t.Params.TryGetValue(n, out var p) ? ParamText(p) : "")));
        }
    }

    public static void WriteJson(Stream stream, StudyRecord study, IReadOnlyList<FrozenTrial> trials, StudyFinalMetrics final)
    {
        // Relaxed escaping: parameter strings and reasons stay readable ("a+b", "é"); the file is
        // data, never embedded in HTML.
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteStartObject("study");
        json.WriteString("name", study.Name);
        json.WriteString("direction", study.Direction == StudyDirection.Minimize ? "minimize" : "maximize");
        json.WriteString("objective", study.ObjectiveMetric);
        json.WriteEndObject();
        json.WriteStartArray("trials");
        foreach (var t in trials)
        {
            json.WriteStartObject();
            json.WriteNumber("number", t.Number);
            json.WriteString("state", StateName(t.State));
            WriteNumberOrNull(json, "value", t.Value);
            json.WriteStartObject("params");
            foreach (var (name, value) in t.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WritePropertyName(name);
                WriteParam(json, value);
            }
            json.WriteEndObject();
            WriteStringOrNull(json, "started", Time(t.Started));
            WriteStringOrNull(json, "finished", Time(t.Finished));
            WriteNumberOrNull(json, "duration_s", Duration(t));
            WriteStringOrNull(json, "fail_reason", t.FailReason);
            // The final line's metrics (null before a trial completed); NaN and ±inf as strings.
            var metrics = final.Of(t);
            if (metrics.Count == 0)
            {
                json.WriteNull("final");
            }
            else
            {
                json.WriteStartObject("final");
                foreach (var (name, value) in metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    if (double.IsFinite(value))
                        json.WriteNumber(name, value);
                    else
                        json.WriteString(name, Number(value));
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>"fail" rather than the reports' "failed": the word the store and Optuna use, so scripts can match states.</summary>
    private static string StateName(TrialState state) => state.ToString().ToLowerInvariant();

    private static string? Time(DateTimeOffset? t) =>
        t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static double? Duration(FrozenTrial t) => t.Started is { } s && t.Finished is { } f ? (f - s).TotalSeconds : null;

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>CSV text of a parameter: numbers as numbers (a negative one stays one), strings neutralised.</summary>
    private static string ParamText(object value) => value switch
    {
        double d => Number(d),
        string s => Neutralised(s),
        _ => ParamAxis.Label(value),
    };

    /// <summary>
    /// Text a spreadsheet would evaluate as a formula (it starts with =, +, -, @, a tab or a carriage
    /// return: OWASP's "CSV injection") gets a leading single quote, which spreadsheets show as text.
    /// Only text fields (parameter strings, fail reasons) pass through here, never
    /// numbers, and only in CSV: JSON keeps every value exactly.
    /// </summary>
    internal static string Neutralised(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private static void WriteParam(Utf8JsonWriter json, object value)
    {
        switch (value)
        {
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case long or int:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            default:
                // NaN/±inf (JSON has no literal for them) or a type a future distribution adds: as text.
                json.WriteStringValue(ParamAxis.Label(value));
                break;
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
            json.WriteNumber(name, v);
        else
            json.WriteNull(name);
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
            json.WriteNull(name);
        else
            json.WriteString(name, value);
    }

    private static void WriteCsvLine(TextWriter writer, IEnumerable<string> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
                writer.Write(',');
            first = false;
            writer.Write(CsvField(field));
        }
        // RFC 4180 ends records with CRLF; every CSV reader accepts it.
        writer.Write("\r\n");
    }

    /// <summary>RFC 4180: a field with a comma, quote, line break or edge space is quoted, its quotes doubled.</summary>
    internal static string CsvField(string field)
    {
        var needsQuotes = field.AsSpan().IndexOfAny(",\"\r\n") >= 0
            || (field.Length > 0 && (char.IsWhiteSpace(field[0]) || char.IsWhiteSpace(field[^1])));
        if (!needsQuotes)
            return field;
        var quoted = new StringBuilder(field.Length + 2).Append('"');
        quoted.Append(field.Replace("\"", "\"\"", StringComparison.Ordinal));
        return quoted.Append('"').ToString();
    }
}
