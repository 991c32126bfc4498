using System.Text.Json;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Reports.Loading;
using HoMM.Reports.Plots;
using HoMM.Storage;

namespace HoMM.Dashboard.Api;

// What the API answers, as the pages read it (camelCase JSON). Times are Unix milliseconds, so
// the browser formats them in the user's zone; states use the report's names ("failed" for Fail).

public sealed record StateCounts(int Waiting, int Running, int Complete, int Pruned, int Failed, int Cancelled, int Paused = 0)
{
    public int Total => Waiting + Running + Complete + Pruned + Failed + Cancelled + Paused;
    public int Finished => Complete + Pruned + Failed;

    public static StateCounts From(IReadOnlyDictionary<TrialState, int> counts) => new(
        counts.GetValueOrDefault(TrialState.Waiting), counts.GetValueOrDefault(TrialState.Running),
        counts.GetValueOrDefault(TrialState.Complete), counts.GetValueOrDefault(TrialState.Pruned),
        counts.GetValueOrDefault(TrialState.Fail), counts.GetValueOrDefault(TrialState.Cancelled), counts.GetValueOrDefault(TrialState.Paused));
}

/// <summary>A row of the study list. <c>State</c> is "paused" (control/paused), "running" (a trial
/// runs), "waiting" (trials queued or paused at a rung, none running), "finished" (every trial finished) or "empty".</summary>
public sealed record StudyListItem(
    long Id, string Name, string Direction, string Objective, StateCounts Counts, double? Best, string State, bool Paused, long Created);

public sealed record ParameterInfo(
    string Name, string Kind, double? Low, double? High, bool Log, double? Step, IReadOnlyList<object>? Choices,
    string Description, string? WhenParent, IReadOnlyList<object>? WhenValues)
{
    public static ParameterInfo From(ParameterSpec spec) => spec.Distribution switch
    {
        FloatDistribution f => new(spec.Name, "float", f.Low, f.High, f.Log, f.Step, null, f.ToString(), spec.When?.Parent, spec.When?.Values),
        IntDistribution i => new(spec.Name, "int", i.Low, i.High, i.Log, i.Step, null, i.ToString(), spec.When?.Parent, spec.When?.Values),
        CategoricalDistribution c => new(spec.Name, "categorical", null, null, false, null, c.Choices, c.ToString(), spec.When?.Parent, spec.When?.Values),
        var d => new(spec.Name, d.GetType().Name, null, null, false, null, null, d.ToString(), spec.When?.Parent, spec.When?.Values),
    };
}

/// <summary>The study page's header: the study, its counts and best trial, its search space (for the
/// enqueue form), and the bytes its trial folders use on the dashboard's machine.</summary>
public sealed record StudyDetail(
    StudyListItem Summary,
    int? BestTrial,
    IReadOnlyList<ParameterInfo> SearchSpace,
    IReadOnlyDictionary<string, JsonElement> UserAttrs,
    bool ActionsAllowed,
    string? ActionsRefusal,
    long DiskBytes = 0);

/// <summary>A row of the trial table. <c>TestAcc</c> is the final line's <c>test/acc</c> (null until the
/// trial completed, or when its trainer reports none), shown beside the objective.</summary>
public sealed record TrialRow(
    int Number, long Id, string State, double? Value, long? Started, long? Finished,
    IReadOnlyDictionary<string, object> Params, string? Reason, double? TestAcc = null)
{
    public static TrialRow From(FrozenTrial t, double? testAccuracy = null) => new(
        t.Number, t.Id, PlotStyle.NameOf(t.State), t.Value is { } v && double.IsFinite(v) ? v : null,
        t.Started?.ToUnixTimeMilliseconds(), t.Finished?.ToUnixTimeMilliseconds(), t.Params, t.FailReason,
        testAccuracy is { } a && double.IsFinite(a) ? a : null);

    /// <summary>The rows of <paramref name="trials"/>, with the test accuracy of those that completed (one store read, only when one did).</summary>
    public static async Task<IReadOnlyList<TrialRow>> FromAsync(ITrialStore store, long studyId, IReadOnlyList<FrozenTrial> trials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(trials);
        if (!trials.Any(t => t.State == TrialState.Complete))
            return trials.Select(t => From(t)).ToList();
        var final = await StudyFinalMetrics.ReadAsync(store, studyId, cancellationToken);
        return trials.Select(t => From(t, final.TestAccuracy(t))).ToList();
    }
}

/// <summary>Trials changed since <c>?after=</c> (all when 0), the numbers of those deleted since it, and the cursor to ask with next.</summary>
public sealed record TrialsResponse(long Cursor, long Now, IReadOnlyList<TrialRow> Trials)
{
    public IReadOnlyList<int> Deleted { get; init; } = [];
}

public sealed record AttemptInfo(int Number, string Node, string Slot, int? Pid, long Started, long? Ended, int? ExitCode, string? Reason)
{
    public static AttemptInfo From(TrialAttempt a) => new(
        a.Number, a.Node, a.Slot, a.Pid, a.Started.ToUnixTimeMilliseconds(), a.Ended?.ToUnixTimeMilliseconds(), a.ExitCode, a.Reason);
}

public sealed record ParamValue(string Name, object Value, string Distribution);

public sealed record FileInfoItem(string Path, long Size, long Modified);

/// <summary>The trial page: everything the store knows about one trial (its notes apart, <see cref="HoMM.Storage.TrialNotes"/>), and what its folder holds.</summary>
public sealed record TrialDetail(
    TrialRow Trial,
    IReadOnlyList<ParamValue> Params,
    IReadOnlyList<string> Metrics,
    IReadOnlyList<AttemptInfo> Attempts,
    IReadOnlyDictionary<string, JsonElement> UserAttrs,
    IReadOnlyDictionary<string, JsonElement> SystemAttrs,
    string? TrialDir,
    IReadOnlyList<FileInfoItem> Files,
    CheckpointInfo? Checkpoint,
    bool StopRequested,
    long Now,
    JsonElement Figures,
    IReadOnlyList<string> Notes);

/// <summary>Two or more trials side by side: their details and one figure per metric with a line per trial.</summary>
public sealed record CompareResponse(IReadOnlyList<TrialDetail> Trials, IReadOnlyList<string> ParamNames, JsonElement Figures);

/// <summary>The newest checkpoint: the path the trainer reported (system attrs) or found in the trial's folder.</summary>
public sealed record CheckpointInfo(string Path, bool Exists, long? Size, long? Modified, long? Step, string Source);

public sealed record LogTail(string? Path, bool Exists, long Size, string Text, bool Truncated, string? Note);

public sealed record StopRequest(string? Reason);

public sealed record PauseRequest(bool Paused);

public sealed record EnqueueRequest(JsonElement Params);

public sealed record ActionResult(string Message, int? Trial = null);
