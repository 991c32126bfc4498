using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using HoMM.Core.MultiObjective;
using HoMM.Core.Trials;
using HoMM.Reports.Loading;
using HoMM.Reports.Plots;
using HoMM.Storage;

namespace HoMM.Cli.Export;

/// <summary>
/// Writes every trial of a study for other tools (pandas, a spreadsheet): number, state (the names
/// <c>trials</c> shows, <see cref="TrialStateNames"/>), value, start and end (ISO 8601 UTC), duration
/// in seconds, fail reason, notes (<see cref="TrialNotes"/>), the attempts, the metrics of the trainer's final line (<c>test/acc</c> and
/// the others), the trainer's info line (<c>info/*</c>) and the parameters; or, with <c>--curves</c>,
/// every intermediate value in long format (one row per trial, step and metric). Numbers are
/// written in full precision (round-trip), unlike the tables meant for reading. A multi-objective
/// study's trials also carry every objective's value, whether they are on the Pareto front and their
/// front rank (<see cref="ParetoMarks"/>).
/// </summary>
internal static class TrialExport
{
    public const string ParamPrefix = "params.";
    public const string FinalPrefix = "final.";
    public const string InfoPrefix = "info.";

    /// <summary>The columns every CSV export has, in order (final.*, info.* and params.* follow).</summary>
    public static readonly IReadOnlyList<string> FixedColumns = ["number", "state", "value", "started", "finished", "duration_s", "fail_reason", "attempts", "node", "slot"];

    /// <summary>The column of the trials' notes (<see cref="TrialNotes"/>), after the fixed ones when any trial has notes; one note a line.</summary>
    public const string NotesColumn = "notes";

