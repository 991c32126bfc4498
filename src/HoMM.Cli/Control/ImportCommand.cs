using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HoMM.Cli.Common;
using HoMM.Cli.Export;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;
using HoMM.Storage;

namespace HoMM.Cli.Control;

/// <summary>
/// <c>homm-search import &lt;study&gt; &lt;file.csv|file.json&gt; [--db]</c>: adds known results
/// (another run's, a paper's table) as finished trials marked <see cref="SystemAttrs.Imported"/>.
/// Every row is checked by the study's <see cref="TrialRules"/> (the stored study file's, as
/// <c>enqueue</c> checks) and its state and value; every problem is reported with its file:line,
/// and one bad row imports nothing.
/// </summary>
public static class ImportCommand
{
    /// <summary>A row broke a rule: nothing was imported.</summary>
    public const int ExitRefused = 2;

    public static Command Create()
    {
        var command = new Command("import", "Add known results as finished trials: a CSV (params.<name> or <name> columns, value, state; " +
            "values.<metric> per objective for a multi-objective study) or JSON file " +
            "({\"trials\": [{\"params\", \"value\", \"values\", \"state\", \"final\", \"curves\"}]}, as export writes it). All rows or none. " +
            "Exit codes: 0 imported, 1 unknown study or unreadable file, 2 a row breaks the study's rules (each one located), 4 database error");
        var study = StoreCommand.StudyArgument();
        var file = new Argument<string>("file") { Description = "a .csv or .json file of results" };
        var db = StoreOpener.CreateDbOption();
        command.Arguments.Add(study);
        command.Arguments.Add(file);
        command.Options.Add(db);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(db), parse.GetValue(study)!, parse.GetValue(file)!,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    public static async Task<int> RunAsync(string? db, string studyName, string file, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var path = Path.GetFullPath(file);
        List<ResultRow> rows;
        try
        {
            var text = await File.ReadAllTextAsync(path, cancellationToken);
            rows = Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? JsonRows(text) : CsvRows(text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: cannot read {path}: {e.Message}");
            return StoreCommand.ExitFailure;
        }
        catch (FormatException e)
        {
            await error.WriteLineAsync($"error: {path}:{e.Message}");
            return ExitRefused;
        }
        return await StoreCommand.RunWithStudyAsync(db, studyName, error, async (opened, study) =>
        {
            var rules = await StoredRules.ReadAsync(opened, study, error, cancellationToken);
            var problems = new List<string>();
            var imports = new List<ImportedTrial>();
            foreach (var row in rows)
            {
                var where = $"{path}:{row.Line}";
                var rowProblems = Check(row, study, rules, out var import);
                problems.AddRange(rowProblems.Select(p => $"{where}: {p}"));
                if (import is not null)
                {
                    var attrs = new Dictionary<string, JsonElement>(import.SystemAttrs, StringComparer.Ordinal)
                    {
                        [SystemAttrs.Imported] = JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["file"] = path, ["line"] = row.Line }),
                    };
                    imports.Add(import with { SystemAttrs = attrs });
                }
            }
            if (rows.Count == 0)
                problems.Add($"{path}: no rows to import");
            if (problems.Count > 0)
            {
                foreach (var p in problems)
                    await error.WriteLineAsync($"error: {p}");
                await error.WriteLineAsync($"nothing was imported into '{study.Name}' ({problems.Count} problems)");
                return ExitRefused;
            }
            var added = await opened.Store.ImportTrialsAsync(study.Id, imports, cancellationToken);
            await output.WriteLineAsync($"imported {added.Count} trials into '{study.Name}' (numbers {added[0].Number}–{added[^1].Number}); " +
                                        "they inform its sampler and do not count toward its trial budget");
            return StoreCommand.ExitSuccess;
        }, cancellationToken, StoreAccess.ExistingOnly);
    }

    /// <summary>
    /// One result as read: its line, parameters (text from CSV, values from JSON), state, value,
    /// each objective's value by metric (a multi-objective study's), final metrics and curves.
    /// </summary>
    private sealed record ResultRow(int Line, Dictionary<string, object?> Params, string? State, object? Value,
        Dictionary<string, object?> Values, Dictionary<string, double> Final, List<IntermediateValue> Curves);

