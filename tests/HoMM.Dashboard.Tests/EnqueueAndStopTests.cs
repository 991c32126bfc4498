using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Storage;

namespace HoMM.Dashboard.Tests;

/// <summary>
/// The dashboard's enqueue applies the study's rules (Core's TrialRules, read from the study file
/// stored with the study), and its stop ends a waiting trial at once.
/// </summary>
public class EnqueueAndStopTests
{
    private const string StudyFile = """
        name: ruled
        objective: {metric: val/acc, direction: maximize}
        search_space:
          lr: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
          order: {type: int, low: 1, high: 4}
          act: {type: categorical, choices: [gelu, relu]}
          dropout: {type: float, low: 0.0, high: 0.5, when: {act: relu}}
        constraints:
          - order * lr <= 0.1
        budget: {max_trials: 10}
        trainer:
          command: [python3, train.py, "{lr}"]
        """;

    private static async Task<StudyRecord> CreateRuledStudyAsync(TestDashboard d)
    {
        var definition = HoMM.StudyFiles.StudyFile.Parse(StudyFile).GetDefinitionOrThrow();
        return await d.Store.CreateStudyAsync(new NewStudy("ruled", StudyDirection.Maximize, "val/acc", definition.SearchSpace,
            SystemAttrs: new Dictionary<string, JsonElement> { [SystemAttrs.StudyFile] = JsonSerializer.SerializeToElement(StudyFile) }));
    }

    [Fact]
    public async Task Enqueue_BreakingAConstraint_RefusedWithTheConstraintNamedAndNothingCreated()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        var study = await CreateRuledStudyAsync(d);

        var response = await d.Client.PostAsJsonAsync("/api/studies/ruled/trials", new { @params = new { lr = 0.05, order = 4 } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("breaks the constraint 'order * lr <= 0.1' (order = 4, lr = 0.05)", problem.GetProperty("errors").GetProperty("constraints")[0].GetString());
        Assert.Contains("'order * lr <= 0.1'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await d.Store.GetTrialsAsync(study.Id)).Trials);
    }

    [Fact]
    public async Task Enqueue_PartialSet_AcceptedWithOnlyTheGivenValues()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        var study = await CreateRuledStudyAsync(d);

        var response = await d.Client.PostAsJsonAsync("/api/studies/ruled/trials", new { @params = new { order = 3, act = (string?)null } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var trial = Assert.Single((await d.Store.GetTrialsAsync(study.Id)).Trials);
        Assert.Equal(TrialState.Waiting, trial.State);
        Assert.Equal(3L, Assert.Single(trial.Params).Value);
        Assert.Contains("sampled when it starts", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_WaitingTrial_EndsItAtOnce()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        var waiting = d.Study.Trials.Single(t => t.Number == d.Study.WaitingTrial);

        var response = await d.Client.PostAsJsonAsync($"/api/studies/{TestDashboard.StudyName}/trials/{d.Study.WaitingTrial}/stop", new { reason = "duplicate" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("was waiting: it is cancelled", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var stopped = await d.Store.GetTrialAsync(waiting.Id);
        Assert.Equal((TrialState.Cancelled, "cancelled by the dashboard (127.0.0.1): duplicate"), (stopped!.State, stopped.FailReason));
    }

    [Fact]
    public async Task Delete_FinishedTrial_GoneFromTheTableAndListedAsDeletedAfterTheCursor()
    {
        await using var d = await TestDashboard.StartAsync(trials: 6);
        var finished = d.Study.Trials.Single(t => t.Number == d.Study.CompleteTrial);
        var before = await d.Client.GetFromJsonAsync<JsonElement>($"/api/studies/{TestDashboard.StudyName}/trials");
        var cursor = before.GetProperty("cursor").GetInt64();

        var response = await d.Client.DeleteAsync($"/api/studies/{TestDashboard.StudyName}/trials/{finished.Number}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(await d.Store.GetTrialAsync(finished.Id));
        var changed = await d.Client.GetFromJsonAsync<JsonElement>($"/api/studies/{TestDashboard.StudyName}/trials?after={cursor}");
        Assert.Equal([finished.Number], changed.GetProperty("deleted").EnumerateArray().Select(n => n.GetInt32()));
        var all = await d.Client.GetFromJsonAsync<JsonElement>($"/api/studies/{TestDashboard.StudyName}/trials");
        Assert.DoesNotContain(finished.Number, all.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("number").GetInt32()));
        Assert.Equal(d.Study.Trials.Count - 1, all.GetProperty("trials").GetArrayLength());
        var running = await d.Client.DeleteAsync($"/api/studies/{TestDashboard.StudyName}/trials/{d.Study.RunningTrial}");
        Assert.Equal(HttpStatusCode.Conflict, running.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await d.Client.DeleteAsync($"/api/studies/{TestDashboard.StudyName}")).StatusCode);
    }
}
