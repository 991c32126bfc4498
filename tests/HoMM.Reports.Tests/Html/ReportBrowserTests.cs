using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Reports.Html;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Html;

/// <summary>Opens written reports in Debian's Chromium: no console error, every plot drawn, valid plotly attributes, a working table.</summary>
[Trait("Category", "Slow")]
public class ReportBrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run",
    ];

    private static string ResultsDir()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults", "reports");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static StudyReport Report(int trials, int steps)
    {
        var study = Synthetic(trials, steps);
        return new StudyReport(study)
        {
            Importance = new Dictionary<string, double> { ["lr"] = 0.72, ["order"] = 0.14, ["wd"] = 0.09, ["batch"] = 0.05 },
            SlotByTrial = study.Trials.ToDictionary(t => t.Number, t => $"gpu{t.Number % 4}"),
            // Every fifth trial's trainer reported no size: the plot notes them.
            ModelSizeByTrial = study.Trials.Where(t => t.Number % 5 != 0).ToDictionary(
                t => t.Number, t => new ModelSize(2e6 * Convert.ToDouble(t.Params["order"]), 4e8 * Convert.ToDouble(t.Params["batch"]) / 16)),
            Details = [new("sampler", "tpe"), new("pruner", "asha")],
        };
    }

    /// <summary>
    /// 2,000 trials, accuracy (max) against a FLOP count (min) that grows with order and batch: the
    /// Pareto front, hypervolume history, parallel coordinates by front rank and an importance figure per objective.
    /// </summary>
    [Fact]
    public async Task Report_TwoObjectiveStudy_DrawsParetoFrontAndHypervolumeWithoutErrors()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/bootstrap (it installs chromium)");
        var single = Synthetic(2000, 10);
        var trials = single.Trials.Select(t => t.State == TrialState.Complete
            ? t with { Values = [t.Value!.Value, 4e8 * Convert.ToDouble(t.Params["order"]) * Convert.ToDouble(t.Params["batch"]) / 16] }
            : t).ToList();
        var study = new ReportStudy(single.Name, single.Direction, single.ObjectiveName, trials)
        {
            Objectives = [(single.ObjectiveName, single.Direction), ("info/flops", StudyDirection.Minimize)],
        };
        var report = new StudyReport(study) { SearchSpace = SyntheticSpace };
        var path = Path.Combine(ResultsDir(), "report-pareto-2000.html");
        using (var file = File.CreateText(path))
            new ReportWriter(new FixedTimeProvider(T0.AddDays(30))).Write(report, file);
        var figures = ReportFigures.Build(report, T0.AddDays(30));
        Assert.NotNull(figures.Single(f => f.Id == "pareto").Figure);
        Assert.NotNull(figures.Single(f => f.Id == "hypervolume").Figure);
        string[] ids = ["pareto", "hypervolume", "parallel", "importance", "importance-1"];
        Assert.All(ids, id => Assert.NotNull(figures.Single(f => f.Id == id).Figure));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var problems = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
                problems.Add($"console {m.Type}: {m.Text}");
        };
        page.PageError += (_, e) => problems.Add("page error: " + e);
        await page.GotoAsync(new Uri(path).AbsoluteUri, new() { Timeout = 300_000 });
        await page.WaitForSelectorAsync("body[data-plots-drawn]", new() { Timeout = 300_000 });
        foreach (var id in ids)
        {
            var section = page.Locator($"#figure-{id}");
            await section.ScrollIntoViewIfNeededAsync();
            await page.WaitForFunctionAsync("id => document.getElementById('figure-' + id).querySelector('.main-svg') !== null", id, new() { Timeout = 300_000 });
            await section.ScreenshotAsync(new() { Path = Path.Combine(ResultsDir(), $"pareto-2000-{id}.png") });
        }
        var invalid = await page.EvaluateAsync<string>(
            "() => JSON.stringify(JSON.parse(document.getElementById('homm-report-data').textContent).figures" +
            ".filter(f => f.figure && ['pareto', 'hypervolume', 'parallel', 'importance', 'importance-1'].includes(f.id)).map(f => [f.id, Plotly.validate(f.figure.data, f.figure.layout) || []])" +
            ".filter(p => p[1].length > 0).map(p => [p[0], p[1].map(e => e.msg)]))");
        Assert.True(invalid == "[]", $"plotly finds attributes it does not know: {invalid}");
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData(300, 30, "report-300.png")]
    [InlineData(10_000, 100, "report-10000.png")]
    public async Task Report_OpenedInChromium_RendersEveryFigureWithoutErrors(int trials, int steps, string screenshot)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/bootstrap (it installs chromium)");
        var report = Report(trials, steps);
        var path = Path.Combine(ResultsDir(), $"report-{trials}.html");
        var started = System.Diagnostics.Stopwatch.StartNew();
        using (var file = File.CreateText(path))
            new ReportWriter(new FixedTimeProvider(T0.AddDays(30))).Write(report, file);
        output.WriteLine($"{trials} trials: written in {started.ElapsedMilliseconds} ms, {new FileInfo(path).Length / 1e6:0.0} MB");
        var expected = ReportFigures.Build(report, T0.AddDays(30)).Count(f => f.Figure is not null);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var problems = new List<string>();
        page.Console += (_, m) =>
        {
            // Warnings are kept for the log only: software WebGL reports its own slowness as warnings.
            if (m.Type == "error" || m.Text.Contains("Too many active WebGL contexts", StringComparison.Ordinal))
                problems.Add($"console {m.Type}: {m.Text}");
            else if (m.Type == "warning")
                output.WriteLine($"console warning: {m.Text}");
        };
        page.PageError += (_, e) => problems.Add("page error: " + e);
        page.RequestFailed += (_, r) => problems.Add("request failed: " + r.Url);
        page.Request += (_, r) =>
        {
            if (!r.Url.StartsWith("file:", StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal)
                && !r.Url.StartsWith("blob:", StringComparison.Ordinal))
                problems.Add("network request: " + r.Url);
        };

        var opened = System.Diagnostics.Stopwatch.StartNew();
        await page.GotoAsync(new Uri(path).AbsoluteUri, new() { Timeout = 300_000 });
        await page.WaitForSelectorAsync("body[data-plots-drawn]", new() { Timeout = 300_000 });
        output.WriteLine($"first plot drawn {opened.ElapsedMilliseconds} ms after navigation");

        // Figures are drawn as they come near the screen: scroll through every one.
        var plots = page.Locator(".figure .plot");
        Assert.Equal(expected, await plots.CountAsync());
        for (var i = 0; i < expected; i++)
        {
            await plots.Nth(i).ScrollIntoViewIfNeededAsync();
            await page.WaitForFunctionAsync("i => document.querySelectorAll('.figure .plot')[i].querySelector('.main-svg') !== null", i, new() { Timeout = 300_000 });
            var section = plots.Nth(i).Locator("xpath=..");
            await section.ScreenshotAsync(new() { Path = Path.Combine(ResultsDir(), $"{trials}-{await section.GetAttributeAsync("id")}.png") });
        }
        await page.WaitForSelectorAsync("body[data-plots-rendered]", new() { Timeout = 300_000 });
        output.WriteLine($"all plots drawn once {opened.ElapsedMilliseconds} ms after navigation");
        output.WriteLine("per figure (ms): " + await page.EvaluateAsync<string>("() => JSON.stringify(window.hommReportTimings)"));
        Assert.InRange(await page.EvaluateAsync<int>("() => window.hommReportLiveGlContexts()"), 0, 10);
        // A plot whose WebGL context the browser took back would be blank.
        Assert.Equal(0, await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('.figure .plot')].filter(p => p._fullLayout && p._fullLayout._glcanvas)" +
            ".flatMap(p => p._fullLayout._glcanvas.data()).filter(d => d.regl && d.regl._gl.isContextLost()).length"));

        // Back at the top, a released WebGL figure is drawn again.
        await plots.Nth(0).ScrollIntoViewIfNeededAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('.figure .plot .main-svg') !== null", null, new() { Timeout = 300_000 });

        // plotly's own schema check: every attribute we write is one plotly knows.
        var invalid = await page.EvaluateAsync<string>(
            "() => JSON.stringify(JSON.parse(document.getElementById('homm-report-data').textContent).figures" +
            ".filter(f => f.figure).map(f => [f.id, Plotly.validate(f.figure.data, f.figure.layout) || []])" +
            ".filter(p => p[1].length > 0).map(p => [p[0], p[1].map(e => e.msg)]))");
        Assert.True(invalid == "[]", $"plotly finds attributes it does not know: {invalid}");

        // The table: paged, sorts on a header click, filters as one types.
        Assert.Equal(Math.Min(100, trials), await page.Locator("#trial-table tbody tr").CountAsync());
        await page.ClickAsync("#trial-table th:nth-child(3)");
        await page.ClickAsync("#trial-table th:nth-child(3)");
        var best = report.Study.BestTrial()!;
        Assert.Equal(best.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await page.Locator("#trial-table tbody tr:first-child td:first-child").TextContentAsync());
        await page.FillAsync("#trial-filter", "pruned");
        var pruned = report.Study.Trials.Count(t => t.State == TrialState.Pruned);
        Assert.Equal($"{pruned} of {trials} trials", await page.Locator("#trial-count").TextContentAsync());
        await page.FillAsync("#trial-filter", "");

        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ResultsDir(), screenshot) });
        Assert.Empty(problems);
    }

    /// <summary>
    /// The walk-through's study: 19 trials, 14 of them pruned, lr on a log scale within one
    /// decade (0.007 to 0.03), a category with markup in its name, 5 complete trials for the contour.
    /// </summary>
    private static StudyReport PolishReport()
    {
        var act = new Core.SearchSpace.CategoricalDistribution(["silu<b>", "relu"]);
        var lr = new Core.SearchSpace.FloatDistribution(0.007, 0.03, log: true);
        var wd = new Core.SearchSpace.FloatDistribution(0, 0.1);
        var rng = new Random(5);
        var trials = new List<FrozenTrial>();
        for (var i = 0; i < 19; i++)
        {
            var complete = i % 4 == 0;
            var p = new Dictionary<string, object> { ["lr"] = 0.007 * Math.Pow(0.03 / 0.007, rng.NextDouble()), ["wd"] = 0.1 * rng.NextDouble(), ["act"] = i % 3 == 0 ? "silu<b>" : "relu" };
            var curve = Enumerable.Range(1, complete ? 10 : 3).ToDictionary(s => (long)s, s => 0.5 + 0.03 * s + 0.01 * rng.NextDouble());
            var start = T0.AddMinutes(10 * i);
            trials.Add(new FrozenTrial(i + 1, i, complete ? TrialState.Complete : TrialState.Pruned, complete ? curve[10] : null, p,
                new Dictionary<string, Core.SearchSpace.Distribution> { ["lr"] = lr, ["wd"] = wd, ["act"] = act },
                curve, start, start.AddMinutes(complete ? 9 : 3)));
        }
        var study = new ReportStudy("walk-through", StudyDirection.Maximize, "val/acc", trials);
        return new StudyReport(study)
        {
            SearchSpace = new Core.SearchSpace.SearchSpaceDefinition([new("lr", lr), new("wd", wd), new("act", act)]),
            SlotByTrial = trials.ToDictionary(t => t.Number, t => $"gpu{t.Number % 2}"),
        };
    }

    [Fact]
    public async Task Report_WalkThroughStudy_EveryPolishItemHoldsOnThePage()
    {
        var report = PolishReport();
        var path = Path.Combine(ResultsDir(), "report-polish.html");
        using (var file = File.CreateText(path))
            new ReportWriter(new FixedTimeProvider(T0.AddDays(1))).Write(report, file);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") problems.Add($"console {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => problems.Add("page error: " + e);
        await page.GotoAsync(new Uri(path).AbsoluteUri);
        var plots = page.Locator(".figure .plot");
        var count = await plots.CountAsync();
        for (var i = 0; i < count; i++)
        {
            await plots.Nth(i).ScrollIntoViewIfNeededAsync();
            await page.WaitForFunctionAsync("i => document.querySelectorAll('.figure .plot')[i].querySelector('.main-svg') !== null", i, new() { Timeout = 60_000 });
            var section = plots.Nth(i).Locator("xpath=..");
            await section.ScreenshotAsync(new() { Path = Path.Combine(ResultsDir(), $"polish-{await section.GetAttributeAsync("id")}.png") });
        }
        const string Gd = "(id) => document.querySelector('#figure-' + id + ' .plot')";
        async Task<T> On<T>(string id, string body) => await page.EvaluateAsync<T>($"id => {{ const gd = ({Gd})(id); {body} }}", id);
        async Task ClickLegend(string id, string text) =>
            await page.Locator($"#figure-{id} .legend .traces").Filter(new() { HasText = text }).First.ClickAsync();
        // plotly acts on a legend click after its double-click delay: wait for the change.
        async Task Until(string id, string condition) =>
            await page.WaitForFunctionAsync($"id => {{ const gd = ({Gd})(id); return {condition}; }}", id, new() { Timeout = 10_000 });

        // Slice: the 14 pruned trials are drawn, faded, and the legend hides and shows them.
        Assert.Equal(14, await On<int>("slice", "return gd._fullData.filter(t => t.legendgroup === 'pruned' && t.xaxis === 'x').reduce((n, t) => n + t.x.length, 0);"));
        Assert.True(await On<bool>("slice", "return gd._fullData.filter(t => t.legendgroup === 'pruned').every(t => t.marker.opacity < 0.5);"));
        await ClickLegend("slice", "pruned");
        await Until("slice", "gd._fullData.filter(t => t.legendgroup === 'pruned').every(t => t.visible === 'legendonly')");
        await ClickLegend("slice", "pruned");
        await Until("slice", "gd._fullData.filter(t => t.legendgroup === 'pruned').every(t => t.visible === true)");

        // Log axis: each tick is a whole number ("0.01", "0.02"), never a bare mantissa ("7 8 9 0.01 2 3").
        var ticks = await On<string[]>("slice", "return [...gd.querySelectorAll('.xtick text')].map(t => t.textContent);");
        output.WriteLine("slice lr ticks: " + string.Join(" ", ticks));
        Assert.Contains("0.01", ticks);
        Assert.Contains("0.02", ticks);
        Assert.DoesNotContain(ticks, t => t.Length == 1 && char.IsAsciiDigit(t[0]));

        // EDF: a faded line with the pruned trials, toggled from the legend.
        Assert.Equal(2, await On<int>("edf", "return gd._fullData.length;"));
        await ClickLegend("edf", "pruned");
        await Until("edf", "gd._fullData[1].visible === 'legendonly'");

        // Parallel coordinates: 19 lines, pruned ones faded; the button hides them.
        Assert.Equal(19, await On<int>("parallel", "return gd._fullData[0].dimensions[0].values.length;"));
        await page.Locator("#figure-parallel .updatemenu-button").Filter(new() { HasText = "pruned: hidden" }).ClickAsync();
        await Until("parallel", "gd._fullData[0].unselected.line.opacity === 0");
        // Category labels read as written: not escaped twice.
        var parTicks = await On<string[]>("parallel", "return [...gd.querySelectorAll('.tick text')].map(t => t.textContent);");
        Assert.Contains("silu<b>", parTicks);
        Assert.DoesNotContain(parTicks, t => t.Contains("&lt;", StringComparison.Ordinal));

        // Contour from 5 trials: regions far from every trial are left empty.
        var contourId = await page.EvaluateAsync<string>("() => document.querySelector('[id^=figure-contour-]').id.slice('figure-'.length)");
        Assert.True(await On<bool>(contourId, "return gd.data[0].z.some(row => row.some(v => v === null));"));
        Assert.True(await On<bool>(contourId, "return gd.data[0].z.some(row => row.some(v => v !== null));"));

        // Importance: the number of trials it rests on.
        Assert.Equal("Parameter importance (from 5 complete trials)", await On<string>("importance", "return gd.querySelector('.gtitle').textContent;"));

        // Timeline: the legend is clear of plotly's toolbar.
        Assert.False(await On<bool>("timeline", """
            const a = gd.querySelector('.legend').getBoundingClientRect(), b = gd.querySelector('.modebar-container').getBoundingClientRect();
            return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
            """));

        Assert.Empty(problems);
    }
}