    /// <summary>Every problem of a row; the trial to import when there is none.</summary>
    private static List<string> Check(ResultRow row, StudyRecord study, TrialRules rules, out ImportedTrial? import)
    {
        import = null;
        var problems = new List<string>();
        var state = TrialState.Complete;
        if (row.State is { Length: > 0 } s && (!TrialStateNames.TryParse(s, out state) || state is not (TrialState.Complete or TrialState.Pruned or TrialState.Fail)))
            problems.Add($"state: '{s}' cannot be imported; use complete, pruned or failed");
        // A multi-objective study reads values.<metric> per objective (value, the first one's as export writes it, is not read).
        var columns = study.IsMultiObjective
            ? study.Objectives.Select(o => (Column: ParetoMarks.ValuesPrefix + o.Metric, o.Metric, Raw: row.Values.GetValueOrDefault(o.Metric))).ToList()
            : [("value", study.ObjectiveMetric, row.Value)];
        var values = new List<double>();
        foreach (var (column, metric, raw) in columns)
        {
            double? value = null;
            switch (raw)
            {
                case null or "":
                    break;
                case double d:
                    value = d;
                    break;
                case long l:
                    value = l;
                    break;
                case string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                    value = d;
                    break;
                default:
                    problems.Add($"{column}: '{raw}' is not a number");
                    continue;
            }
            if (state == TrialState.Complete && value is null)
                problems.Add($"{column}: a complete trial needs its {metric}");
            else if (state == TrialState.Complete && !double.IsFinite(value!.Value))
                problems.Add($"{column}: {value} is not a finite {metric}");
            if (state == TrialState.Fail && value is not null)
                problems.Add($"{column}: a failed trial has no value; leave it empty");
            if (value is { } v)
                values.Add(v);
        }

        // Text from CSV is read as each parameter's distribution reads it; JSON values are given typed.
        var parameters = row.Params.ToDictionary(
            kv => kv.Key,
            kv => kv.Value is string text && study.SearchSpace.Find(kv.Key) is { } spec ? (text.Length == 0 ? null : ParameterValues.Parse(spec.Distribution, text)) : kv.Value,
            StringComparer.Ordinal);
        var check = rules.Check(parameters);
        problems.AddRange(check.Problems.Select(p => p.Parameter is null ? p.Message : $"params.{p.Parameter}: {p.Message}"));
        if (check.IsValid && !check.IsComplete)
        {
            var missing = study.SearchSpace.Parameters.Where(p => !check.Values.ContainsKey(p.Name) && p.When is null).Select(p => p.Name);
            problems.Add($"params: a finished trial needs every parameter it used; missing {string.Join(", ", missing)}");
        }
        if (problems.Count > 0)
            return problems;
        var attrs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (row.Final.Count > 0)
            attrs[SystemAttrs.FinalMetrics] = HoMM.Storage.Serialization.FinalMetricsJson.ToJson(row.Final);
        var all = values.Count == columns.Count ? values : null;
        import = new ImportedTrial(check.Values, check.Distributions, state, all?[0])
        {
            Values = study.IsMultiObjective ? all : null,
            IntermediateValues = row.Curves,
            SystemAttrs = attrs,
        };
        return problems;
    }

