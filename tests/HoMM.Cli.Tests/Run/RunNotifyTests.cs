using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using HoMM.Cli.Run;
using HoMM.Cli.Tests.Control;
using HoMM.Core.Trials;
using HoMM.Tests.Shared;

namespace HoMM.Cli.Tests.Run;

/// <summary><c>notify:</c> in a real run (python test trainer), against a local HTTP listener.</summary>
public class RunNotifyTests
{
    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    // Three enqueued trials: x 0.3 completes (a first best), 0.9 fails (above FAIL_ABOVE), 0.6 completes (a new best).
    private static void WriteStudy(ControlFolder folder, string notify) => File.WriteAllText(folder.StudyPath, $$"""
        name: ctl
        objective: {metric: val/acc, direction: maximize}
        search_space:
          x: {type: float, low: 0.0, high: 1.0}
          y: {type: int, low: 1, high: 9}
        sampler: {kind: random, seed: 11}
        enqueue:
          - {x: 0.3, y: 1}
          - {x: 0.9, y: 1}
          - {x: 0.6, y: 1}
        budget: {max_trials: 3, max_parallel: 1}
        trainer:
          command: [python3, train.py, "{x}"]
          env: {EVENTS: "{{Path.Combine(folder.Dir, "events.log")}}", STEPS: "2", FAIL_ABOVE: "0.8"}
        resources: {cpu_slots: 1}
        notify: {{notify}}
        """);

    [Fact]
    public async Task RunAsync_WebhookListening_GetsNewBestFailureAndEndWithTheDocumentedJson()
    {
        using var folder = new ControlFolder();
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var bodies = new List<JsonElement>();
        var contentTypes = new List<string?>();
        var listening = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
                    lock (bodies)
                    {
                        bodies.Add(body);
                        contentTypes.Add(context.Request.ContentType);
                    }
                }
                context.Response.StatusCode = 204;
                context.Response.Close();
            }
        });
        WriteStudy(folder, $"{{webhook: \"http://127.0.0.1:{port}/hook/\", timeout: 5s}}");

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(folder.StudyPath, folder.Db, null, null), new StringWriter(), new StringWriter(),
            TimeProvider.System, CancellationToken.None);

        listener.Stop();
        await listening;
        Assert.Equal(RunCommand.ExitDone, exit);
        List<JsonElement> events;
        lock (bodies)
            events = [.. bodies];
        Assert.Equal(["new_best", "trial_failed", "new_best", "end"], events.Select(e => e.GetProperty("event").GetString()));
        Assert.All(contentTypes, t => Assert.StartsWith("application/json", t, StringComparison.Ordinal));
        Assert.All(events, e =>
        {
            Assert.Equal("ctl", e.GetProperty("study").GetString());
            Assert.Equal("val/acc", e.GetProperty("objective").GetString());
            Assert.Equal("maximize", e.GetProperty("direction").GetString());
            Assert.True(DateTimeOffset.TryParse(e.GetProperty("time").GetString(), out _));
            Assert.True(e.GetProperty("counts").TryGetProperty("complete", out _));
        });

        var firstBest = events[0].GetProperty("trial");
        Assert.Equal(0, firstBest.GetProperty("number").GetInt32());
        Assert.Equal("complete", firstBest.GetProperty("state").GetString());
        Assert.Equal(0.3, firstBest.GetProperty("value").GetDouble());
        Assert.Equal(0.3, firstBest.GetProperty("params").GetProperty("x").GetDouble());
        Assert.Equal(JsonValueKind.Null, events[0].GetProperty("previous_best").ValueKind);

        var failed = events[1].GetProperty("trial");
        Assert.Equal(1, failed.GetProperty("number").GetInt32());
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("reason").GetString()));

        Assert.Equal(2, events[2].GetProperty("trial").GetProperty("number").GetInt32());
        Assert.Equal(0, events[2].GetProperty("previous_best").GetProperty("number").GetInt32());

        var end = events[3];
        Assert.Equal("budget_spent", end.GetProperty("outcome").GetString());
        Assert.Equal(2, end.GetProperty("best").GetProperty("number").GetInt32());
        Assert.Equal(2, end.GetProperty("counts").GetProperty("complete").GetInt32());
        Assert.Equal(1, end.GetProperty("counts").GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task RunAsync_WebhookThatNeverAnswers_RunEndsWithinTheTimeoutAndLosesNoTrial()
    {
        using var folder = new ControlFolder();
        // Accepts connections and never answers: each delivery waits its whole timeout.
        await using var blackHole = new SilentListener();
        WriteStudy(folder, $"{{webhook: \"http://127.0.0.1:{blackHole.Port}/hook\", timeout: 2s, retries: 5}}");

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(folder.StudyPath, folder.Db, null, null), new StringWriter(), new StringWriter(),
            TimeProvider.System, CancellationToken.None);
        var returned = DateTimeOffset.UtcNow;

        await blackHole.DisposeAsync();
        Assert.Equal(RunCommand.ExitDone, exit);
        var trials = await folder.WithStoreAsync(async s => (await s.GetTrialsAsync((await s.GetStudyAsync("ctl"))!.Id)).Trials);
        Assert.Equal([TrialState.Complete, TrialState.Fail, TrialState.Complete], trials.OrderBy(t => t.Number).Select(t => t.State));
        // The run waited for the receiver at most the timeout (2 s) after its last trial, plus the run's own wind-down.
        var lastFinished = trials.Max(t => t.Finished!.Value);
        Assert.True(returned - lastFinished < TimeSpan.FromSeconds(2 + 6), $"the run returned {returned - lastFinished} after its last trial finished");
        Assert.NotEqual(0, blackHole.Accepted);
        Assert.Contains("notify:", File.ReadAllText(HoMM.Dispatch.Driver.DriverFactory.LogPath(Path.Combine(folder.Dir, "runs"), "ctl")), StringComparison.Ordinal);
    }
}
