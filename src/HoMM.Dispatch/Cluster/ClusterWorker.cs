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
/// A node of a cluster (<c>homm-search worker</c>): a Hangfire server on the clustered queue
/// (<see cref="ClusterQueue"/>) with one worker per slot of this machine, running the trials of
/// every study of the database that has unfinished trials. Which node gets a job is Hangfire's
/// choice; which node runs a trial is the store's (its lease, see <see cref="TrialRunner"/>), and a
/// dead node's trials are queued again by a live node's reconciler once their leases run out (the
/// trial resumes from its last checkpoint).
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
    private readonly Dictionary<long, ITrialQueue> _serving = [];
    private readonly TrialQueue _queue;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, ITrialJobHandler> _handlers = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, byte> _unusable = new();

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
        _queue = TrialQueue.ForCluster(options.JobStore, _slots.Slots.Count, ResolveAsync);
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
        long lastHeartbeat = 0, lastStudies = 0;
        try
        {
            _queue.Start();
            while (!stop.IsCancellationRequested)
            {
                if (lastHeartbeat == 0 || time.GetElapsedTime(lastHeartbeat) >= _options.HeartbeatInterval)
                {
                    await _store.HeartbeatAsync(worker, stop).ConfigureAwait(false);
                    lastHeartbeat = time.GetTimestamp();
                }
                if (lastStudies == 0 || time.GetElapsedTime(lastStudies) >= StudyPollInterval)
                {
                    await ServeNewStudiesAsync(stop).ConfigureAwait(false);
                    lastStudies = time.GetTimestamp();
                }
                await ReconcileAsync(stop).ConfigureAwait(false);
                try
                {
                    await Task.Delay(_options.ReconcileInterval, time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            // Interrupts the running trials (their trainers checkpoint, their leases are handed
            // back, so other nodes resume them at once) and stops this node's Hangfire server.
            await _queue.ShutdownAsync().ConfigureAwait(false);
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

    /// <summary>Queues again, for every study served here, the trials whose lease ran out.</summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        List<KeyValuePair<long, ITrialQueue>> serving;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            serving = [.. _serving];
        }
        finally
        {
            _gate.Release();
        }
        foreach (var (studyId, queue) in serving)
            await LeaseReconciler.DispatchExpiredAsync(_store, studyId, queue, _options, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The handler of a study whose job reached this node before the study poll found it.</summary>
    private async Task<ITrialJobHandler?> ResolveAsync(long studyId, CancellationToken cancellationToken)
    {
        if (_unusable.ContainsKey(studyId) || await _store.GetStudyAsync(studyId, cancellationToken).ConfigureAwait(false) is not { } study)
            return null;
        if (await LoadDefinitionAsync(_store, study, _log, cancellationToken).ConfigureAwait(false) is not { } definition)
        {
            _unusable.TryAdd(studyId, 0);
            return null;
        }
        await ServeAsync(study, definition, cancellationToken).ConfigureAwait(false);
        return _handlers.TryGetValue(studyId, out var handler) ? handler : null;
    }

    /// <summary>
    /// The study's queue on this node, serving it from now on if it did not yet: its trials' jobs
    /// run on this node's slots. A driver in this process queues its jobs here.
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
            _queue.Serve(study.Id, runner);
            _handlers[study.Id] = runner;
            var queue = _queue.Study(study.Id);
            _serving[study.Id] = queue;
            var counts = await _store.CountTrialsAsync(study.Id, cancellationToken).ConfigureAwait(false);
            _log.ServingStudy(study.Name, counts[TrialState.Waiting] + counts[TrialState.Running], _slots.Slots.Count, _options.Node);
            return queue;
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
            if (unfinished == 0 || _unusable.ContainsKey(study.Id))
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
                _unusable.TryAdd(study.Id, 0);
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