    public static void WriteCsv(TextWriter writer, LoadedStudy loaded)
    {
        var trials = loaded.Snapshot.Trials;
        var extras = trials.Select(t => Extras(loaded, t)).ToList();
        var paramNames = ParamAxis.ParamNames(trials);
        var finalNames = extras.SelectMany(e => e.FinalMetrics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var infoNames = extras.SelectMany(e => e.Info.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var marks = ParetoMarks.For(loaded.Study, trials);
        var withNotes = extras.Any(e => e.Notes.Count > 0);
        WriteCsvLine(writer, FixedColumns.Take(3)
            .Concat(marks?.CsvColumns ?? [])
            .Concat(FixedColumns.Skip(3))
            .Concat(withNotes ? [NotesColumn] : [])
            .Concat(finalNames.Select(n => FinalPrefix + n))
            .Concat(infoNames.Select(n => InfoPrefix + n))
            .Concat(paramNames.Select(n => ParamPrefix + n)));
        for (var i = 0; i < trials.Count; i++)
        {
            var (t, e) = (trials[i], extras[i]);
            var final = e.FinalMetrics;
            var info = e.Info;
            WriteCsvLine(writer, new[]
            {
                t.Number.ToString(CultureInfo.InvariantCulture),
                t.State.Name(),
                t.Value is { } v ? Number(v) : "",
            }.Concat(marks?.CsvCells(t) ?? []).Concat(new[]
            {
                Time(t.Started) ?? "",
                Time(t.Finished) ?? "",
                Duration(t) is { } d ? Number(d) : "",
                Neutralised(t.FailReason ?? ""),
                e.Attempts.Count.ToString(CultureInfo.InvariantCulture),
                Neutralised(e.Node ?? ""),
                Neutralised(e.Slot ?? ""),
            }).Concat(withNotes ? [Neutralised(string.Join('\n', e.Notes))] : [])
             .Concat(finalNames.Select(n => final.TryGetValue(n, out var m) ? Number(m) : ""))
             .Concat(infoNames.Select(n => info.TryGetValue(n, out var x) ? JsonText(x) : ""))
             .Concat(paramNames.Select(n => t.Params.TryGetValue(n, out var p) ? ParamText(p) : "")));
        }
    }

    public static void WriteJson(Stream stream, LoadedStudy loaded)
    {
        using var json = Writer(stream);
        json.WriteStartObject();
        WriteStudy(json, loaded.Study);
        var marks = ParetoMarks.For(loaded.Study, loaded.Snapshot.Trials);
        json.WriteStartArray("trials");
        foreach (var t in loaded.Snapshot.Trials)
            WriteTrial(json, t, Extras(loaded, t), marks);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Every intermediate value, one row per trial, step and metric: number, step, metric, value, reported.</summary>
    public static void WriteCurvesCsv(TextWriter writer, IReadOnlyList<(FrozenTrial Trial, IReadOnlyList<IntermediateValue> Values)> curves)
    {
        WriteCsvLine(writer, ["number", "state", "step", "metric", "value", "reported"]);
        foreach (var (trial, values) in curves)
        {
            foreach (var v in values)
            {
                WriteCsvLine(writer, [
                    trial.Number.ToString(CultureInfo.InvariantCulture), trial.State.Name(), v.Step.ToString(CultureInfo.InvariantCulture),
                    Neutralised(v.Metric), Number(v.Value), Time(v.Reported)!,
                ]);
            }
        }
    }

    /// <summary>As <see cref="WriteCurvesCsv"/>: the study and a "curves" array of those rows (NaN and ±inf as strings).</summary>
    public static void WriteCurvesJson(Stream stream, StudyRecord study, IReadOnlyList<(FrozenTrial Trial, IReadOnlyList<IntermediateValue> Values)> curves)
    {
        using var json = Writer(stream);
        json.WriteStartObject();
        WriteStudy(json, study);
        json.WriteStartArray("curves");
        foreach (var (trial, values) in curves)
        {
            foreach (var v in values)
            {
                json.WriteStartObject();
                json.WriteNumber("number", trial.Number);
                json.WriteString("state", trial.State.Name());
                json.WriteNumber("step", v.Step);
                json.WriteString("metric", v.Metric);
                WriteMetric(json, "value", v.Value);
                json.WriteString("reported", Time(v.Reported));
                json.WriteEndObject();
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Relaxed escaping: parameter strings and reasons stay readable ("a+b", "é"); the output is data, never embedded in HTML.</summary>
    public static Utf8JsonWriter Writer(Stream stream) =>
        new(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>The "study" object: name, direction and objective (the first objective's), and every objective.</summary>
    public static void WriteStudy(Utf8JsonWriter json, StudyRecord study)
    {
        json.WriteStartObject("study");
        json.WriteString("name", study.Name);
        json.WriteString("direction", DirectionName(study.Direction));
        json.WriteString("objective", study.ObjectiveMetric);
        json.WriteStartArray("objectives");
        foreach (var o in study.Objectives)
        {
            json.WriteStartObject();
            json.WriteString("metric", o.Metric);
            json.WriteString("direction", DirectionName(o.Direction));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string DirectionName(StudyDirection direction) => direction == StudyDirection.Minimize ? "minimize" : "maximize";

    /// <summary>
    /// One trial as the export, <c>trials --json</c> and <c>status --json</c> write it; with
    /// <paramref name="marks"/> (a multi-objective study) also "values", "pareto" and "front_rank".
    /// </summary>
    public static void WriteTrial(Utf8JsonWriter json, FrozenTrial t, TrialExtras extras, ParetoMarks? marks = null)
    {
        json.WriteStartObject();
        json.WriteNumber("number", t.Number);
        json.WriteString("state", t.State.Name());
        WriteNumberOrNull(json, "value", t.Value);
        marks?.Write(json, t);
        WriteParams(json, t);
        WriteStringOrNull(json, "started", Time(t.Started));
        WriteStringOrNull(json, "finished", Time(t.Finished));
        WriteNumberOrNull(json, "duration_s", Duration(t));
        WriteStringOrNull(json, "fail_reason", t.FailReason);
        json.WriteStartArray("notes");
        foreach (var note in extras.Notes)
            json.WriteStringValue(note);
        json.WriteEndArray();
        // The final line's metrics (null before a trial completed); NaN and ±inf as strings.
        var metrics = extras.FinalMetrics;
        if (metrics.Count == 0)
        {
            json.WriteNull("final");
        }
        else
        {
            json.WriteStartObject("final");
            foreach (var (name, value) in metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
                WriteMetric(json, name, value);
            json.WriteEndObject();
        }
        json.WriteStartObject("info");
        foreach (var (name, value) in extras.Info.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            json.WritePropertyName(name);
            value.WriteTo(json);
        }
        json.WriteEndObject();
        json.WriteStartArray("attempts");
        foreach (var a in extras.Attempts)
        {
            json.WriteStartObject();
            json.WriteNumber("number", a.Number);
            json.WriteString("node", a.Node);
            json.WriteString("slot", a.Slot);
            WriteStringOrNull(json, "worker", a.WorkerId);
            WriteNumberOrNull(json, "pid", a.Pid);
            json.WriteString("started", Time(a.Started));
            WriteStringOrNull(json, "ended", Time(a.Ended));
            WriteNumberOrNull(json, "exit_code", a.ExitCode);
            WriteStringOrNull(json, "reason", a.Reason);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The "params" object: each parameter as a JSON value, by name.</summary>
    public static void WriteParams(Utf8JsonWriter json, FrozenTrial t)
    {
        json.WriteStartObject("params");
        foreach (var (name, value) in t.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json.WritePropertyName(name);
            WriteParam(json, value);
        }
        json.WriteEndObject();
    }

    /// <summary>A number in full precision (round-trip).</summary>
    public static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The trial's extras as read with it (none for a trial read without them).</summary>
    public static TrialExtras Extras(LoadedStudy loaded, FrozenTrial t) =>
        loaded.Extras.TryGetValue(t.Number, out var e) ? e : new TrialExtras(t.Number, new Dictionary<string, JsonElement>(), []);

    internal static void WriteMetric(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
            json.WriteNumber(name, value);
        else
            json.WriteString(name, Number(value));
    }

    /// <summary>CSV text of an info value: a number or text as it is (text neutralised), anything else as its JSON.</summary>
    private static string JsonText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Neutralised(value.GetString() ?? ""),
        JsonValueKind.Number => value.GetRawText(),
        _ => Neutralised(value.GetRawText()),
    };

    private static string? Time(DateTimeOffset? t) =>
        t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static double? Duration(FrozenTrial t) => t.Started is { } s && t.Finished is { } f ? (f - s).TotalSeconds : null;

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

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
            json.WriteNumber(name, v);
        else
            json.WriteNull(name);
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

/// <summary>
/// What an export adds for a multi-objective study: each objective's value, Pareto-front membership
/// and front rank (0 = the front, 1 = the front of the rest, …) by <see cref="ParetoFrontRule"/>,
/// ranked over all of the study's trials. A trial that does not take part (not Complete, or an
/// objective value missing or not finite) is not on the front and has no rank.
/// </summary>
internal sealed class ParetoMarks
{
    private readonly IReadOnlyList<StudyObjective> objectives;
    private readonly IReadOnlyDictionary<int, int> ranks;

    private ParetoMarks(StudyRecord study, IEnumerable<FrozenTrial> trials)
    {
        objectives = study.Objectives;
        ranks = ParetoFrontRule.Ranks(trials, study.Directions);
    }

    /// <summary>The marks of <paramref name="study"/>'s trials (pass all of them: ranks depend on every trial), or null for a single objective.</summary>
    public static ParetoMarks? For(StudyRecord study, IEnumerable<FrozenTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(study);
        return study.IsMultiObjective ? new ParetoMarks(study, trials) : null;
    }

    /// <summary>The front rank of trial <paramref name="number"/>, or null when it does not take part.</summary>
    public int? Rank(int number) => ranks.TryGetValue(number, out var r) ? r : null;

    /// <summary>The CSV column of an objective's value is this prefix and its metric.</summary>
    public const string ValuesPrefix = "values.";

    /// <summary>Columns (and JSON keys) derived from all trials' values: what import reads past.</summary>
    public static readonly IReadOnlyList<string> DerivedColumns = ["pareto", "front_rank"];

    /// <summary>CSV columns after "value": values.&lt;metric&gt; per objective, pareto, front_rank.</summary>
    public IEnumerable<string> CsvColumns => objectives.Select(o => ValuesPrefix + o.Metric).Concat(DerivedColumns);

    public IEnumerable<string> CsvCells(FrozenTrial t)
    {
        var rank = Rank(t.Number);
        return objectives.Select((_, i) => t.Values is { } v && i < v.Count ? TrialExport.Number(v[i]) : "")
            .Append(rank == 0 ? "true" : "false")
            .Append(rank?.ToString(CultureInfo.InvariantCulture) ?? "");
    }

    /// <summary>"values" (by metric; null before the trial completed), "pareto" and "front_rank" (null when not ranked).</summary>
    public void Write(Utf8JsonWriter json, FrozenTrial t)
    {
        if (t.Values is { } values && values.Count == objectives.Count)
        {
            json.WriteStartObject("values");
            for (var i = 0; i < objectives.Count; i++)
                TrialExport.WriteMetric(json, objectives[i].Metric, values[i]);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("values");
        }
        var rank = Rank(t.Number);
        json.WriteBoolean(DerivedColumns[0], rank == 0);
        if (rank is { } r)
            json.WriteNumber(DerivedColumns[1], r);
        else
            json.WriteNull(DerivedColumns[1]);
    }
}
