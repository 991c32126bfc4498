using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;
using HoMM.Dispatch.Logging;
using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Scheduling;
using HoMM.Dispatch.Slots;
using HoMM.Storage;
using HoMM.StudyFiles;
using Microsoft.Extensions.Logging;

namespace HoMM.Dispatch.Cluster;

/// <summary>
/// A node of a cluster (<c>homm-search worker</c>): runs trial attempts from the clustered queue
/// (<see cref="ClusterQueue"/>) on this machine's slots, for every study of the database that
/// has unfinished trials. Which node runs which attempt is Quartz's choice; each attempt runs on
/// one node at a time, and a dead node's attempts are recovered by a live one (the trial resumes
/// from its last checkpoint, see <see cref="TrialRunner"/>).
/// <para>
/// A study is run from the study file stored with it (<see cref="SystemAttrs.StudyFile"/>);
/// relative paths in it resolve against the folder it was read from, so that folder (and
/// <see cref="DispatchOptions.RunsDirectory"/>, where trials checkpoint) must be on storage every
/// node sees when trials should resume on another node.
/// </para>
/// </summary>
public sealed class ClusterWorker
{
    private readonly ITrialStore _store;
    private readonly DispatchOptions _options;
    private readonly SlotPool _slots;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<long, TrialScheduler> _serving = [];
    private readonly HashSet<long> _unusable = [];

    /// <param name="store">The cluster's PostgreSQL store.</param>
    /// <param name="options">This node's options; <see cref="DispatchOptions.JobStore"/> is the clustered queue,
    /// <see cref="DispatchOptions.Logger"/> receives what the operator should know.</param>
    /// <param name="slots">This node's slots (GPUs or CPU shares), shared by every study it serves.</param>
    public ClusterWorker(ITrialStore store, DispatchOptions options, IReadOnlyList<TrainerSlot> slots)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.JobStore.Clustered)
            throw new ArgumentException($"a cluster worker needs a clustered queue; {options.JobStore.Description} is not one", nameof(options));
        _store = store;
        _options = options;
        _slots = new SlotPool(slots);
        _log = options.Logger;
    }

    /// <summary>How often the worker looks for studies with unfinished trials.</summary>
    public TimeSpan StudyPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>This node's options.</summary>
    public DispatchOptions Options => _options;

    /// <summary>Serves the cluster until <paramref name="stop"/> is cancelled; then interrupts the
    /// running attempts (their trainers checkpoint) and hands them back to the cluster.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var time = _options.TimeProvider;
        var worker = new WorkerInfo(_options.WorkerId, _options.Node, Environment.ProcessId, _slots.Slots.Count, "cluster worker");
        long lastHeartbeat = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (lastHeartbeat == 0 || time.GetElapsedTime(lastHeartbeat) >= _options.HeartbeatInterval)
                {
                    await _store.HeartbeatAsync(worker, stop).ConfigureAwait(false);
                    lastHeartbeat = time.GetTimestamp();
                }
                await ServeNewStudiesAsync(stop).ConfigureAwait(false);
                try
                {
                    await Task.Delay(StudyPollInterval, time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                foreach (var scheduler in _serving.Values)
                    await scheduler.ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
            try
            {
                await _store.RemoveWorkerAsync(_options.WorkerId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Best effort: a stale heartbeat row only shows an old worker as silent.
                _log.WorkerNotRemoved(_options.WorkerId, e.Message, e);
            }
        }
    }

    /// <summary>
    /// The study's queue on this node, serving it from now on if it did not yet: its trials' jobs
    /// fire on this node's slots. A driver in this process queues its jobs here (Quartz allows one
    /// scheduler of a name per process, so the driver cannot build its own).
    /// </summary>
    public async Task<ITrialQueue> ServeAsync(StudyRecord study, StudyDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(definition);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_serving.TryGetValue(study.Id, out var serving))
                return serving;
            var runner = new TrialRunner(_store, study, definition, StudyDriver.CreatePruner(definition.Pruner), _slots,
                new StudyTrials(_store, study.Id), _options);
            var scheduler = await TrialScheduler.CreateAsync(_options.JobStore, study.Id, runner, _slots.Slots.Count,
                _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            _serving[study.Id] = scheduler;
            await scheduler.StartAsync(cancellationToken).ConfigureAwait(false);
            var counts = await _store.CountTrialsAsync(study.Id, cancellationToken).ConfigureAwait(false);
            _log.ServingStudy(study.Name, counts[TrialState.Waiting] + counts[TrialState.Running], _slots.Slots.Count, _options.Node);
            return scheduler;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ServeNewStudiesAsync(CancellationToken cancellationToken)
    {
        foreach (var summary in await _store.ListStudiesAsync(cancellationToken).ConfigureAwait(false))
        {
            var study = summary.Study;
            var unfinished = summary.TrialCounts[TrialState.Waiting] + summary.TrialCounts[TrialState.Running];
            if (unfinished == 0 || _unusable.Contains(study.Id))
                continue;
            bool known;
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                known = _serving.ContainsKey(study.Id);
            }
            finally
            {
                _gate.Release();
            }
            if (known)
                continue;
            if (await LoadDefinitionAsync(_store, study, _log, cancellationToken).ConfigureAwait(false) is not { } definition)
            {
                _unusable.Add(study.Id);
                continue;
            }
            await ServeAsync(study, definition, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The study file stored with the study, validated as <c>run</c> validated it; null (and a
    /// line in the log) when the study has none or it no longer validates.</summary>
    internal static async Task<StudyDefinition?> LoadDefinitionAsync(ITrialStore store, StudyRecord study, ILogger log, CancellationToken cancellationToken)
    {
        if (await store.GetStudyFileAsync(study.Id, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            log.StudyUnusable(study.Name, "it was not created from a study file, so this worker cannot run its trials (start it with homm-search run)");
            return null;
        }
        var result = StudyFile.ParseStored(stored.Text, stored.Path, study.Name, stored.Overrides);
        if (result.Definition is not { } definition)
        {
            log.StudyUnusable(study.Name, $"its stored study file does not validate here: {string.Join("; ", result.Errors.Select(e => e.ToString()))}");
            return null;
        }
        if (stored.Path is not null && definition.SourcePath is null)
            log.StudyUnusable(study.Name, $"its study file's folder ({Path.GetDirectoryName(stored.Path)}) is not visible on this node; relative paths resolve against the current directory");
        return definition;
    }
}