    /// <summary>
    /// CSV (RFC 4180, a header line): parameter columns named <c>params.&lt;name&gt;</c> (as export
    /// writes them) or by the parameter's bare name, <c>value</c> (or <c>values.&lt;metric&gt;</c> per
    /// objective), optional <c>state</c> and <c>final.&lt;metric&gt;</c>; other columns (number, times,
    /// export's extra columns, pareto and front_rank) are ignored.
    /// </summary>
    private static List<ResultRow> CsvRows(string text)
    {
        var records = CsvText.Parse(text).Records;
        if (records.Count == 0)
            return [];
        var header = records[0].Fields;
        var rows = new List<ResultRow>();
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
                continue; // a blank line
            if (fields.Count != header.Count)
                throw new FormatException($"{line}: {fields.Count} fields, but the header has {header.Count}");
            var parameters = new Dictionary<string, object?>(StringComparer.Ordinal);
            var final = new Dictionary<string, double>(StringComparer.Ordinal);
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            string? state = null;
            object? value = null;
            for (var i = 0; i < header.Count; i++)
            {
                var name = header[i];
                var field = fields[i];
                if (name == "value")
                    value = field;
                else if (name == "state")
                    state = field;
                else if (name.StartsWith(TrialExport.FinalPrefix, StringComparison.Ordinal))
                {
                    if (field.Length > 0 && double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var m))
                        final[name[TrialExport.FinalPrefix.Length..]] = m;
                }
                else if (name.StartsWith(ParetoMarks.ValuesPrefix, StringComparison.Ordinal))
                    values[name[ParetoMarks.ValuesPrefix.Length..]] = field;
                else if (name.StartsWith(TrialExport.ParamPrefix, StringComparison.Ordinal))
                    parameters[name[TrialExport.ParamPrefix.Length..]] = field;
                else if (!KnownExportColumns.Contains(name) && !name.StartsWith(TrialExport.InfoPrefix, StringComparison.Ordinal))
                    parameters[name] = field;
            }
            // Export writes an absent (conditional) parameter as an empty field.
            foreach (var empty in parameters.Where(p => p.Value is "").Select(p => p.Key).ToList())
                parameters.Remove(empty);
            rows.Add(new ResultRow(line, parameters, state, value, values, final, []));
        }
        return rows;
    }

    /// <summary>Export's columns that are not parameters (value and state are read above).</summary>
    private static readonly HashSet<string> KnownExportColumns = new([.. TrialExport.FixedColumns, TrialExport.NotesColumn, .. ParetoMarks.DerivedColumns], StringComparer.Ordinal);

    /// <summary>
    /// JSON: <c>{"trials": [...]}</c> (export's document) or a bare array of trials, each
    /// <c>{"params": {name: value}, "value", "values": {metric: value}, "state", "final": {metric: value}, "curves": {metric: [[step, value], ...]}}</c>
    /// ("values" for a multi-objective study; "pareto" and "front_rank" are not read).
    /// </summary>
    private static List<ResultRow> JsonRows(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{(e.LineNumber ?? 0) + 1}: not valid JSON: {e.Message}");
        }
        using (doc)
        {
            var lines = ItemLines(bytes);
            var array = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement
                : doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("trials", out var t) && t.ValueKind == JsonValueKind.Array ? t
                : throw new FormatException("1: expected {\"trials\": [...]} or an array of trials");
            var rows = new List<ResultRow>();
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var line = index < lines.Count ? lines[index] : 1;
                index++;
                if (item.ValueKind != JsonValueKind.Object)
                    throw new FormatException($"{line}: a trial is an object, not {item.ValueKind}");
                var parameters = new Dictionary<string, object?>(StringComparer.Ordinal);
                if (item.TryGetProperty("params", out var ps) && ps.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in ps.EnumerateObject())
                        parameters[p.Name] = Scalar(p.Value);
                }
                var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                if (item.TryGetProperty("values", out var vs) && vs.ValueKind == JsonValueKind.Object)
                {
                    foreach (var m in vs.EnumerateObject())
                        values[m.Name] = Scalar(m.Value);
                }
                var final = new Dictionary<string, double>(StringComparer.Ordinal);
                if (item.TryGetProperty("final", out var f) && f.ValueKind == JsonValueKind.Object)
                {
                    foreach (var m in f.EnumerateObject().Where(m => m.Value.ValueKind == JsonValueKind.Number))
                        final[m.Name] = m.Value.GetDouble();
                }
                var curves = new List<IntermediateValue>();
                if (item.TryGetProperty("curves", out var cs) && cs.ValueKind == JsonValueKind.Object)
                {
                    foreach (var metric in cs.EnumerateObject())
                    {
                        foreach (var point in metric.Value.EnumerateArray())
                        {
                            if (point.ValueKind != JsonValueKind.Array || point.GetArrayLength() != 2 || !point[0].TryGetInt64(out var step) || point[1].ValueKind != JsonValueKind.Number)
                                throw new FormatException($"{line}: curves.{metric.Name}: each point is [step, value] with a whole step, not {point.GetRawText()}");
                            curves.Add(new IntermediateValue(step, metric.Name, point[1].GetDouble(), default));
                        }
                    }
                }
                var state = item.TryGetProperty("state", out var st) && st.ValueKind == JsonValueKind.String ? st.GetString() : null;
                var value = item.TryGetProperty("value", out var v) ? Scalar(v) : null;
                rows.Add(new ResultRow(line, parameters, state, value, values, final, curves));
            }
            return rows;
        }
    }

    private static object? Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when e.TryGetInt64(out var l) => l,
        JsonValueKind.Number => e.GetDouble(),
        _ => e.GetRawText(),
    };

    /// <summary>The line of each element of the trials array (the first array met at depth 0 or under "trials").</summary>
    private static List<int> ItemLines(byte[] bytes)
    {
        var lines = new List<int>();
        var reader = new Utf8JsonReader(bytes);
        var arrayDepth = -1;
        while (reader.Read())
        {
            if (arrayDepth < 0 && reader.TokenType == JsonTokenType.StartArray && (reader.CurrentDepth == 0 || reader.CurrentDepth == 1))
            {
                arrayDepth = reader.CurrentDepth;
                continue;
            }
            if (arrayDepth >= 0 && reader.CurrentDepth == arrayDepth + 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null)
            {
                var offset = (int)reader.TokenStartIndex;
                lines.Add(1 + bytes.AsSpan(0, offset).Count((byte)'\n'));
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    reader.Skip();
            }
            else if (arrayDepth >= 0 && reader.CurrentDepth == arrayDepth && reader.TokenType == JsonTokenType.EndArray)
            {
                break;
            }
        }
        return lines;
    }
}
