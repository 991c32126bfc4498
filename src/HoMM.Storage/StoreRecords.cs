using System.Text.Json;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Storage;

/// <summary>What a new study is made of. <see cref="ObjectiveMetric"/> names the reported metric
/// (e.g. "val/acc") whose intermediate values pruners see and whose final value ranks trials.</summary>
public sealed record NewStudy(
    string Name,
    StudyDirection Direction,
    string ObjectiveMetric,
    SearchSpaceDefinition SearchSpace,
    IReadOnlyDictionary<string, JsonElement>? UserAttrs = null,
    IReadOnlyDictionary<string, JsonElement>? SystemAttrs = null)
{
    public string Name { get; } = !string.IsNullOrWhiteSpace(Name)
        ? Name
        : throw new ArgumentException("a study needs a name", nameof(Name));

    public string ObjectiveMetric { get; } = !string.IsNullOrWhiteSpace(ObjectiveMetric)
        ? ObjectiveMetric
        : throw new ArgumentException("a study needs an objective metric (e.g. \"val/acc\")", nameof(ObjectiveMetric));

    private readonly IReadOnlyList<StudyObjective>? _objectives;

    /// <summary>
    /// Every objective, in the order a trial's values are stored; the first must be
    /// (<see cref="ObjectiveMetric"/>, <see cref="Direction"/>), which pruners and one-number
    /// views keep using. Unset: that one objective.
    /// </summary>
    public IReadOnlyList<StudyObjective> Objectives
    {
        get => _objectives ?? [new StudyObjective(ObjectiveMetric, Direction)];
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Count == 0 || value[0].Metric != ObjectiveMetric || value[0].Direction != Direction)
                throw new ArgumentException($"the first objective must be the study's ({ObjectiveMetric}, {Direction}), not {(value.Count == 0 ? "none" : value[0].ToString())}", nameof(Objectives));
            if (value.Select(o => o.Metric).Distinct(StringComparer.Ordinal).Count() != value.Count)
                throw new ArgumentException($"objectives name a metric twice: {string.Join(", ", value.Select(o => o.Metric))}", nameof(Objectives));
            _objectives = [.. value];
        }
    }

    /// <summary>A study with several objectives; the first is its <see cref="ObjectiveMetric"/> and <see cref="Direction"/>.</summary>
    public static NewStudy WithObjectives(string name, IReadOnlyList<StudyObjective> objectives, SearchSpaceDefinition searchSpace,
        IReadOnlyDictionary<string, JsonElement>? userAttrs = null, IReadOnlyDictionary<string, JsonElement>? systemAttrs = null)
    {
        ArgumentNullException.ThrowIfNull(objectives);
        if (objectives.Count == 0)
            throw new ArgumentException("a study has at least one objective", nameof(objectives));
        return new NewStudy(name, objectives[0].Direction, objectives[0].Metric, searchSpace, userAttrs, systemAttrs) { Objectives = objectives };
    }
}

/// <summary>One objective of a study: a metric the trainer reports (or an <c>info/…</c> value) and whether higher is better.</summary>
public sealed record StudyObjective(string Metric, StudyDirection Direction);

/// <summary>A stored study. <see cref="SearchSpaceFingerprint"/> is <see cref="Serialization.SearchSpaceJson.Fingerprint"/>
/// of the space it was created with.</summary>
public sealed record StudyRecord(
    long Id,
    string Name,
    StudyDirection Direction,
    string ObjectiveMetric,
    SearchSpaceDefinition SearchSpace,
    string SearchSpaceJson,
    string SearchSpaceFingerprint,
    DateTimeOffset Created)
{
    private readonly IReadOnlyList<StudyObjective>? _objectives;

    /// <summary>Every objective (one for a single-objective study: <see cref="ObjectiveMetric"/>, <see cref="Direction"/>).</summary>
    public IReadOnlyList<StudyObjective> Objectives
    {
        get => _objectives ?? [new StudyObjective(ObjectiveMetric, Direction)];
        init => _objectives = value;
    }

    /// <summary>One direction per objective, for samplers and <see cref="HoMM.Core.MultiObjective.ParetoFrontRule"/>.</summary>
    public IReadOnlyList<StudyDirection> Directions => [.. Objectives.Select(o => o.Direction)];

    public bool IsMultiObjective => Objectives.Count > 1;
}

/// <summary>A study with its trial counts and its best trial's value (<see cref="BestTrialRule"/>), for listings (<c>status</c>, the dashboard's first page).</summary>
public sealed record StudySummary(
    StudyRecord Study,
    IReadOnlyDictionary<TrialState, int> TrialCounts,
    double? BestValue)
{
    public int TotalTrials => TrialCounts.Values.Sum();
}

