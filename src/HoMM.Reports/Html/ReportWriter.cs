using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;
using HoMM.Reports.Plots;

namespace HoMM.Reports.Html;

public sealed record ReportOptions
{
    /// <summary>plotly.min.js to inline; found under dashboards/ when null (<see cref="PlotlyScript.Locate"/>).</summary>
    public string? PlotlyJsPath { get; init; }
}

/// <summary>
/// Writes a study's report: one HTML file with plotly.js, the page's script and style, and every
/// figure inlined — no external URL, so it can be mailed or archived and opened offline. User
/// text is HTML-escaped in the page and travels to the script as JSON, never as markup.
/// </summary>
public sealed partial class ReportWriter(TimeProvider time, ReportOptions? options = null)
{
    private readonly ReportOptions options = options ?? new ReportOptions();

    /// <exception cref="PlotlyNotFoundException">plotly.js is not installed (run scripts/bootstrap).</exception>
    public void Write(StudyReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        Write(report, writer, PlotlyScript.Locate(options.PlotlyJsPath));
    }

    private void Write(StudyReport report, TextWriter writer, string plotlyPath)
    {
        var now = time.GetUtcNow();
        var study = report.Study;
        var values = new Dictionary<string, Action>(StringComparer.Ordinal)
        {
            ["title"] = () => writer.Write(Html($"{study.Name} — HoMM Search report")),
            ["style"] = () => writer.Write(Resource("report.css")),
            ["summary"] = () => writer.Write(Summary(report, now)),
            ["footer"] = () => writer.Write(Html(string.Create(CultureInfo.InvariantCulture,
                $"Written by homm-search on {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC. Plots by plotly.js (MIT licence), inlined."))),
            ["data"] = () => writer.Write(Data(report, now)),
            ["plotly"] = () => WritePlotly(plotlyPath, writer),
            ["script"] = () =>
            {
                // figures.js draws the figures (the dashboard serves the same file); report.js the rest.
                writer.Write(Resource("figures.js"));
                writer.Write('\n');
                writer.Write(Resource("report.js"));
            },
        };
        // The template is split at its placeholders and streamed: inlined content (plotly.js is
        // 4.8 MB) is never searched for placeholders itself.
        var template = Resource("report.html");
        var at = 0;
        foreach (Match m in Placeholder().Matches(template))
        {
            writer.Write(template.AsSpan(at, m.Index - at));
            if (!values.TryGetValue(m.Groups[1].Value, out var write))
                throw new InvalidOperationException($"report.html has an unknown placeholder {m.Value}");
            write();
            at = m.Index + m.Length;
        }
        writer.Write(template.AsSpan(at));
    }

    [GeneratedRegex(@"\{\{(\w+)\}\}")]
    private static partial Regex Placeholder();

