using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Scheduling;
using HoMM.StudyFiles.Constraints;
using HoMM.TrainerSettings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HoMM.Dispatch.Driver;

/// <summary>How a worker runs a study here: where trial folders go, what it is called, how it is tuned.</summary>
public sealed record DispatchOptions
{
    /// <summary>The queue (Hangfire storage) of the study's trial jobs.</summary>
    public required JobStoreOptions JobStore { get; init; }

    /// <summary>Parent folder of the trial folders: a trial's folder is <c>&lt;RunsDirectory&gt;/&lt;study&gt;/trial-&lt;number&gt;</c>.</summary>
    public required string RunsDirectory { get; init; }

    /// <summary>The built-in trainer's executable (homm-train); needed only by studies that use it.</summary>
    public string? HommTrainExecutable { get; init; }

    /// <summary>
    /// Counts a built-in trainer's model for the <c>max_params</c> / <c>max_flops</c> constraints
    /// (HoMM.TrainerSettings' HommComplexity, wired by the CLI). A study with those limits and no counter is refused.
    /// </summary>
    public Func<HommTrainerSettings, ModelSize>? ModelSize { get; init; }

    /// <summary>This machine's name, recorded with each attempt (a stale trainer is killed only on its own node).</summary>
    public string Node { get; init; } = Environment.MachineName;

    /// <summary>This worker's id in the heartbeat table.</summary>
    public string WorkerId { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>CPU cores to share between CPU slots.</summary>
    public int ProcessorCount { get; init; } = Environment.ProcessorCount;

    /// <summary>Lists this machine's GPUs for <c>gpus: auto</c> and <c>trials_per_gpu: auto</c>; null: nvidia-smi (<see cref="Slots.GpuInventory"/>).</summary>
    public Func<IReadOnlyList<Slots.GpuInfo>>? DetectGpus { get; init; }

    /// <summary>
    /// The model a built-in trainer's settings describe (classes counted where the data is), for
    /// <c>trials_per_gpu: auto</c>'s memory estimate; wired by the CLI. Null: auto is refused.
    /// </summary>
    public Func<HommTrainerSettings, HommShape>? ModelShape { get; init; }

    /// <summary>How often the driver and the running attempts look for dashboard actions (pause, stop a trial).</summary>
    public TimeSpan ControlPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// True (the default): the driver's process also runs trials, on <see cref="JobStore"/>'s queue.
    /// False (a clustered store, <c>run --no-local-worker</c>): it only queues them for the
    /// cluster's workers (<see cref="Cluster.ClusterWorker"/>).
    /// </summary>
    public bool LocalWorker { get; init; } = true;

    /// <summary>
    /// How long a trial's lease lasts without a renewal: after a dispatcher dies or stalls this
    /// long, another one may take its trial over (at once, on the same node, when its process is gone).
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>How often a running trial's lease is renewed (its heartbeat); also how soon a trial
    /// finished elsewhere (a user's cancel) reaches its trainer.</summary>
    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a host queues again the trials whose lease ran out (<see cref="Scheduling.LeaseReconciler"/>).</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the worker records that it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Stop escalation and output limits of trainer processes.</summary>
    public AttemptRunnerOptions Runner { get; init; } = new();

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The run's log: what the dispatcher could not do and what it decided on its own (a trial
    /// refused, a dispatcher error, the study stopped after repeated failures), each entry naming
    /// the trial. <c>run</c> writes it to <c>&lt;runs&gt;/&lt;study&gt;/run.log</c>, a worker to its output.
    /// </summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
