using System.Globalization;
using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;
using HoMM.Storage;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace HoMM.Cli.Run;

/// <summary>One look at a running study, read from the store (the truth, whoever writes it).</summary>
internal sealed record ProgressSnapshot(
    int Complete, int Pruned, int Failed, int Running, int Waiting,
    FrozenTrial? Best, IReadOnlyList<(FrozenTrial Trial, string Slot)> RunningTrials,
    TimeSpan Elapsed, TimeSpan? Eta, DriverState State)
{
    public int Finished => Complete + Pruned + Failed;

    /// <summary>Trials paused at a rung (pruner mode: promote), waiting to be promoted.</summary>
    public int Paused { get; init; }
}

/// <summary>
/// Shows a study's progress while it runs: a live Spectre.Console table on a terminal, plain lines
/// (one when something changed, at most every 2 s, and one every 30 s regardless) otherwise.
/// </summary>
internal sealed class RunProgress(ITrialStore store, StudyRecord study, int? maxTrials, TimeSpan? timeout, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private int _finishedAtStart = -1;

    public async Task<ProgressSnapshot> ReadAsync(DriverState state, CancellationToken cancellationToken)
    {
        var counts = await store.CountTrialsAsync(study.Id, cancellationToken);
        var best = await store.GetBestTrialAsync(study.Id, cancellationToken);
        var running = (await store.GetTrialsAsync(study.Id, new TrialQuery(States: new HashSet<TrialState> { TrialState.Running }), cancellationToken)).Trials;
        var withSlots = new List<(FrozenTrial, string)>();
        foreach (var t in running)
        {
            var attrs = await store.GetTrialAttrsAsync(t.Id, AttrScope.System, cancellationToken);
            withSlots.Add((t, attrs.TryGetValue(SystemAttrs.Slot, out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "-"));
        }
        // As the driver counts the budget: imported trials ran elsewhere.
        var imported = (await store.GetTrialAttrOfStudyAsync(study.Id, AttrScope.System, SystemAttrs.Imported, cancellationToken)).Count;
        var finished = counts[TrialState.Complete] + counts[TrialState.Pruned] + counts[TrialState.Fail] - imported;
        if (_finishedAtStart < 0)
            _finishedAtStart = finished;
        var elapsed = time.GetElapsedTime(_started);
        TimeSpan? eta = null;
        var doneHere = finished - _finishedAtStart;
        if (maxTrials is { } m && doneHere > 0)
            eta = elapsed / doneHere * Math.Max(0, m - finished);
        if (timeout is { } limit && (eta is null || elapsed + eta > limit))
            eta = limit > elapsed ? limit - elapsed : TimeSpan.Zero;
        return new ProgressSnapshot(counts[TrialState.Complete], counts[TrialState.Pruned], counts[TrialState.Fail],
            counts[TrialState.Running], counts[TrialState.Waiting], best, withSlots, elapsed, eta, state)
        {
            Paused = counts[TrialState.Paused],
        };
    }

    public string Line(ProgressSnapshot p)
    {
        var total = maxTrials is { } m ? string.Create(CultureInfo.InvariantCulture, $"/{m}") : "";
        var best = p.Best is { Value: { } v } b
            ? string.Create(CultureInfo.InvariantCulture, $"best {study.ObjectiveMetric} {ReadableNumber.Format(v)} (trial {b.Number})")
            : "no result yet";
        var eta = p.Eta is { } e ? $", ETA {Format(e)}" : "";
        var paused = p.State.Paused ? " [paused]" : "";
        // Nothing running is never left unexplained: the driver says why (paused, no feasible
        // proposal, waiting for a cluster worker, the budget is spent...).
        var idle = p.Running == 0 && p.State.Note is { } why ? $" ({why})" : "";
        var pausedTrials = p.Paused > 0 ? string.Create(CultureInfo.InvariantCulture, $", {p.Paused} paused at a rung") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"[{Format(p.Elapsed)}] {p.Finished}{total} done ({p.Complete} complete, {p.Pruned} pruned, {p.Failed} failed), {p.Running} running{idle}{pausedTrials}, {best}{eta}{paused}");
    }

    public IRenderable Render(ProgressSnapshot p)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.Title = new TableTitle($"[bold]{Markup.Escape(study.Name)}[/]  {Markup.Escape(Line(p))}");
        table.AddColumn("trial");
        table.AddColumn("slot");
        table.AddColumn("step");
        table.AddColumn(Markup.Escape(study.ObjectiveMetric));
        table.AddColumn("parameters");
        foreach (var (t, slot) in p.RunningTrials)
        {
            var last = t.LastStep is { } s ? ReadableNumber.Format(t.IntermediateValues[s]) : "-";
            table.AddRow(
                t.Number.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(slot),
                t.LastStep?.ToString(CultureInfo.InvariantCulture) ?? "-",
                last,
                Markup.Escape(string.Join(", ", t.Params.Select(kv => $"{kv.Key}={ReadableNumber.Format(kv.Value)}"))));
        }
        if (p.RunningTrials.Count == 0)
            table.AddRow("-", "-", "-", "-", Markup.Escape(p.State.Note ?? "starting..."));
        return table;
    }

    internal static string Format(TimeSpan t) =>
        t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes:00}:{t.Seconds:00}");
}
