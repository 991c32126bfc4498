using HoMM.Dispatch.Cluster;
using HoMM.Dispatch.Logging;
using HoMM.Dispatch.Scheduling;
using HoMM.Dispatch.Slots;
using HoMM.Storage;
using HoMM.StudyFiles;
using Microsoft.Extensions.Logging;

namespace HoMM.Dispatch.Driver;

/// <summary>Where a driver runs relative to a cluster, beyond the machine's <see cref="DispatchOptions"/>.</summary>
public sealed record DriverPlacement
{
    /// <summary>One machine, one process: no cluster lease (the study's lock on the database file keeps a second driver off).</summary>
    public static DriverPlacement SingleHost { get; } = new();

    /// <summary>
    /// The PostgreSQL database of a cluster: the driver holds the study's <see cref="DriverLease"/>
    /// (one driver per study in the cluster) and its <see cref="SystemAttrs.ClusterDriving"/> says the
    /// study wants a driver while it runs, so a worker takes it over after a kill.
    /// </summary>
    public string? ClusterConnection { get; init; }

    /// <summary>
    /// A queue of the study the caller owns (a worker's view of the cluster queue): the driver adds
    /// jobs to it rather than opening a queue of its own — the worker already runs this node's
    /// Hangfire server, and its trial runner is the one that serves the study on this node.
    /// </summary>
    public ITrialQueue? Queue { get; init; }

    /// <summary>
    /// Whether a stop of the driver (Ctrl-C of <c>run</c>) also ends the study's wish for a driver.
    /// False for a worker that took the study over: when that worker stops, another one takes over.
    /// </summary>
    public bool StopEndsDriving { get; init; } = true;
}

/// <summary>What keeps a driver from being set up here.</summary>
public enum DriverSetupProblem
{
    /// <summary>This machine lacks something (a slot plan, the model counter, homm-train).</summary>
    CannotRun,

    /// <summary>Another process drives the study (it holds the study's cluster lease).</summary>
    AlreadyDriven,
}

/// <summary>A driver cannot be set up here; the message says why and what to do.</summary>
public sealed class DriverSetupException(DriverSetupProblem problem, string message, Exception? innerException = null)
    : InvalidOperationException(message, innerException)
{
    public DriverSetupProblem Problem { get; } = problem;
}

/// <summary>
/// The one way a study's driver is built, for <c>homm-search run</c> and for a worker that takes an
/// orphaned study over: the run's log (<c>&lt;runs&gt;/&lt;study&gt;/run.log</c>), the cluster lease
/// when there is a cluster, and the <see cref="StudyDriver"/> itself.
/// </summary>
public static class DriverFactory
{
    /// <summary>The file name of a study's run log, in its folder under the runs directory.</summary>
    public const string LogFileName = "run.log";

    /// <summary>The run log of <paramref name="studyName"/> under <paramref name="runsDirectory"/>.</summary>
    public static string LogPath(string runsDirectory, string studyName) => Path.Combine(runsDirectory, studyName, LogFileName);

    /// <exception cref="DriverSetupException">This machine cannot drive the study, or another process drives it.</exception>
    public static async Task<DrivenStudy> OpenAsync(ITrialStore store, StudyRecord study, StudyDefinition definition, DispatchOptions options,
        DriverPlacement placement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(placement);
        if (placement.Queue is not null && options.LocalWorker)
            throw new ArgumentException("a driver on a caller's queue runs no trials itself: set LocalWorker false (the queue's owner runs them)", nameof(options));

        DriverLease? lease = null;
        if (placement.ClusterConnection is { } connection)
        {
            lease = await DriverLease.TryAcquireAsync(connection, study.Id, cancellationToken).ConfigureAwait(false)
                ?? throw new DriverSetupException(DriverSetupProblem.AlreadyDriven,
                    $"study '{study.Name}' is already being driven by another process (a homm-search run, or a worker that took it over)");
        }
        var logPath = LogPath(options.RunsDirectory, study.Name);
        LineLogger? log = null;
        try
        {
            log = LineLogger.AppendTo(logPath, options.TimeProvider);
            var withLog = options with { Logger = log };
            StudyDriver driver;
            try
            {
                driver = new StudyDriver(store, study, definition, withLog, placement.Queue);
            }
            catch (Exception e) when (e is SlotPlanException or InvalidOperationException)
            {
                throw new DriverSetupException(DriverSetupProblem.CannotRun, e.Message, e);
            }
            return new DrivenStudy(store, study, driver, withLog, placement, lease, log, logPath);
        }
        catch
        {
            log?.Dispose();
            if (lease is not null)
                await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

/// <summary>
/// A study driven from this process (<see cref="DriverFactory"/>): its driver, its run log and, on a
/// cluster, its lease, held until disposed.
/// </summary>
public sealed class DrivenStudy : IAsyncDisposable
{
    private readonly ITrialStore _store;
    private readonly DriverPlacement _placement;
    private readonly DriverLease? _lease;
    private readonly LineLogger _log;

    internal DrivenStudy(ITrialStore store, StudyRecord study, StudyDriver driver, DispatchOptions options, DriverPlacement placement,
        DriverLease? lease, LineLogger log, string logPath)
    {
        _store = store;
        Study = study;
        Driver = driver;
        Options = options;
        _placement = placement;
        _lease = lease;
        _log = log;
        LogPath = logPath;
    }

    public StudyRecord Study { get; }

    public StudyDriver Driver { get; }

    /// <summary>The options the driver runs with (its <see cref="DispatchOptions.Logger"/> writes <see cref="LogPath"/>).</summary>
    public DispatchOptions Options { get; }

    /// <summary>The run's log.</summary>
    public string LogPath { get; }

    /// <summary>
    /// Runs the driver. On a cluster the study wants a driver while it runs (a kill leaves it so,
    /// and a worker takes over); when the driver ends on purpose it no longer does.
    /// </summary>
    public async Task<DriverEnd> RunAsync(CancellationToken stop)
    {
        var cluster = _placement.ClusterConnection is not null;
        if (cluster)
            await DriverLease.SetWantsDriverAsync(_store, Study.Id, true, stop).ConfigureAwait(false);
        _log.DriverStarted(Study.Name, Options.WorkerId, Environment.ProcessId,
            _placement.Queue is not null ? ", taken over by a cluster worker" : Options.LocalWorker ? "" : ", queueing for the cluster's workers");
        var end = await Driver.RunAsync(stop).ConfigureAwait(false);
        _log.DriverEnded(Study.Name, end is DriverEnd.TooManyFailures or DriverEnd.NoFeasibleProposal or DriverEnd.DiskFull ? $"{StudyDriver.Describe(end)}: {Driver.FailureReason}" : StudyDriver.Describe(end));
        if (cluster && (end != DriverEnd.Stopped || _placement.StopEndsDriving))
            await DriverLease.SetWantsDriverAsync(_store, Study.Id, false, CancellationToken.None).ConfigureAwait(false);
        return end;
    }

    public async ValueTask DisposeAsync()
    {
        if (_lease is not null)
            await _lease.DisposeAsync().ConfigureAwait(false);
        _log.Dispose();
    }
}
