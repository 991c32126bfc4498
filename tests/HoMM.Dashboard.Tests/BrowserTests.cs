using System.Globalization;
using System.Text.Json;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Storage;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace HoMM.Dashboard.Tests;

/// <summary>The pages in Debian's Chromium (headless) against a real dashboard: no console error,
/// plots drawn, the table sorts, filters and follows the store, actions work, user text stays text.</summary>
[Trait("Category", "Slow")]
public sealed class BrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run",
    ];

    private IPlaywright playwright = null!;
    private IBrowser browser = null!;
    private readonly List<string> problems = [];

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/bootstrap (it installs chromium)");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    private static string ResultsDir()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private async Task<IPage> OpenAsync(TestDashboard d, string path)
    {
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, BaseURL = d.Address.ToString() });
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
                problems.Add($"{path}: console {m.Type}: {m.Text}");
        };
        page.PageError += (_, e) => problems.Add($"{path}: page error: {e}");
        page.RequestFailed += (_, r) => problems.Add($"{path}: request failed: {r.Url}");
        page.Response += (_, r) =>
        {
            if (r.Status >= 400)
                problems.Add($"{path}: HTTP {r.Status} for {r.Url}");
        };
        await page.GotoAsync(path);
        return page;
    }

    private async Task Screenshot(IPage page, string name)
    {
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ResultsDir(), name), FullPage = true });
    }

    /// <summary>Waits until the first plot of the page has its SVG (plotly has drawn it).</summary>
    private static Task PlotDrawn(IPage page) =>
        page.WaitForSelectorAsync(".figure .plot .main-svg", new() { Timeout = 60_000 });

    [Fact]
    public async Task EveryPage_OpenedInChromium_RendersWithoutErrors()
    {
        await using var d = await TestDashboard.StartAsync();
        var name = TestDashboard.StudyName;

        var index = await OpenAsync(d, "/");
        await index.WaitForSelectorAsync("body[data-ready]");
        Assert.Equal(name, await index.Locator("#studies tbody tr td:first-child a").TextContentAsync());
        await Screenshot(index, "studies.png");

        var study = await OpenAsync(d, $"/studies/{name}");
        await study.WaitForSelectorAsync("body[data-table-ready]");
        await PlotDrawn(study);
        // Every figure with data gets drawn as it is scrolled to.
        var plots = study.Locator(".figure .plot");
        var count = await plots.CountAsync();
        Assert.True(count >= 6, $"only {count} figures on the study page");
        for (var i = 0; i < count; i++)
        {
            await plots.Nth(i).ScrollIntoViewIfNeededAsync();
            await study.WaitForFunctionAsync("i => document.querySelectorAll('.figure .plot')[i].querySelector('.main-svg') !== null", i, new() { Timeout = 60_000 });
        }
        await Screenshot(study, "study.png");

        var trial = await OpenAsync(d, $"/studies/{name}/trials/{d.Study.RunningTrial}");
        await trial.WaitForSelectorAsync("body[data-ready]");
        await PlotDrawn(trial);
        Assert.Equal(3, await trial.Locator(".figure .plot").CountAsync());
        Assert.Contains("step 2000: loss 0.0050", await trial.Locator("#log-text").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await trial.Locator("#attempts-table tbody tr").CountAsync());
        Assert.Contains("checkpoint.pt", await trial.Locator("#checkpoint-body").TextContentAsync(), StringComparison.Ordinal);
        await Screenshot(trial, "trial.png");

        var compare = await OpenAsync(d, $"/studies/{name}/compare?trials=0,1,2");
        await compare.WaitForSelectorAsync("body[data-ready]");
        await PlotDrawn(compare);
        Assert.Equal(4, await compare.Locator("#compare-table thead th").CountAsync());
        await Screenshot(compare, "compare.png");

        Assert.Empty(problems);
    }

    /// <summary>
    /// A 2,000-trial two-objective study (maximize val/acc, minimize info/flops) on the study page:
    /// the Pareto front, hypervolume history, parallel coordinates by front rank and an importance
    /// figure per objective are drawn (importances once the server has computed them), with no console error.
    /// </summary>
    [Fact]
    public async Task StudyPage_TwoObjectiveStudyOf2000Trials_DrawsParetoHypervolumeAndPerObjectiveFigures()
    {
        await using var d = await TestDashboard.StartAsync(trials: 3);
        var space = new SearchSpaceDefinition([new ParameterSpec("lr", new FloatDistribution(1e-5, 1e-1, log: true)), new ParameterSpec("order", new IntDistribution(1, 4))]);
        var study = await d.Store.CreateStudyAsync(NewStudy.WithObjectives("pareto-2000",
            [new StudyObjective("val/acc", StudyDirection.Maximize), new StudyObjective("info/flops", StudyDirection.Minimize)], space));
        var rng = new Random(11);
        for (var i = 0; i < 2000; i++)
        {
            var lr = Math.Pow(10, -5 + 4 * rng.NextDouble());
            var order = (long)rng.Next(1, 5);
            var trial = await d.Store.CreateTrialAsync(study.Id, new Dictionary<string, object> { ["lr"] = lr, ["order"] = order },
                space.Parameters.ToDictionary(p => p.Name, p => p.Distribution));
            await d.Store.TryStartAsync(trial.Id);
            if (i % 20 == 7)
            {
                await d.Store.TryFailAsync(trial.Id, "diverged");
                continue;
            }
            var acc = 0.9 - 0.05 * Math.Pow(Math.Log10(lr) + 3, 2) + 0.02 * order + 0.01 * rng.NextDouble();
            await d.Store.TryCompleteAsync(trial.Id, [acc, 1e8 * order * order * (1 + 0.1 * rng.NextDouble())]);
        }

        var page = await OpenAsync(d, "/studies/pareto-2000");
        await page.WaitForSelectorAsync("body[data-table-ready]");
        foreach (var id in new[] { "pareto", "hypervolume", "parallel", "importance", "importance-1" })
        {
            var section = page.Locator($"#figure-{id}");
            await section.WaitForAsync(new() { Timeout = 120_000 });
            await section.ScrollIntoViewIfNeededAsync();
            // The importances arrive with a later poll; the section is redrawn then.
            await page.WaitForFunctionAsync("id => { const s = document.getElementById('figure-' + id); return s !== null && s.querySelector('.main-svg') !== null; }",
                id, new() { Timeout = 120_000 });
            await section.ScreenshotAsync(new() { Path = Path.Combine(ResultsDir(), $"pareto-2000-{id}.png") });
        }
        Assert.Contains("on the Pareto front", await page.Locator("#figure-parallel").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("info/flops", await page.Locator("#figure-importance-1 h2").TextContentAsync(), StringComparison.Ordinal);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task QueueDashboard_FromTheStudyPagesLink_RendersOfflineAndReadOnlyWithoutTheToken()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        var name = TestDashboard.StudyName;
        var (storage, _) = await QueueDashboardTests.OneSucceededJobAsync(d, 0);
        (storage as IDisposable)?.Dispose();
        var study = await OpenAsync(d, $"/studies/{name}");
        await study.WaitForSelectorAsync("body[data-table-ready]");
        // Offline: every request the queue's pages make stays on this dashboard (Hangfire embeds its assets).
        var elsewhere = new List<string>();
        study.Request += (_, r) =>
        {
            if (!r.Url.StartsWith(d.Address.ToString(), StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal))
                elsewhere.Add(r.Url);
        };

        await study.ClickAsync("#queue-link");
        await study.WaitForURLAsync($"**/hangfire/{name}/");
        await study.WaitForSelectorAsync(".navbar");
        Assert.Contains($"Queue of study {name}", await study.TitleAsync(), StringComparison.Ordinal);
        await study.WaitForTimeoutAsync(2500); // the home page polls its live statistics
        await Screenshot(study, "queue.png");
        await study.GotoAsync($"/hangfire/{name}/jobs/succeeded");
        var row = study.Locator("tr.js-jobs-list-row");
        Assert.Equal(1, await row.CountAsync());
        Assert.Contains("trial #0", await row.TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await study.Locator(".js-jobs-list-command").CountAsync()); // read-only: no Requeue/Delete
        await Screenshot(study, "queue-succeeded.png");

        Assert.Empty(elsewhere);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task TrialTable_StartedAndFloatCells_ShownWholeWithFiveSignificantDigits()
    {
        await using var d = await TestDashboard.StartAsync();
        var page = await OpenAsync(d, $"/studies/{TestDashboard.StudyName}");
        await page.WaitForSelectorAsync("body[data-table-ready]");

        // Per column key: every cell's text, whether the cell cuts it, and its title.
        var cells = await page.EvaluateAsync<JsonElement>("""
            () => {
              const keys = [...document.querySelectorAll('#trial-table thead th')].map(th => th.dataset.key);
              const out = {};
              for (const tr of document.querySelectorAll('#trial-table tbody tr[data-trial]'))
                [...tr.children].forEach((td, i) => (out[keys[i]] ??= []).push({ text: td.textContent, cut: td.scrollWidth > td.clientWidth, title: td.title }));
              return out;
            }
            """);
        var started = cells.GetProperty("started").EnumerateArray().Where(c => c.GetProperty("text").GetString() != "").ToList();
        Assert.NotEmpty(started);
        Assert.All(started, c =>
        {
            Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", c.GetProperty("text").GetString());
            Assert.False(c.GetProperty("cut").GetBoolean(), $"started cut: {c.GetProperty("text").GetString()}");
        });
        var lr = cells.GetProperty("p:lr").EnumerateArray().Where(c => c.GetProperty("text").GetString() != "").ToList();
        Assert.NotEmpty(lr);
        Assert.All(lr, c =>
        {
            var text = c.GetProperty("text").GetString()!;
            Assert.False(c.GetProperty("cut").GetBoolean(), $"lr cut: {text}");
            // At most 5 significant digits on screen; the title keeps the full value.
            var digits = text.Split('e')[0].Replace("-", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal).TrimStart('0');
            Assert.InRange(digits.Length, 1, 5);
            Assert.Equal(double.Parse(c.GetProperty("title").GetString()!, CultureInfo.InvariantCulture).ToString("G5", CultureInfo.InvariantCulture),
                double.Parse(text, CultureInfo.InvariantCulture).ToString("G5", CultureInfo.InvariantCulture));
        });
        Assert.Contains(lr, c => c.GetProperty("title").GetString()!.Length > 10);
        Assert.All(cells.GetProperty("value").EnumerateArray(), c => Assert.False(c.GetProperty("cut").GetBoolean()));
        await Screenshot(page, "table.png");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task TrialTable_HeaderClicksAndFilter_SortsAndFilters()
    {
        await using var d = await TestDashboard.StartAsync();
        var page = await OpenAsync(d, $"/studies/{TestDashboard.StudyName}");
        await page.WaitForSelectorAsync("body[data-table-ready]");
        var firstNumber = page.Locator("#trial-table tbody tr[data-trial]").First;

        // The value column, twice: descending, best first.
        await page.ClickAsync("#trial-table th[data-key='value']");
        await page.ClickAsync("#trial-table th[data-key='value']");
        var best = d.Study.Trials.Where(t => t.State == TrialState.Complete).MaxBy(t => t.Value)!;
        Assert.Equal(best.Number.ToString(CultureInfo.InvariantCulture), await firstNumber.GetAttributeAsync("data-trial"));
        Assert.Equal("descending", await page.GetAttributeAsync("#trial-table th[data-key='value']", "aria-sort"));
        // test/acc stands beside the objective, in the table and in the best-trial card.
        var testAcc = Seed.TestAccuracy(best.Value!.Value).ToString(CultureInfo.InvariantCulture);
        Assert.Equal(testAcc, await page.Locator("#trial-table tbody tr[data-trial] td:nth-child(5)").First.GetAttributeAsync("title"));
        Assert.Equal("test/acc", await page.Locator("#trial-table th[data-key='testAcc']").TextContentAsync());
        Assert.Contains("test/acc", await page.Locator("#best-body").TextContentAsync(), StringComparison.Ordinal);

        await page.ClickAsync("#trial-table th[data-key='number']");
        await page.ClickAsync("#trial-table th[data-key='number']");
        Assert.Equal((d.Study.Trials.Count - 1).ToString(CultureInfo.InvariantCulture), await firstNumber.GetAttributeAsync("data-trial"));

        await page.FillAsync("#trial-filter", "pruned");
        var pruned = d.Study.Trials.Count(t => t.State == TrialState.Pruned);
        Assert.Equal($"{pruned} of {d.Study.Trials.Count} trials", await page.Locator("#trial-count").TextContentAsync());
        Assert.Equal(pruned, await page.Locator("#trial-table tbody tr[data-trial]").CountAsync());
        await page.FillAsync("#trial-filter", "failed diverged");
        Assert.Equal(d.Study.Trials.Count(t => t.State == TrialState.Fail), await page.Locator("#trial-table tbody tr[data-trial]").CountAsync());
        await page.FillAsync("#trial-filter", "");
        Assert.Equal($"{d.Study.Trials.Count} trials", await page.Locator("#trial-count").TextContentAsync());
        Assert.Empty(problems);
    }

    [Fact]
    public async Task PausedTrial_ShownPausedOnEveryPageAndCancelledFromItsPage()
    {
        await using var d = await TestDashboard.StartAsync();
        var trial = await d.Store.CreateTrialAsync(d.Study.Record.Id,
            new Dictionary<string, object> { ["lr"] = 0.002, ["order"] = 2L, ["act"] = "gelu" },
            Seed.Space.Parameters.Where(p => p.Name != "dropout").ToDictionary(p => p.Name, p => p.Distribution));
        Assert.True(await d.Store.TryStartAsync(trial.Id));
        await d.Store.ReportAsync(trial.Id, 90, new Dictionary<string, double> { ["val/acc"] = 0.61 });
        Assert.True(await d.Store.TrySetStateAsync(trial.Id, TrialState.Paused, TrialState.Running, null, "paused at rung 90"));

        var index = await OpenAsync(d, "/");
        await index.WaitForSelectorAsync(".progress .seg.state-paused");
        Assert.Contains("1 paused", await index.Locator(".progress").First.GetAttributeAsync("title"), StringComparison.Ordinal);

        var study = await OpenAsync(d, $"/studies/{TestDashboard.StudyName}");
        await study.WaitForSelectorAsync("body[data-table-ready]");
        Assert.Equal("1 paused", await study.Locator(".states .state-paused").TextContentAsync());
        // The table draws the rows in view only: the filter brings the paused one (and only it) there.
        await study.FillAsync("#trial-filter", "paused");
        var row = study.Locator("#trial-table tbody tr[data-trial]");
        Assert.Equal(1, await row.CountAsync());
        Assert.Equal(trial.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), await row.GetAttributeAsync("data-trial"));
        Assert.Contains("paused", await row.TextContentAsync(), StringComparison.Ordinal);

        var page = await OpenAsync(d, $"/studies/{TestDashboard.StudyName}/trials/{trial.Number}");
        await page.WaitForSelectorAsync("#trial-subtitle .badge.state-paused");
        await Screenshot(page, "paused-trial.png");
        // It can be cancelled (its checkpoint is then never resumed), not deleted.
        Assert.True(await page.Locator("#delete").IsDisabledAsync());
        await page.ClickAsync("#stop");
        await page.WaitForSelectorAsync("#trial-subtitle .badge.state-cancelled");
        Assert.Equal(TrialState.Cancelled, (await d.Store.GetTrialAsync(trial.Id))!.State);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task StudyPage_TrialToldDuringTheTest_AppearsWithoutReload()
    {
        await using var d = await TestDashboard.StartAsync();
        var page = await OpenAsync(d, $"/studies/{TestDashboard.StudyName}");
        await page.WaitForSelectorAsync("body[data-table-ready]");
        await page.FillAsync("#trial-filter", "0.987654");
        Assert.Equal(0, await page.Locator("#trial-table tbody tr[data-trial]").CountAsync());
        var navigations = 0;
        page.FrameNavigated += (_, _) => navigations++;

        var trial = await d.Store.CreateTrialAsync(d.Study.Record.Id,
            new Dictionary<string, object> { ["lr"] = 0.001, ["order"] = 3L, ["act"] = "gelu" },
            Seed.Space.Parameters.Where(p => p.Name != "dropout").ToDictionary(p => p.Name, p => p.Distribution));
        await d.Store.TryStartAsync(trial.Id);
        await d.Store.TryCompleteAsync(trial.Id, 0.987654);

        var row = page.Locator($"#trial-table tbody tr[data-trial='{trial.Number}']");
        await row.WaitForAsync(new() { Timeout = 15_000 });
        Assert.Contains("complete", await row.TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, navigations);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Actions_FromThePages_PauseEnqueueAndStopReachTheStore()
    {
        await using var d = await TestDashboard.StartAsync();
        var page = await OpenAsync(d, $"/studies/{TestDashboard.StudyName}");
        await page.WaitForSelectorAsync("body[data-table-ready]");

        await page.ClickAsync("#pause");
        await page.Locator("#pause", new() { HasText = "Resume" }).WaitForAsync();
        Assert.Equal(JsonValueKind.True, (await d.Store.GetStudyAttrsAsync(d.Study.Record.Id, AttrScope.System))["control/paused"].ValueKind);

        await page.ClickAsync("#enqueue-toggle");
        // lr left empty: it is sampled when the trial starts.
        await page.FillAsync("#enqueue input[name='order']", "2");
        await page.SelectOptionAsync("#enqueue select[name='act']", new SelectOptionValue { Label = "relu" });
        await page.FillAsync("#enqueue input[name='dropout']", "0.3");
        await page.ClickAsync("#enqueue button[type='submit']");
        await page.Locator("#enqueue-result.ok").WaitForAsync();
        var enqueued = (await d.Store.GetTrialsAsync(d.Study.Record.Id)).Trials.MaxBy(t => t.Number)!;
        Assert.Equal(TrialState.Waiting, enqueued.State);
        Assert.Equal(0.3, enqueued.Params["dropout"]);
        Assert.Equal(2L, enqueued.Params["order"]);
        Assert.False(enqueued.Params.ContainsKey("lr"));

        // Out of range: the form shows the server's message next to the field; nothing is created.
        await page.FillAsync("#enqueue input[name='lr']", "3");
        await page.ClickAsync("#enqueue button[type='submit']");
        await page.Locator("#enqueue-result.error").WaitForAsync();
        Assert.Contains("is not in", await page.Locator(".field[data-param='lr'] .error").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(enqueued.Number, (await d.Store.GetTrialsAsync(d.Study.Record.Id)).Trials.Max(t => t.Number));
        // The refused enqueue, on purpose (Chromium also logs the 400 on the console).
        problems.RemoveAll(p => p.Contains("HTTP 400", StringComparison.Ordinal) || p.Contains("status of 400", StringComparison.Ordinal));

        var trialPage = await OpenAsync(d, $"/studies/{TestDashboard.StudyName}/trials/{d.Study.RunningTrial}");
        await trialPage.WaitForSelectorAsync("body[data-ready]");
        await trialPage.FillAsync("#stop-reason", "wrong learning rate");
        await trialPage.ClickAsync("#stop");
        await trialPage.Locator("#stop", new() { HasText = "Cancel requested" }).WaitForAsync();
        var running = d.Study.Trials.Single(t => t.Number == d.Study.RunningTrial);
        Assert.Equal("cancelled by the dashboard (127.0.0.1): wrong learning rate", (await d.Store.GetTrialAttrsAsync(running.Id, AttrScope.System))["control/stop"].GetString());
        Assert.Empty(problems);
    }

    [Fact]
    public async Task UserText_ScriptInStudyNameAndParameters_ShownEscaped()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        const string evilName = "<script>window.pwned=1</script>";
        const string evilChoice = "<img src=x onerror=\"window.pwned=2\">";
        var space = new SearchSpaceDefinition(
        [
            new ParameterSpec("<b>lr</b>", new FloatDistribution(1e-4, 1e-1, log: true)),
            new ParameterSpec("act", new CategoricalDistribution([evilChoice, "relu"])),
        ]);
        var seeded = await Seed.StudyAsync(d.Store, evilName, 6, Path.Combine(d.Folder, "evil-runs"), space);

        var index = await OpenAsync(d, "/");
        await index.WaitForSelectorAsync("body[data-ready]");
        Assert.Equal(evilName, await index.Locator($"#studies tr[data-study='{evilName.Replace("'", "\\'", StringComparison.Ordinal)}'] a").TextContentAsync());

        var study = await OpenAsync(d, $"/studies/{Uri.EscapeDataString(evilName)}");
        await study.WaitForSelectorAsync("body[data-table-ready]");
        await PlotDrawn(study);
        Assert.Equal(evilName, await study.Locator("#study-name").TextContentAsync());
        Assert.Equal("<b>lr</b>", await study.Locator("#trial-table th[data-key='p:<b>lr</b>']").TextContentAsync());
        await study.FillAsync("#trial-filter", "onerror");
        Assert.True(await study.Locator("#trial-table tbody tr[data-trial]").CountAsync() > 0);
        Assert.Contains(evilChoice, await study.Locator("#trial-table tbody").TextContentAsync(), StringComparison.Ordinal);
        await Screenshot(study, "study-escaped.png");

        var trial = await OpenAsync(d, $"/studies/{Uri.EscapeDataString(evilName)}/trials/{seeded.CompleteTrial}");
        await trial.WaitForSelectorAsync("body[data-ready]");

        foreach (var page in new[] { index, study, trial })
        {
            Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.pwned"));
            Assert.Equal(0, await page.Locator("main script, main img").CountAsync());
        }
        output.WriteLine(string.Join("\n", problems));
        Assert.Empty(problems);
    }
}
