using HoMM.Dispatch.Driver;
using HoMM.Dispatch.Logging;
using HoMM.Storage;
using Microsoft.Extensions.Logging;

namespace HoMM.Dispatch.Cluster;

/// <summary>
/// Keeps the cluster's studies driven when the process that drove one dies: a study whose
/// <see cref="SystemAttrs.ClusterDriving"/> is still true but whose lease nobody holds lost its
/// <c>homm-search run</c> (kill -9, a host lost). This worker then drives it in its own process,
/// with the driver <see cref="DriverFactory"/> builds for <c>run</c>, queueing jobs into the
/// worker's own scheduler of the study (<see cref="ClusterWorker.ServeAsync"/>). Several workers
/// may try at once: the lease lets one driver through. The driver's log is the study's run log.
/// </summary>
public sealed class DriverTakeover(ITrialStore store, string connection, ClusterWorker worker)
{
    private readonly Dictionary<long, Task> _driving = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, bool> _given = new();
    private readonly ILogger _log = worker.Options.Logger;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Looks for orphaned studies until <paramref name="stop"/>; then stops the drivers it
    /// started (their studies still want a driver, so another worker takes them over).</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                _log.TakeoverCheckFailed($"{e.GetType().Name}: {e.Message}", e);
            }
            try
            {
                await Task.Delay(PollInterval, worker.Options.TimeProvider, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await Task.WhenAll(_driving.Values).ConfigureAwait(false);
    }

    private async Task CheckAsync(CancellationToken stop)
    {
        foreach (var summary in await store.ListStudiesAsync(stop).ConfigureAwait(false))
        {
            var study = summary.Study;
            if (_driving.TryGetValue(study.Id, out var running) && !running.IsCompleted)
                continue;
            // A driver that failed here would fail again: it said so once, the study is left alone.
            if (_given.ContainsKey(study.Id) || !await DriverLease.WantsDriverAsync(store, study.Id, stop).ConfigureAwait(false))
                continue;
            if (await ClusterWorker.LoadDefinitionAsync(store, study, _log, stop).ConfigureAwait(false) is not { } definition)
            {
                _given[study.Id] = true;
                continue;
            }
            var queue = await worker.ServeAsync(study, definition, stop).ConfigureAwait(false);
            DrivenStudy driven;
            try
            {
                driven = await DriverFactory.OpenAsync(store, study, definition, worker.Options with { LocalWorker = false, WorkerId = $"{worker.Options.WorkerId}/driver:{study.Name}" },
                    new DriverPlacement { ClusterConnection = connection, Queue = queue, StopEndsDriving = false }, stop).ConfigureAwait(false);
            }
            catch (DriverSetupException e) when (e.Problem == DriverSetupProblem.AlreadyDriven)
            {
                continue;
            }
            catch (DriverSetupException e)
            {
                _given[study.Id] = true;
                _log.TakeoverFailed(study.Name, e.Message, null);
                continue;
            }
            _log.TakingOver(study.Name, $"in this worker's process; its log: {driven.LogPath}");
            _driving[study.Id] = DriveAsync(driven, stop);
        }
    }

    private async Task DriveAsync(DrivenStudy driven, CancellationToken stop)
    {
        await using (driven.ConfigureAwait(false))
        {
            try
            {
                var end = await driven.RunAsync(stop).ConfigureAwait(false);
                var why = end is DriverEnd.TooManyFailures or DriverEnd.DiskFull ? $"{StudyDriver.Describe(end)}: {driven.Driver.FailureReason}" : StudyDriver.Describe(end);
                _log.TakeoverEnded(driven.Study.Name, why);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _given[driven.Study.Id] = true;
                _log.TakeoverFailed(driven.Study.Name, $"{e.GetType().Name}: {e.Message}", e);
            }
        }
    }
}
