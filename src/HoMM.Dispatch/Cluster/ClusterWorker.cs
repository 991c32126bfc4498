using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;
using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Scheduling;
using HoMM.Dispatch.Slots;
using HoMM.Storage;
using HoMM.StudyFiles;

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
    private readonly Action<string> _log;
    private readonly Dictionary<long, TrialScheduler> _serving = [];
    private readonly HashSet<long> _unusable = [];

    /// <param name="store">The cluster's PostgreSQL store.</param>
    /// <param name="options">This node's options; <see cref="DispatchOptions.JobStore"/> is the clustered queue.</param>
    /// <param name="slots">This node's slots (GPUs or CPU shares), shared by every study it serves.</param>
    /// <param name="log">Receives one line per event worth telling the operator.</param>
    public ClusterWorker(ITrialStore store, DispatchOptions options, IReadOnlyList<TrainerSlot> slots, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.JobStore.Clustered)
            throw new ArgumentException($"a cluster worker needs a clustered queue; {options.JobStore.Description} is not one", nameof(options));
        _store = store;
        _options = options;
        _slots = new SlotPool(slots);
        _log = log ?? (_ => { });
    }

    /// <summary>How often the worker looks for studies with unfinished trials.</summary>
    public TimeSpan StudyPollInterval { get; init; } = TimeSpan.FromSeconds(2);

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
            foreach (var scheduler in _serving.Values)
                await scheduler.ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await _store.RemoveWorkerAsync(_options.WorkerId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Best effort: a stale heartbeat row only shows an old worker as silent.
            }
        }
    }

    private async Task ServeNewStudiesAsync(CancellationToken cancellationToken)
    {
        foreach (var summary in await _store.ListStudiesAsync(cancellationToken).ConfigureAwait(false))
        {
            var study = summary.Study;
            var unfinished = summary.TrialCounts[TrialState.Waiting] + summary.TrialCounts[TrialState.Running];
            if (unfinished == 0 || _serving.ContainsKey(study.Id) || _unusable.Contains(study.Id))
                continue;
            if (await LoadDefinitionAsync(study, cancellationToken).ConfigureAwait(false) is not { } definition)
            {
                _unusable.Add(study.Id);
                continue;
            }
            var runner = new TrialRunner(_store, study, definition, StudyDriver.CreatePruner(definition.Pruner), _slots,
                new StudyTrials(_store, study.Id), _options);
            var scheduler = await TrialScheduler.CreateAsync(_options.JobStore, study.Id, runner, _slots.Slots.Count,
                _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            _serving[study.Id] = scheduler;
            await scheduler.StartAsync(cancellationToken).ConfigureAwait(false);
            _log($"serving study '{study.Name}' ({unfinished} unfinished trials) on {_slots.Slots.Count} slots as node {_options.Node}");
        }
    }

    /// <summary>The study file stored with the study, validated as <c>run</c> validated it; null (and a
    /// line in the log) when the study has none or it no longer validates.</summary>
    private async Task<StudyDefinition?> LoadDefinitionAsync(StudyRecord study, CancellationToken cancellationToken)
    {
        var attrs = await _store.GetStudyAttrsAsync(study.Id, AttrScope.System, cancellationToken).ConfigureAwait(false);
        if (!attrs.TryGetValue(SystemAttrs.StudyFile, out var text) || text.ValueKind != JsonValueKind.String)
        {
            _log($"study '{study.Name}' was not created from a study file, so this worker cannot run its trials (start it with homm-search run)");
            return null;
        }
        var path = attrs.TryGetValue(SystemAttrs.StudyFilePath, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var result = StudyFile.Parse(text.GetString()!, path ?? $"<study {study.Name}>");
        if (result.Definition is not { } definition)
        {
            _log($"study '{study.Name}': its stored study file does not validate here: {string.Join("; ", result.Errors.Select(e => e.ToString()))}");
            return null;
        }
        if (path is not null && !File.Exists(path))
            _log($"study '{study.Name}': its study file's folder ({Path.GetDirectoryName(path)}) is not visible on this node; relative paths resolve against the current directory");
        return definition with { SourcePath = path is not null && File.Exists(path) ? path : null };
    }
}
