using System.Text.Json;
using System.Text.Json.Nodes;
using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;
using HoMM.Storage;
using HoMM.StudyFiles.Notify;

namespace HoMM.Dispatch.Notifications;

/// <summary>
/// Turns what the store says about a running study into notification events: a new best, a failed
/// trial, a study stuck (nothing running for <see cref="NotifyDefinition.StuckAfter"/> while the
/// budget remains and it is not paused), the end of the run. It reads only the trials changed
/// since its last look (the store's change cursor), so it can look every couple of seconds.
/// What happened before the run started (an earlier best, old failures) is not announced again.
/// </summary>
public sealed class StudyWatch
{
    private readonly ITrialStore store;
    private readonly StudyRecord study;
    private readonly Notifier notifier;
    private readonly NotifyDefinition definition;
    private readonly TimeProvider time;
    private readonly HashSet<int> failedSeen = [];
    private long cursor;
    private FrozenTrial? best;
    private long? idleSince;
    private bool stuckSent;

    private StudyWatch(ITrialStore store, StudyRecord study, Notifier notifier, NotifyDefinition definition, TimeProvider time)
    {
        this.store = store;
        this.study = study;
        this.notifier = notifier;
        this.definition = definition;
        this.time = time;
    }

    /// <summary>Starts watching from the study's present state (nothing is announced for it).</summary>
    public static async Task<StudyWatch> StartAsync(ITrialStore store, StudyRecord study, Notifier notifier, NotifyDefinition definition,
        TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(study);
        var watch = new StudyWatch(store, study, notifier, definition, time);
        var page = await store.GetTrialsAsync(study.Id, new TrialQuery(IntermediateValues: false), cancellationToken);
        watch.cursor = page.Cursor;
        watch.best = BestTrialRule.Of(page.Trials, study.Direction);
        foreach (var t in page.Trials.Where(t => t.State == TrialState.Fail))
            watch.failedSeen.Add(t.Number);
        return watch;
    }

    /// <summary>Reads what changed and queues its events; <paramref name="state"/> is the driver's, to tell stuck from paused.</summary>
    public async Task LookAsync(DriverState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var page = await store.GetTrialsAsync(study.Id, new TrialQuery(cursor, IntermediateValues: false), cancellationToken);
        cursor = page.Cursor;
        var counts = await store.CountTrialsAsync(study.Id, cancellationToken);
        // In the order they finished, so each improvement is announced against the one before it.
        foreach (var t in page.Trials.Where(t => t.State.IsFinished()).OrderBy(t => t.Finished ?? DateTimeOffset.MaxValue).ThenBy(t => t.Number))
        {
            if (t.State == TrialState.Fail && failedSeen.Add(t.Number))
                notifier.Post(NotifyEvent.TrialFailed, Event(NotifyEvent.TrialFailed, counts, t));
            if (BestTrialRule.IsRanked(t) && (best is null || study.Direction.IsBetter(t.Value!.Value, best.Value!.Value)))
            {
                var payload = Event(NotifyEvent.NewBest, counts, t);
                payload["previous_best"] = best is null ? null : TrialJson(best);
                best = t;
                notifier.Post(NotifyEvent.NewBest, payload);
            }
        }

        // Stuck: nothing running (and nothing paused on purpose) for stuck_after.
        if (counts[TrialState.Running] > 0 || state.Paused)
        {
            idleSince = null;
            stuckSent = false;
        }
        else
        {
            idleSince ??= time.GetTimestamp();
            var idle = time.GetElapsedTime(idleSince.Value);
            if (!stuckSent && idle >= definition.StuckAfter)
            {
                var payload = Event(NotifyEvent.Stuck, counts, null);
                payload["idle_seconds"] = Math.Round(idle.TotalSeconds);
                payload["note"] = state.Note;
                notifier.Post(NotifyEvent.Stuck, payload);
                stuckSent = true;
            }
        }
    }

    /// <summary>Queues the end event (after a last look, so a final best or failure comes first).</summary>
    public async Task EndAsync(DriverEnd end, DriverState state, CancellationToken cancellationToken = default)
    {
        await LookAsync(state, cancellationToken);
        var counts = await store.CountTrialsAsync(study.Id, cancellationToken);
        var payload = Event(NotifyEvent.End, counts, null);
        payload["outcome"] = OutcomeName(end);
        payload["message"] = StudyDriver.Describe(end);
        payload["best"] = best is null ? null : TrialJson(best);
        notifier.Post(NotifyEvent.End, payload);
    }

    /// <summary>The end's <c>outcome</c> field: <c>budget_spent</c>, <c>timed_out</c>, <c>exhausted</c>, <c>stopped</c>, <c>too_many_failures</c>, <c>no_feasible_proposal</c>, <c>disk_full</c>.</summary>
    public static string OutcomeName(DriverEnd end) => end switch
    {
        DriverEnd.BudgetSpent => "budget_spent",
        DriverEnd.TimedOut => "timed_out",
        DriverEnd.SearchSpaceExhausted => "exhausted",
        DriverEnd.Stopped => "stopped",
        DriverEnd.TooManyFailures => "too_many_failures",
        DriverEnd.NoFeasibleProposal => "no_feasible_proposal",
        DriverEnd.DiskFull => "disk_full",
        _ => end.ToString().ToLowerInvariant(),
    };

    private JsonObject Event(NotifyEvent kind, IReadOnlyDictionary<TrialState, int> counts, FrozenTrial? trial) => new()
    {
        ["event"] = NotifyDefinition.NameOf(kind),
        ["study"] = study.Name,
        ["objective"] = study.ObjectiveMetric,
        ["direction"] = study.Direction == StudyDirection.Maximize ? "maximize" : "minimize",
        ["time"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["trial"] = trial is null ? null : TrialJson(trial),
        ["counts"] = new JsonObject
        {
            ["complete"] = counts[TrialState.Complete],
            ["pruned"] = counts[TrialState.Pruned],
            ["failed"] = counts[TrialState.Fail],
            ["running"] = counts[TrialState.Running],
            ["waiting"] = counts[TrialState.Waiting],
        },
    };

    private static JsonObject TrialJson(FrozenTrial t)
    {
        var parameters = new JsonObject();
        foreach (var (name, value) in t.Params)
            parameters[name] = JsonSerializer.SerializeToNode(value);
        return new JsonObject
        {
            ["number"] = t.Number,
            ["state"] = t.State.Name(),
            ["value"] = t.Value is { } v && double.IsFinite(v) ? v : null,
            ["params"] = parameters,
            ["reason"] = t.FailReason,
        };
    }
}
