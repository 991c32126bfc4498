using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.StudyFiles.Algorithms;
using HoMM.StudyFiles.Constraints;
using HoMM.StudyFiles.Trainer;

namespace HoMM.StudyFiles;

/// <summary>
/// A validated study file: everything needed to create or resume a study and run its trials.
/// Built only by <see cref="StudyFile"/>; every value in it has passed validation.
/// </summary>
public sealed record StudyDefinition(
    string Name,
    string? Description,
    ObjectiveDefinition Objective,
    SearchSpaceDefinition SearchSpace,
    StudyConstraints Constraints,
    SamplerDefinition Sampler,
    PrunerDefinition Pruner,
    BudgetDefinition Budget,
    TrainerDefinition Trainer,
    ResourcesDefinition Resources,
    IReadOnlyList<IReadOnlyDictionary<string, object>> EnqueuedTrials)
{
    /// <summary>The version of the study-file format; only 1 exists.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The file it was read from (full path), or null when parsed from text.</summary>
    public string? SourcePath { get; init; }

    /// <summary>
    /// The <c>--set</c> overrides (<c>key.path=value</c>, in order) applied to the file before it was
    /// validated; this definition includes them. Whoever reads the file again (a cluster worker, a
    /// driver taking the study over) must apply the same ones.
    /// </summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    private readonly IReadOnlyList<ObjectiveDefinition>? _objectives;

    /// <summary>
    /// Every objective (<c>objectives:</c>), in order; <see cref="Objective"/> is the first, the
    /// one pruners see. A file with <c>objective:</c> has just that one.
    /// </summary>
    public IReadOnlyList<ObjectiveDefinition> Objectives
    {
        get => _objectives ?? [Objective];
        init => _objectives = value;
    }

    /// <summary>True with more than one objective: samplers rank by Pareto fronts.</summary>
    public bool IsMultiObjective => Objectives.Count > 1;

    /// <summary>Which trials' checkpoints are kept once nothing can resume them (<c>checkpoints.keep</c>).</summary>
    public CheckpointRetention Checkpoints { get; init; } = CheckpointRetention.All;

    /// <summary>Where events of the run go (<c>notify:</c>); null when the file has no such section.</summary>
    public Notify.NotifyDefinition? Notify { get; init; }
}

/// <summary>What <see cref="CheckpointRetention"/> keeps.</summary>
public enum CheckpointKeep
{
    /// <summary>Every checkpoint (the default: nothing is deleted).</summary>
    All,

    /// <summary>Those of the best <see cref="CheckpointRetention.Best"/> complete trials.</summary>
    Best,

    /// <summary>None of a finished trial.</summary>
    None,
}

/// <summary>
/// <c>checkpoints: {keep: best-N | all | none}</c>: the checkpoints of finished trials that stay on
/// disk. A waiting or running trial's checkpoint is never deleted, whatever the policy: it is what
/// the trial resumes from.
/// </summary>
public sealed record CheckpointRetention(CheckpointKeep Keep, int Best)
{
    public static CheckpointRetention All { get; } = new(CheckpointKeep.All, 0);

    /// <summary>Reads <c>all</c>, <c>none</c> or <c>best-N</c> (N ≥ 1); otherwise says what is allowed.</summary>
    public static bool TryParse(string text, out CheckpointRetention? retention, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        retention = null;
        error = "";
        switch (text)
        {
            case "all":
                retention = All;
                return true;
            case "none":
                retention = new CheckpointRetention(CheckpointKeep.None, 0);
                return true;
        }
        if (text.StartsWith("best-", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1)
        {
            retention = new CheckpointRetention(CheckpointKeep.Best, n);
            return true;
        }
        error = $"keep must be best-N (N ≥ 1: the checkpoints of the N best complete trials), all or none, not '{text}'";
        return false;
    }

    public override string ToString() => Keep switch
    {
        CheckpointKeep.Best => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"best-{Best}"),
        CheckpointKeep.None => "none",
        _ => "all",
    };
}

/// <summary>
/// The metric a trial reports (e.g. <c>val/acc</c>) or one of the trainer's info values
/// (<c>info/flops</c>, <see cref="InfoObjectives"/>), and whether higher is better.
/// </summary>
public sealed record ObjectiveDefinition(string Metric, StudyDirection Direction)
{
    /// <summary>The prefix of an objective read from the trainer's info line rather than its metrics.</summary>
    public const string InfoPrefix = "info/";

    /// <summary>Info values an objective may name: facts homm-train reports (and a command trainer may, in an info line).</summary>
    public static readonly IReadOnlyList<string> InfoObjectives = ["info/flops", "info/params", "info/ms_per_step", "info/peak_memory"];

    /// <summary>True for an <c>info/…</c> objective: it has no intermediate values, so no pruner can judge it.</summary>
    public bool IsInfo => Metric.StartsWith(InfoPrefix, StringComparison.Ordinal);
}

/// <summary>
/// When the study stops: after <see cref="MaxTrials"/> finished trials or after <see cref="Timeout"/>
/// of wall time, whichever comes first (at least one is set). <see cref="MaxParallel"/> trials run at
/// a time; null means one per slot of <see cref="ResourcesDefinition"/>. <see cref="TrialTimeout"/>
/// limits each attempt of a trial (null: no limit); <see cref="Retries"/> is how many times a crashed
/// attempt is retried, resuming from the trial's last checkpoint. <see cref="MaxConsecutiveFailures"/>
/// failures in a row with the same reason stop the study (null: never).
/// </summary>
public sealed record BudgetDefinition(int? MaxTrials, int? MaxParallel, TimeSpan? Timeout)
{
    /// <summary>A crashed attempt is retried once unless the study says otherwise.</summary>
    public const int DefaultRetries = 1;

    /// <summary>Five identical failures in a row say the trainer or the study is broken, not the parameters.</summary>
    public const int DefaultMaxConsecutiveFailures = 5;

    public TimeSpan? TrialTimeout { get; init; }

    public int Retries { get; init; } = DefaultRetries;

    public int? MaxConsecutiveFailures { get; init; } = DefaultMaxConsecutiveFailures;
}

/// <summary>
/// Where trials run. With GPUs, <see cref="TrialsPerGpu"/> slots per GPU (<see cref="GpuIds"/>, or
/// every GPU found when <see cref="DetectGpus"/>); otherwise <see cref="CpuSlots"/> slots that share
/// the CPU cores.
/// </summary>
public sealed record ResourcesDefinition(IReadOnlyList<int> GpuIds, bool DetectGpus, int CpuSlots)
{
    /// <summary>The most trials one GPU runs at once (<c>resources.trials_per_gpu</c>).</summary>
    public const int MaxTrialsPerGpu = 64;

    public static ResourcesDefinition Default { get; } = new([], false, 1);

    /// <summary>Trials that share each GPU (each its own slot and process, the same <c>CUDA_VISIBLE_DEVICES</c>); 1 by default.</summary>
    public int TrialsPerGpu { get; init; } = 1;

    /// <summary>
    /// <c>trials_per_gpu: auto</c>: each GPU gets as many slots as copies of the study's largest
    /// trial fit into its free memory (the dispatcher's slot planner; <see cref="TrialsPerGpu"/> is 1).
    /// </summary>
    public bool AutoTrialsPerGpu { get; init; }

    public bool UsesGpus => DetectGpus || GpuIds.Count > 0;
}
