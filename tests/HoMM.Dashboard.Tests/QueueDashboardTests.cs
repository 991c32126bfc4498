using System.Net;
using Hangfire;
using HoMM.Dispatch.Scheduling;

namespace HoMM.Dashboard.Tests;

/// <summary>Hangfire's dashboard of a study's queue at /hangfire/{study}/: our access rules, read-only without the token.</summary>
public sealed class QueueDashboardTests
{
    private const string Study = TestDashboard.StudyName;

    /// <summary>A job handler that runs nothing: the job ends Succeeded in Hangfire.</summary>
    private sealed class NoOp : ITrialJobHandler
    {
        public ValueTask RunTrialAsync(long trialId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>Runs one job of trial <paramref name="trial"/> through the study's real queue; returns the queue's storage and the job's id.</summary>
    internal static async Task<(JobStorage Storage, string JobId)> OneSucceededJobAsync(TestDashboard d, int trial)
    {
        var options = JobStoreOptions.SqliteBeside(d.Database);
        await using (var queue = TrialQueue.ForStudy(options, d.Study.Record.Id, new NoOp(), 1))
        {
            queue.Start();
            await queue.Study(d.Study.Record.Id).EnqueueAsync(d.Study.Trials[trial].Id, trial);
            var monitor = options.OpenExisting(d.Study.Record.Id)!.GetMonitoringApi();
            for (var i = 0; i < 600 && monitor.SucceededListCount() == 0; i++)
                await Task.Delay(50);
        }
        var storage = options.OpenExisting(d.Study.Record.Id)!;
        var job = Assert.Single(storage.GetMonitoringApi().SucceededJobs(0, 10));
        return (storage, job.Key);
    }

    [Fact]
    public async Task Queue_StudyNeverRun_NotFoundAndNoFileMade()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);

        var response = await d.Client.GetAsync($"/hangfire/{Study}/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no queue yet", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(File.Exists(JobStoreOptions.SqliteQueuePath(d.Database, d.Study.Record.Id)));
    }

    [Fact]
    public async Task Queue_LoopbackWithoutToken_ShowsTheJobsReadOnly_ARequeueChangesNothing()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        var (storage, jobId) = await OneSucceededJobAsync(d, 0);

        var page = await d.Client.GetStringAsync($"/hangfire/{Study}/jobs/succeeded");
        using var requeue = new FormUrlEncodedContent([new("jobs[]", jobId)]);
        var post = await d.Client.PostAsync($"/hangfire/{Study}/jobs/succeeded/requeue", requeue);

        Assert.Contains($"study {d.Study.Record.Id}, trial #0", page, StringComparison.Ordinal);
        Assert.DoesNotContain("js-jobs-list-command", page, StringComparison.Ordinal); // no Requeue/Delete buttons
        Assert.False(post.IsSuccessStatusCode, $"requeue answered {(int)post.StatusCode}");
        Assert.Equal("Succeeded", storage.GetMonitoringApi().JobDetails(jobId).History[0].StateName);
        (storage as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task Queue_WithToken_RefusedWithoutIt_WritableWithIt()
    {
        const string token = "queue-token-0123456789";
        await using var d = await TestDashboard.StartAsync(token: token, trials: 4);
        var (storage, jobId) = await OneSucceededJobAsync(d, 1);

        var anonymous = await d.Client.GetAsync($"/hangfire/{Study}/jobs/succeeded");
        using var page = new HttpRequestMessage(HttpMethod.Get, $"/hangfire/{Study}/jobs/succeeded");
        page.Headers.Authorization = new("Bearer", token);
        var html = await (await d.Client.SendAsync(page)).Content.ReadAsStringAsync();
        using var requeue = new HttpRequestMessage(HttpMethod.Post, $"/hangfire/{Study}/jobs/succeeded/requeue")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", jobId)]),
        };
        requeue.Headers.Authorization = new("Bearer", token);
        var post = await d.Client.SendAsync(requeue);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("js-jobs-list-command", html, StringComparison.Ordinal);
        Assert.True(post.IsSuccessStatusCode, $"requeue answered {(int)post.StatusCode}");
        Assert.Equal("Enqueued", storage.GetMonitoringApi().JobDetails(jobId).History[0].StateName);
        (storage as IDisposable)?.Dispose();
    }
}
