using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Serialization;

namespace HoMM.Dashboard.Tests;

/// <summary>The API over a real store and a real Kestrel, as the pages use it.</summary>
public class ApiTests
{
    private static async Task<JsonElement> Get(TestDashboard d, string path)
    {
        var response = await d.Client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Studies_SeededStudy_ListedWithCountsStateAndBest()
    {
        await using var d = await TestDashboard.StartAsync();

        var studies = await Get(d, "/api/studies");

        var s = Assert.Single(studies.EnumerateArray());
        Assert.Equal(TestDashboard.StudyName, s.GetProperty("name").GetString());
        Assert.Equal("running", s.GetProperty("state").GetString());
        var counts = s.GetProperty("counts");
        Assert.Equal(1, counts.GetProperty("running").GetInt32());
        Assert.Equal(1, counts.GetProperty("waiting").GetInt32());
        Assert.Equal(d.Study.Trials.Count, counts.GetProperty("total").GetInt32());
        var best = d.Study.Trials.Where(t => t.State == TrialState.Complete).Max(t => t.Value!.Value);
        Assert.Equal(best, s.GetProperty("best").GetDouble(), 12);
    }

    [Fact]
    public async Task Trials_AfterCursor_ReturnsOnlyTrialsChangedSince()
    {
        await using var d = await TestDashboard.StartAsync();
        var all = await Get(d, $"/api/studies/{TestDashboard.StudyName}/trials");
        Assert.Equal(d.Study.Trials.Count, all.GetProperty("trials").GetArrayLength());
        // The test accuracy beside the objective: for the complete trials, and only for them.
        foreach (var r in all.GetProperty("trials").EnumerateArray())
        {
            var seeded = d.Study.Trials.Single(t => t.Number == r.GetProperty("number").GetInt32());
            if (seeded.State == TrialState.Complete)
                Assert.Equal(Seed.TestAccuracy(seeded.Value!.Value), r.GetProperty("testAcc").GetDouble(), 12);
            else
                Assert.Equal(JsonValueKind.Null, r.GetProperty("testAcc").ValueKind);
        }
        var cursor = all.GetProperty("cursor").GetInt64();

        Assert.Equal(0, (await Get(d, $"/api/studies/{TestDashboard.StudyName}/trials?after={cursor}")).GetProperty("trials").GetArrayLength());
        var running = d.Study.Trials.Single(t => t.Number == d.Study.RunningTrial);
        await d.Store.SetTrialAttrAsync(running.Id, AttrScope.System, SystemAttrs.FinalMetrics,
            FinalMetricsJson.ToJson(new Dictionary<string, double> { ["val/acc"] = 0.5, ["test/acc"] = 0.48 }));
        await d.Store.TryCompleteAsync(running.Id, 0.5);

        var changed = await Get(d, $"/api/studies/{TestDashboard.StudyName}/trials?after={cursor}");
        var row = Assert.Single(changed.GetProperty("trials").EnumerateArray());
        Assert.Equal(d.Study.RunningTrial, row.GetProperty("number").GetInt32());
        Assert.Equal("complete", row.GetProperty("state").GetString());
        Assert.Equal(0.48, row.GetProperty("testAcc").GetDouble());
        Assert.True(changed.GetProperty("cursor").GetInt64() > cursor);
    }

    [Fact]
    public async Task Trials_AllAgainAfterChanges_KeptRowsUpdatedAndNewOnesAdded()
    {
        await using var d = await TestDashboard.StartAsync(trials: 6);
        var path = $"/api/studies/{TestDashboard.StudyName}/trials";
        Assert.Equal(6, (await Get(d, path)).GetProperty("trials").GetArrayLength());

        var running = d.Study.Trials.Single(t => t.Number == d.Study.RunningTrial);
        await d.Store.TryCompleteAsync(running.Id, 0.75);
        await d.Store.CreateTrialAsync(d.Study.Record.Id);

        var rows = (await Get(d, path)).GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 7), rows.Select(r => r.GetProperty("number").GetInt32()));
        Assert.Equal("complete", rows[d.Study.RunningTrial].GetProperty("state").GetString());
        Assert.Equal(0.75, rows[d.Study.RunningTrial].GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Trial_RunningTrialWithFolder_DetailHasCurvesAttemptsFilesAndCheckpoint()
    {
        await using var d = await TestDashboard.StartAsync();

        var t = await Get(d, $"/api/studies/{TestDashboard.StudyName}/trials/{d.Study.RunningTrial}");

        Assert.Equal("running", t.GetProperty("trial").GetProperty("state").GetString());
        Assert.Equal(["train/loss", "val/acc", "val/loss"], t.GetProperty("metrics").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(3, t.GetProperty("figures").GetArrayLength());
        Assert.Equal("node-a", Assert.Single(t.GetProperty("attempts").EnumerateArray()).GetProperty("node").GetString());
        Assert.Equal(["checkpoint.pt", "trainer.log"], t.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()));
        Assert.EndsWith("checkpoint.pt", t.GetProperty("checkpoint").GetProperty("path").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trial_CheckpointReportedByTheTrainer_PathInTheFolderAndStep()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        var running = d.Study.Trials.Single(t => t.Number == d.Study.RunningTrial);
        // As the dispatcher records a trainer's {"checkpoint": "checkpoint.pt", "step": 500} line.
        await d.Store.SetTrialAttrAsync(running.Id, AttrScope.System, "checkpoint", Seed.Json("""{"path": "checkpoint.pt", "step": 500}"""));

        var checkpoint = (await Get(d, $"/api/studies/{TestDashboard.StudyName}/trials/{d.Study.RunningTrial}")).GetProperty("checkpoint");

        Assert.Equal(Path.Combine(d.Study.TrialDir, "checkpoint.pt"), checkpoint.GetProperty("path").GetString());
        Assert.Equal(500, checkpoint.GetProperty("step").GetInt64());
        Assert.True(checkpoint.GetProperty("exists").GetBoolean());
        Assert.Equal("reported by the trainer", checkpoint.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Trial_WithNotes_DetailListsThemOldestFirst()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        var running = d.Study.Trials.Single(t => t.Number == d.Study.RunningTrial);
        await TrialNotes.AddAsync(d.Store, running.Id, "attempt 1: the trainer reported step 2 of val/acc a second time (…)");
        await TrialNotes.AddAsync(d.Store, running.Id, "attempt 1: the trainer reported step 1 of val/acc after step 2 (…)");

        var t = await Get(d, $"/api/studies/{TestDashboard.StudyName}/trials/{d.Study.RunningTrial}");

        Assert.Equal(
            ["attempt 1: the trainer reported step 2 of val/acc a second time (…)", "attempt 1: the trainer reported step 1 of val/acc after step 2 (…)"],
            t.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
        Assert.Empty((await Get(d, $"/api/studies/{TestDashboard.StudyName}/trials/{d.Study.CompleteTrial}")).GetProperty("notes").EnumerateArray());
    }

    [Fact]
    public async Task Log_LongLog_TailStartsAtAWholeLineAndEndsWithTheLast()
    {
        await using var d = await TestDashboard.StartAsync();

        var log = await Get(d, $"/api/studies/{TestDashboard.StudyName}/trials/{d.Study.RunningTrial}/log?bytes=100");

        var text = log.GetProperty("text").GetString()!;
        Assert.True(log.GetProperty("truncated").GetBoolean());
        Assert.StartsWith("step ", text, StringComparison.Ordinal);
        Assert.EndsWith("step 2000: loss 0.0050\n", text, StringComparison.Ordinal);
        Assert.True(text.Length <= 100);
    }

    [Fact]
    public async Task Log_TrialNeverStarted_SaysThereIsNoFolder()
    {
        await using var d = await TestDashboard.StartAsync();

        var log = await Get(d, $"/api/studies/{TestDashboard.StudyName}/trials/{d.Study.WaitingTrial}/log");

        Assert.False(log.GetProperty("exists").GetBoolean());
        Assert.Contains("not been started", log.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Figures_SeededStudy_EveryFigureOfTheReportWithAFigureOrANote()
    {
        await using var d = await TestDashboard.StartAsync();

        var f = await Get(d, $"/api/studies/{TestDashboard.StudyName}/figures");

        var ids = f.GetProperty("figures").EnumerateArray().Select(x => x.GetProperty("id").GetString()).ToList();
        Assert.Contains("history", ids);
        Assert.Contains("curves", ids);
        Assert.Contains("timeline", ids);
        Assert.All(f.GetProperty("figures").EnumerateArray(), x => Assert.True(x.TryGetProperty("figure", out _) || x.TryGetProperty("note", out _)));
        Assert.True(f.GetProperty("figures").EnumerateArray().First().GetProperty("figure").GetProperty("data").GetArrayLength() > 0);
    }

    [Fact]
    public async Task Figures_ImportancesComputedInTheBackground_FollowWithPendingFalse()
    {
        await using var d = await TestDashboard.StartAsync();

        var f = await Get(d, $"/api/studies/{TestDashboard.StudyName}/figures");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (f.GetProperty("pending").GetBoolean())
        {
            // While pending, the importance figure says so instead of holding the answer back.
            var note = f.GetProperty("figures").EnumerateArray().Single(x => x.GetProperty("id").GetString() == "importance").GetProperty("note").GetString();
            Assert.StartsWith("computing the importances", note, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the importances never came");
            await Task.Delay(100);
            f = await Get(d, $"/api/studies/{TestDashboard.StudyName}/figures");
        }

        var importance = f.GetProperty("figures").EnumerateArray().Single(x => x.GetProperty("id").GetString() == "importance");
        Assert.StartsWith("Parameter importance (from ", importance.GetProperty("figure").GetProperty("layout").GetProperty("title").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(f.GetProperty("figures").EnumerateArray(), x => x.GetProperty("id").GetString()!.StartsWith("contour-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compare_TwoTrials_DetailsAndOneFigurePerMetricWithALinePerTrial()
    {
        await using var d = await TestDashboard.StartAsync();

        var c = await Get(d, $"/api/studies/{TestDashboard.StudyName}/compare?trials=1,0");

        Assert.Equal([0, 1], c.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("trial").GetProperty("number").GetInt32()));
        var figures = c.GetProperty("figures").EnumerateArray().ToList();
        Assert.Equal(3, figures.Count);
        Assert.Equal("val/acc", figures[0].GetProperty("title").GetString());
        Assert.Equal(2, figures[0].GetProperty("figure").GetProperty("data").GetArrayLength());
        Assert.Equal(["lr", "order", "act", "dropout"], c.GetProperty("paramNames").EnumerateArray().Select(p => p.GetString()));
    }

    [Theory]
    [InlineData("/api/studies/nope", HttpStatusCode.NotFound)]
    [InlineData("/api/studies/fmnist-search/trials/999", HttpStatusCode.NotFound)]
    [InlineData("/api/studies/fmnist-search/compare?trials=1", HttpStatusCode.BadRequest)]
    [InlineData("/api/studies/fmnist-search/compare?trials=1,x", HttpStatusCode.BadRequest)]
    [InlineData("/api/studies/fmnist-search/trials?after=-1", HttpStatusCode.BadRequest)]
    [InlineData("/api/studies/fmnist-search/trials/0/log?bytes=0", HttpStatusCode.BadRequest)]
    public async Task Api_BadRequest_AnswersProblemThatSaysWhy(string path, HttpStatusCode expected)
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);

        var response = await d.Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/studies/fmnist-search")]
    [InlineData("/studies/fmnist-search/trials/1")]
    [InlineData("/studies/fmnist-search/compare?trials=0,1")]
    [InlineData("/favicon.ico")]
    [InlineData("/static/plotly.min.js")]
    [InlineData("/static/figures.js")]
    [InlineData("/static/study.js")]
    [InlineData("/static/dashboard.css")]
    public async Task Pages_EveryAsset_Served(string path)
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);

        var response = await d.Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentLength > 0);
    }
}
