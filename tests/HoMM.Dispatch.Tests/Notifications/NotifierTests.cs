using System.Diagnostics;
using System.Text.Json.Nodes;
using HoMM.Dispatch.Notifications;
using HoMM.StudyFiles.Notify;
using HoMM.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace HoMM.Dispatch.Tests.Notifications;

public class NotifierTests
{
    private static JsonObject Event(string name) => new() { ["event"] = name };

    // A command receiver that appends each event to a file, one per line; returns the events read back.
    private static async Task<IReadOnlyList<string>> ThroughCommandAsync(IReadOnlySet<NotifyEvent> on, Action<Notifier> post)
    {
        var dir = Directory.CreateTempSubdirectory("homm-notify-").FullName;
        try
        {
            var file = Path.Combine(dir, "events.jsonl");
            var notifier = new Notifier(new NotifyDefinition(["/bin/sh", "-c", $"cat >> '{file}'; echo >> '{file}'"], null, on), NullLogger.Instance);
            post(notifier);
            await notifier.DisposeAsync();
            return File.ReadAllLines(file).Select(l => JsonNode.Parse(l)!["event"]!.GetValue<string>()).ToList();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Post_ReceiverNeverAnswers_ReturnsAtOnceAndDisposeWaitsNoMoreThanTheTimeout()
    {
        await using var blackHole = new SilentListener();
        var url = new Uri($"http://127.0.0.1:{blackHole.Port}/hook");
        var notifier = new Notifier(new NotifyDefinition(null, url, NotifyDefinition.All.ToHashSet()) { Timeout = TimeSpan.FromSeconds(1), Retries = 5 },
            NullLogger.Instance);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
            notifier.Post(NotifyEvent.NewBest, Event("new_best"));
        var posting = clock.Elapsed;
        clock.Restart();
        await notifier.DisposeAsync();
        var disposing = clock.Elapsed;

        await blackHole.DisposeAsync();
        Assert.True(posting < TimeSpan.FromMilliseconds(200), $"posting took {posting}");
        Assert.True(disposing < TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(900), $"dispose took {disposing}");
        Assert.Equal(0, notifier.Delivered);
        Assert.InRange(notifier.Dropped, 19, 20); // the one in flight when the wait ran out may be neither
    }

    [Fact]
    public async Task Post_CommandReceiver_GetsEachEventOnStdinInOrder()
    {
        var received = await ThroughCommandAsync(NotifyDefinition.All.ToHashSet(), n =>
        {
            n.Post(NotifyEvent.NewBest, Event("new_best"));
            n.Post(NotifyEvent.TrialFailed, Event("trial_failed"));
            n.Post(NotifyEvent.End, Event("end"));
        });

        Assert.Equal(["new_best", "trial_failed", "end"], received);
    }

    [Fact]
    public async Task Post_EventNotListedInOn_NotSent()
    {
        var received = await ThroughCommandAsync(new HashSet<NotifyEvent> { NotifyEvent.End }, n =>
        {
            n.Post(NotifyEvent.NewBest, Event("new_best"));
            n.Post(NotifyEvent.End, Event("end"));
        });

        Assert.Equal(["end"], received);
    }

    [Fact]
    public async Task Post_CommandFailsThenSucceeds_RetriedUntilDelivered()
    {
        var dir = Directory.CreateTempSubdirectory("homm-notify-").FullName;
        try
        {
            var flag = Path.Combine(dir, "tried");
            var file = Path.Combine(dir, "events.jsonl");
            // Fails the first time (and leaves a mark), succeeds the next.
            var script = $"if [ -e '{flag}' ]; then cat >> '{file}'; else touch '{flag}'; exit 1; fi";
            var notifier = new Notifier(new NotifyDefinition(["/bin/sh", "-c", script], null, NotifyDefinition.All.ToHashSet()) { Timeout = TimeSpan.FromSeconds(5) },
                NullLogger.Instance);

            notifier.Post(NotifyEvent.End, Event("end"));
            await notifier.DisposeAsync();

            Assert.Equal(1, notifier.Delivered);
            Assert.Contains("\"end\"", File.ReadAllText(file), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
