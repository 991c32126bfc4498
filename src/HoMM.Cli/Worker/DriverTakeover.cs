using System.Diagnostics;
using System.Text.Json;
using HoMM.Dispatch.Cluster;
using HoMM.Dispatch.Driver;
using HoMM.Storage;

namespace HoMM.Cli.Worker;

/// <summary>
/// Keeps the cluster's studies driven when the process that drove one dies: a study whose
/// <see cref="SystemAttrs.ClusterDriving"/> is still true but whose lease nobody holds lost its
/// <c>homm-search run</c> (kill -9, a host lost); this worker then starts
/// <c>homm-search run &lt;study file&gt; --no-local-worker</c> for it, which takes the lease and
/// resumes. Several workers may try at once: the lease lets one driver through, the others' runs
/// exit at once. The new driver's output goes to <c>&lt;runs&gt;/driver-&lt;study&gt;.log</c>.
/// </summary>
internal sealed class DriverTakeover(ITrialStore store, string connection, string runsDirectory, Action<string> log)
{
    private readonly Dictionary<long, Process> drivers = [];
    private readonly HashSet<long> told = [];

    // Another driver won the lease first: nothing failed, look again later.
    private const int RunCommandExitConflict = HoMM.Cli.Run.RunCommand.ExitConflict;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(stop);
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                log($"driver takeover: {e.GetType().Name}: {e.Message} (trying again)");
            }
            try
            {
                await Task.Delay(PollInterval, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        // Drivers started here keep running: they hold their studies' leases, not this worker's.
        foreach (var p in drivers.Values)
            p.Dispose();
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        foreach (var summary in await store.ListStudiesAsync(cancellationToken))
        {
            var study = summary.Study;
            if (drivers.TryGetValue(study.Id, out var started))
            {
                if (!started.HasExited)
                    continue;
                if (started.ExitCode != 0 && started.ExitCode != RunCommandExitConflict)
                {
                    // A driver that failed here would fail again: say so once, leave the study alone.
                    if (told.Add(study.Id))
                        log($"the driver started here for study '{study.Name}' failed (exit {started.ExitCode}); see {LogPath(study.Name)}. Not retrying from this worker.");
                    continue;
                }
            }
            if (!await DriverLease.WantsDriverAsync(store, study.Id, cancellationToken))
                continue;
            var attrs = await store.GetStudyAttrsAsync(study.Id, AttrScope.System, cancellationToken);
            var path = attrs.TryGetValue(SystemAttrs.StudyFilePath, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            if (path is null || !File.Exists(path))
            {
                if (told.Add(study.Id))
                    log($"study '{study.Name}' has no driver, but its study file ({path ?? "unknown"}) is not visible here to start one");
                continue;
            }
            // Free right now? (Taken and given back at once: the run started below takes it for good.)
            await using (var lease = await DriverLease.TryAcquireAsync(connection, study.Id, cancellationToken))
            {
                if (lease is null)
                    continue; // driven
            }
            drivers[study.Id] = StartDriver(study.Name, path);
            log($"study '{study.Name}' lost its driver; driving it from here (homm-search run --no-local-worker, log {LogPath(study.Name)})");
        }
    }

    private string LogPath(string studyName) => Path.Combine(runsDirectory, $"driver-{studyName}.log");

    /// <summary>
    /// Starts <c>homm-search run</c> through <c>sh</c> with its output appended to a file, so it
    /// shares no pipe with this worker and outlives it.
    /// </summary>
    private Process StartDriver(string studyName, string studyPath)
    {
        Directory.CreateDirectory(runsDirectory);
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$@\" >>\"$HOMM_DRIVER_LOG\" 2>&1 </dev/null");
        info.ArgumentList.Add("homm-search-driver");
        info.Environment["HOMM_DRIVER_LOG"] = LogPath(studyName);
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        info.ArgumentList.Add(self);
        // Run as `dotnet homm-search.dll`: the host needs the assembly.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            info.ArgumentList.Add(typeof(DriverTakeover).Assembly.Location);
        foreach (var arg in new[] { "run", studyPath, "--db", connection, "--no-local-worker", "--runs", runsDirectory })
            info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start homm-search run");
    }
}