/// <summary>Which trials <see cref="ITrialStore.GetTrialsAsync"/> returns.</summary>
/// <param name="ChangedAfter">Only trials changed after this cursor (a <see cref="TrialPage.Cursor"/> from an
/// earlier call; 0 = all). This is the dashboard's <c>?after=N</c>.</param>
/// <param name="States">Only trials in these states (null = all).</param>
/// <param name="IntermediateValues">Whether to load <see cref="FrozenTrial.IntermediateValues"/> (empty when false).</param>
/// <param name="Metric">The metric whose values fill <see cref="FrozenTrial.IntermediateValues"/>
/// (null = the study's objective metric).</param>
public sealed record TrialQuery(
    long ChangedAfter = 0,
    IReadOnlySet<TrialState>? States = null,
    bool IntermediateValues = true,
    string? Metric = null);

/// <summary>Trials in number order, and the cursor to pass as <see cref="TrialQuery.ChangedAfter"/> next time.</summary>
public sealed record TrialPage(IReadOnlyList<FrozenTrial> Trials, long Cursor)
{
    /// <summary>With <see cref="TrialQuery.ChangedAfter"/>: the numbers of the trials deleted since that cursor (a reader drops them); empty otherwise.</summary>
    public IReadOnlyList<int> DeletedNumbers { get; init; } = [];
}

/// <summary>A finished trial to add with <see cref="ITrialStore.ImportTrialsAsync"/>: parameters (external values) with
/// their distributions, the outcome, the learning curves and system attributes (e.g. <see cref="SystemAttrs.Imported"/>).</summary>
public sealed record ImportedTrial(
    IReadOnlyDictionary<string, object> Params,
    IReadOnlyDictionary<string, Distribution> Distributions,
    TrialState State,
    double? Value,
    string? Reason = null)
{
    public IReadOnlyList<IntermediateValue> IntermediateValues { get; init; } = [];

    /// <summary>
    /// Every objective's value, in the study's objective order: what a Complete trial of a
    /// multi-objective study needs (<see cref="Value"/> is then the first, or null). Null for a
    /// single objective, where <see cref="Value"/> is the value.
    /// </summary>
    public IReadOnlyList<double>? Values { get; init; }

    public IReadOnlyDictionary<string, JsonElement> SystemAttrs { get; init; } = new Dictionary<string, JsonElement>();

    public DateTimeOffset? Started { get; init; }

    public DateTimeOffset? Finished { get; init; }
}

/// <summary>One reported value of one metric at one step. NaN is a legitimate value (a diverged loss).</summary>
public sealed record IntermediateValue(long Step, string Metric, double Value, DateTimeOffset Reported);

/// <summary>Who and where a new attempt runs: the node (host name), the slot on it ("gpu0",
/// "cpu1"), the worker process, and the trainer's process id and group when already known.</summary>
public sealed record AttemptStart(string Node, string Slot, string? WorkerId = null, int? Pid = null, int? ProcessGroup = null);

/// <summary>One dispatch of a trial to a trainer process. <see cref="Number"/> counts from 1 per trial.
/// <see cref="Ended"/> is null while the attempt is open.</summary>
public sealed record TrialAttempt(
    long Id,
    long TrialId,
    int Number,
    string Node,
    string Slot,
    string? WorkerId,
    int? Pid,
    int? ProcessGroup,
    DateTimeOffset Started,
    DateTimeOffset? Ended,
    int? ExitCode,
    string? Reason);

/// <summary>What a worker says about itself in a heartbeat.</summary>
public sealed record WorkerInfo(string WorkerId, string Node, int Pid, int Slots, string? Info = null);

/// <summary>A worker as last heard of; times are the store's clock.</summary>
public sealed record WorkerHeartbeat(
    string WorkerId,
    string Node,
    int Pid,
    int Slots,
    string? Info,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen);

/// <summary>User attributes are the user's (notes, tags from the study file); system attributes
/// are ours (checkpoint path, log path, the study file's text).</summary>
public enum AttrScope
{
    User,
    System,
}

/// <summary>What <see cref="ITrialStore.TryClaimAsync"/> found.</summary>
/// <param name="Claimed">The caller owns the trial now (it is Running).</param>
/// <param name="State">The trial's state after the call.</param>
/// <param name="TookOver">Claimed a trial that was already Running: its previous owner's trainer may still run.</param>
/// <param name="Owner">Who holds the lease now (the caller when claimed; null for a finished trial).</param>
/// <param name="LeaseUntil">When that lease runs out unless renewed.</param>
public sealed record TrialClaim(bool Claimed, TrialState State, bool TookOver, string? Owner, DateTimeOffset? LeaseUntil);

/// <summary>A trial's lease: who runs it and until when; when a reconciler last queued it again.</summary>
public sealed record TrialLease(long TrialId, string? Owner, DateTimeOffset? LeaseUntil, DateTimeOffset? DispatchedAt);
