using System.Text.Json;
using System.Text.RegularExpressions;
using HoMM.Core.Trials;
using HoMM.Reports.Html;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Html;

public partial class ReportWriterTests
{
    private static readonly FixedTimeProvider Clock = new(T0.AddDays(2));

    internal static string Render(StudyReport report, ReportOptions? options = null)
    {
        using var writer = new StringWriter();
        new ReportWriter(Clock, options).Write(report, writer);
        return writer.ToString();
    }

    internal static JsonElement Payload(string html)
    {
        var m = DataScript().Match(html);
        Assert.True(m.Success, "the report has its data script");
        return JsonDocument.Parse(m.Groups[1].Value).RootElement;
    }

    [GeneratedRegex("<script type=\"application/json\" id=\"homm-report-data\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex DataScript();

    [GeneratedRegex("<(script|link|img|iframe)\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ResourceTag();

    private static StudyReport Small()
    {
        var study = Synthetic(60);
        return new(study)
        {
            Importance = new Dictionary<string, double> { ["lr"] = 0.7, ["wd"] = 0.1, ["order"] = 0.15, ["batch"] = 0.05 },
            ModelSizeByTrial = study.Trials.ToDictionary(t => t.Number, t => new ModelSize(1e6 * Convert.ToDouble(t.Params["order"]), null)),
            Details = [new("sampler", "tpe"), new("pruner", "asha")],
        };
    }

    [Fact]
    public void Write_InlinesPlotly_AndLoadsNothingFromOutside()
    {
        var html = Render(Small());

        var plotly = File.ReadAllText(PlotlyScript.Locate());
        Assert.Contains(plotly[..2000], html, StringComparison.Ordinal);
        Assert.Contains("plotly.js v4", html, StringComparison.Ordinal);
        foreach (Match tag in ResourceTag().Matches(html))
        {
            Assert.DoesNotMatch("\\bsrc\\s*=", tag.Value);
            Assert.DoesNotMatch("href\\s*=\\s*\"(?!data:)", tag.Value);
        }
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Summary_ShowsCountsBestTrialAndDetails()
    {
        var report = Small();
        var best = report.Study.BestTrial()!;

        var html = Render(report);

        var summary = html[html.IndexOf("<header>", StringComparison.Ordinal)..html.IndexOf("</header>", StringComparison.Ordinal)];
        Assert.Contains("<h1>synthetic</h1>", summary, StringComparison.Ordinal);
        foreach (var state in new[] { TrialState.Complete, TrialState.Pruned, TrialState.Fail })
        {
            var count = report.Study.Trials.Count(t => t.State == state);
            Assert.Contains($"{count} {Reports.Plots.PlotStyle.NameOf(state)}", summary, StringComparison.Ordinal);
        }
        Assert.Contains($"<tr><th>trial</th><td>{best.Number}</td></tr>", summary, StringComparison.Ordinal);
        Assert.Contains("<tr><th>sampler</th><td>tpe</td></tr>", summary, StringComparison.Ordinal);
        Assert.Contains("<tr><th>order</th>", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Payload_HasEveryFigureAndTheTrialTable()
    {
        var report = Small();

        var data = Payload(Render(report));

        var ids = data.GetProperty("figures").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
        Assert.Equal(["history", "importance", "parallel", "slice", "model-size", "contour-0-1", "contour-0-2", "contour-1-2", "curves", "timeline", "edf"], ids);
        Assert.All(data.GetProperty("figures").EnumerateArray(), f => Assert.True(f.TryGetProperty("figure", out _), f.GetProperty("id").GetString()));
        var importance = data.GetProperty("figures")[1].GetProperty("figure");
        Assert.Equal("bar", importance.GetProperty("data")[0].GetProperty("type").GetString());
        // Contours go to the most important parameters first.
        Assert.Equal("Contour: lr × order", data.GetProperty("figures")[5].GetProperty("title").GetString());
        var table = data.GetProperty("table");
        Assert.Equal(60, table.GetProperty("rows").GetArrayLength());
        Assert.Equal(report.Study.BestTrial()!.Number, table.GetProperty("best").GetInt32());
        Assert.Equal(["#", "state", "val/acc", "duration", "started (UTC)", "lr", "wd", "order", "batch"],
            table.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public void Write_TrialsWithTestAccuracy_ShowsItBesideTheObjective()
    {
        var study = Synthetic(60);
        var best = study.BestTrial()!;
        var tested = study.CompleteTrials.ToDictionary(t => t.Number, t => 0.5 + (t.Number / 1000.0));
        var report = new StudyReport(study) { TestAccuracyByTrial = tested };

        var html = Render(report);

        Assert.Contains($"<tr><th>test/acc</th><td>{tested[best.Number].ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}</td></tr>", html, StringComparison.Ordinal);
        var table = Payload(html).GetProperty("table");
        Assert.Equal(["#", "state", "val/acc", "test/acc", "duration"], table.GetProperty("columns").EnumerateArray().Take(5).Select(c => c.GetProperty("name").GetString()));
        foreach (var row in table.GetProperty("rows").EnumerateArray())
        {
            var number = row[0].GetInt32();
            if (tested.TryGetValue(number, out var a))
                Assert.Equal(a, row[3].GetDouble());
            else
                Assert.Equal(JsonValueKind.Null, row[3].ValueKind);
        }
    }

    [Fact]
    public void Write_SearchSpaceWithoutImportances_EvaluatesThem()
    {
        var data = Payload(Render(new StudyReport(Synthetic(80)) { SearchSpace = SyntheticSpace }));

        var importance = data.GetProperty("figures").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "importance");
        var names = importance.GetProperty("figure").GetProperty("data")[0].GetProperty("y").EnumerateArray().Select(y => y.GetString()).ToList();
        // Bars are listed bottom-up: the synthetic objective is driven by lr.
        Assert.Equal("lr", names[^1]);
    }

    [Fact]
    public void Write_EmptyStudy_ExplainsMissingFiguresInsteadOfFailing()
    {
        var data = Payload(Render(new StudyReport(Study(StudyDirection.Minimize, Trial(0, TrialState.Waiting)))));

        var figures = data.GetProperty("figures").EnumerateArray().ToList();
        Assert.All(figures, f => Assert.False(f.TryGetProperty("figure", out _)));
        Assert.Contains(figures, f => f.GetProperty("note").GetString() == "no trial reported intermediate values");
    }

    [Fact]
    public void Write_MarkupInNamesAndValues_IsEscaped()
    {
        const string evil = "<script>alert(1)</script>";
        var study = new ReportStudy(evil, StudyDirection.Maximize, "acc</script>",
            [Complete(0, 0.5, new Dictionary<string, object> { [evil] = 0.3, ["act"] = "gelu" })]);

        var html = Render(new StudyReport(study) { Details = [new(evil, evil)] });

        Assert.DoesNotContain(evil, html, StringComparison.Ordinal);
        Assert.DoesNotContain("acc</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        var columns = Payload(html).GetProperty("table").GetProperty("columns");
        Assert.Contains(columns.EnumerateArray(), c => c.GetProperty("name").GetString() == evil);
    }

    [Fact]
    public void Write_PlotlyMissing_SaysToRunBootstrap()
    {
        var options = new ReportOptions { PlotlyJsPath = "/nonexistent/plotly.min.js" };

        var ex = Assert.Throws<PlotlyNotFoundException>(() => Render(Small(), options));

        Assert.Contains("/nonexistent/plotly.min.js", ex.Message, StringComparison.Ordinal);
        Assert.Contains("run scripts/bootstrap", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlotlyScript_FromTheTestBinary_FindsTheCheckoutsCopy()
    {
        var path = PlotlyScript.Locate();

        Assert.EndsWith(PlotlyScript.RelativePath, path, StringComparison.Ordinal);
    }
}