    private static void WritePlotly(string path, TextWriter writer)
    {
        var script = File.ReadAllText(path);
        // "</script" inside the library would end the element early; "<\/script" means the same
        // in any JavaScript string or regular expression.
        writer.Write(script.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase));
    }

    private static string Resource(string name)
    {
        using var stream = typeof(ReportWriter).Assembly.GetManifestResourceStream("HoMM.Reports." + name)
            ?? throw new InvalidOperationException($"HoMM.Reports was built without its resource {name} (dashboards/report/{name})");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string Html(string text) => WebUtility.HtmlEncode(text);

    private static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static string Summary(StudyReport report, DateTimeOffset now)
    {
        var study = report.Study;
        var s = new StringBuilder();
        var direction = study.Direction == StudyDirection.Minimize ? "minimize" : "maximize";
        s.Append("<h1>").Append(Html(study.Name)).Append("</h1>\n");
        s.Append("<p class=\"subtitle\">").Append(Html($"{direction} {study.ObjectiveName}")).Append(" · ")
            .Append(Html(string.Create(CultureInfo.InvariantCulture, $"{study.Trials.Count} trials"))).Append("</p>\n");
        s.Append("<div class=\"cards\">\n");

        var summary = new TrialTotals(study, now);
        s.Append("<section class=\"card\" id=\"summary\"><h2>Study</h2><table class=\"kv\">\n");
        Row(s, "objective", $"{study.ObjectiveName} ({direction})");
        s.Append("<tr><th>trials</th><td><span class=\"states\">");
        foreach (var (state, count) in summary.CountByState)
        {
            var name = PlotStyle.NameOf(state);
            s.Append(CultureInfo.InvariantCulture, $"<span class=\"state state-{name}\">{count} {name}</span>");
        }
        s.Append("</span></td></tr>\n");
        Row(s, "compute", TimelinePlot.Duration(summary.TotalCompute) + " over all trials");
        if (summary.FirstStart is { } first && summary.LastEnd is { } last)
            Row(s, "ran", string.Create(CultureInfo.InvariantCulture, $"{first.UtcDateTime:yyyy-MM-dd HH:mm} → {last.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({TimelinePlot.Duration(last - first)})"));
        foreach (var (key, value) in report.Details)
            Row(s, key, value);
        s.Append("</table></section>\n");

        s.Append("<section class=\"card\" id=\"best\"><h2>Best trial</h2>");
        if (study.BestTrial() is { } best)
        {
            s.Append("<table class=\"kv\">\n");
            Row(s, "trial", best.Number.ToString(CultureInfo.InvariantCulture));
            Row(s, study.ObjectiveName, Number(best.Value!.Value));
            if (report.TestAccuracyByTrial?.GetValueOrDefault(best.Number) is { } testAccuracy)
                Row(s, TestMetrics.Accuracy, Number(testAccuracy));
            if (best.Started is { } bs && best.Finished is { } bf)
                Row(s, "duration", TimelinePlot.Duration(bf - bs));
            foreach (var (name, value) in best.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
                Row(s, name, value is double d ? Number(d) : ParamAxis.Label(value));
            s.Append("</table>");
        }
        else
        {
            s.Append("<p class=\"note\">no trial has completed yet</p>");
        }
        s.Append("</section>\n</div>\n");
        return s.ToString();
    }

    private static void Row(StringBuilder s, string key, string value) =>
        s.Append("<tr><th>").Append(Html(key)).Append("</th><td>").Append(Html(value)).Append("</td></tr>\n");

    /// <summary>The page's payload: figures and the trial table, as one JSON document.</summary>
    private static string Data(StudyReport report, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        // The default encoder escapes <, > and &, so the JSON cannot close its script element.
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("figures");
            ReportFigures.WriteJson(json, ReportFigures.Build(report, now));
            json.WritePropertyName("table");
            TrialTable(json, report.Study, report.TestAccuracyByTrial ?? new Dictionary<int, double>(), now);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void TrialTable(Utf8JsonWriter json, ReportStudy study, IReadOnlyDictionary<int, double> testAccuracy, DateTimeOffset now)
    {
        var paramNames = ParamAxis.ParamNames(study.Trials);
        // The test accuracy beside the objective, when the trainer reports one.
        var withTest = testAccuracy.Count > 0;
        json.WriteStartObject();
        if (study.BestTrial() is { } best)
            json.WriteNumber("best", best.Number);
        json.WriteStartArray("columns");
        var fixedColumns = withTest
            ? new[] { ("#", "number"), ("state", "text"), (study.ObjectiveName, "number"), (TestMetrics.Accuracy, "number"), ("duration", "duration"), ("started (UTC)", "text") }
            : new[] { ("#", "number"), ("state", "text"), (study.ObjectiveName, "number"), ("duration", "duration"), ("started (UTC)", "text") };
        foreach (var (name, kind) in fixedColumns.Concat(paramNames.Select(n => (n, "param"))))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("kind", kind);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("rows");
        foreach (var t in study.Trials.OrderBy(t => t.Number))
        {
            json.WriteStartArray();
            json.WriteNumberValue(t.Number);
            json.WriteStringValue(PlotStyle.NameOf(t.State));
            if (t.Value is { } v && double.IsFinite(v))
                json.WriteNumberValue(v);
            else
                json.WriteNullValue();
            if (withTest)
            {
                if (testAccuracy.TryGetValue(t.Number, out var a) && double.IsFinite(a))
                    json.WriteNumberValue(a);
                else
                    json.WriteNullValue();
            }
            if (t.Started is { } s)
                json.WriteNumberValue(Math.Round(((t.Finished ?? now) - s).TotalSeconds, 1));
            else
                json.WriteNullValue();
            if (t.Started is { } st)
                json.WriteStringValue(st.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            else
                json.WriteNullValue();
            foreach (var name in paramNames)
            {
                switch (t.Params.GetValueOrDefault(name))
                {
                    case null:
                        json.WriteNullValue();
                        break;
                    case double d when double.IsFinite(d):
                        json.WriteNumberValue(d);
                        break;
                    case long or int:
                        json.WriteNumberValue(Convert.ToInt64(t.Params[name], CultureInfo.InvariantCulture));
                        break;
                    case var other:
                        json.WriteStringValue(ParamAxis.Label(other));
                        break;
                }
            }
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
