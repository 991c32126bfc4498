using System.CommandLine;
using System.Globalization;
using HoMM.Cli.Common;
using HoMM.Cli.Run;
using HoMM.Dispatch.Cluster;
using HoMM.Dispatch.Driver;
using HoMM.Dispatch.Logging;
using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Slots;
using HoMM.StudyFiles;

namespace HoMM.Cli.Worker;

/// <summary>
/// <c>homm-search worker --db postgres://… [--slots …] [--node NAME] [--runs DIR]</c>: joins the
/// cluster of the PostgreSQL database and runs trial attempts of its studies on this machine's
/// slots until Ctrl-C (running attempts then checkpoint and go back to the cluster); starts a
/// driving, in its own process, a study whose <c>run</c> died (<see cref="DriverTakeover"/>).
/// What it does and what goes wrong is logged to its output, one line each.
/// </summary>
public static class WorkerCommand
{
    /// <summary>Bad option value, or --db names no PostgreSQL database.</summary>
    public const int ExitUsage = 2;

    public static Command Create()
    {
        var command = new Command("worker", "Join a cluster on a PostgreSQL database and run its studies' trials on this machine");
        var db = StoreOpener.CreateDbOption();
        db.Description = "the cluster's PostgreSQL database (postgres://user:pass@host/db or \"Host=...;Database=...\")";
        var slots = new Option<string?>("--slots")
        {
            Description = "this machine's slots: N (N CPU slots sharing the cores), gpus (one per GPU nvidia-smi lists) " +
                "or gpu:0,1 (those GPUs), with *K for K trials per GPU (gpus*2); default: one per GPU when there are GPUs, else 1 CPU slot",
            HelpName = "N|gpus[*K]|gpu:LIST[*K]",
        };
        var node = new Option<string?>("--node")
        {
            Description = "this node's name in the cluster, stable across restarts and unique among the nodes (default: the host name)",
        };
        var runs = new Option<string>("--runs")
        {
            Description = "folder of the trial folders (checkpoints, logs); on storage every node sees, so trials resume anywhere",
            DefaultValueFactory = _ => "runs",
        };
        command.Options.Add(db);
        command.Options.Add(slots);
        command.Options.Add(node);
        command.Options.Add(runs);
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(db), parse.GetValue(slots), parse.GetValue(node), parse.GetValue(runs)!,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    public static async Task<int> RunAsync(string? db, string? slots, string? node, string runs, TextWriter output, TextWriter error, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var location = StoreOpener.Parse(db);
        if (location.Kind != StoreKind.PostgreSql)
        {
            await error.WriteLineAsync(
                $"error: a worker joins a cluster through a PostgreSQL database, but --db {location.Display} is a SQLite file. " +
                "On one machine, homm-search run runs the trials itself; for several, see docs/cluster.md.");
            return ExitUsage;
        }
        IReadOnlyList<TrainerSlot> planned;
        try
        {
            planned = SlotPlanner.Plan(ParseSlots(slots), Environment.ProcessorCount).Slots;
        }
        catch (Exception e) when (e is FormatException or SlotPlanException)
        {
            await error.WriteLineAsync($"error: --slots {slots}: {e.Message}");
            return ExitUsage;
        }
        var nodeName = string.IsNullOrWhiteSpace(node) ? Environment.MachineName : node.Trim();

        OpenedStore opened;
        try
        {
            opened = await StoreOpener.OpenAsync(db, StoreAccess.CreateIfMissing, cancellationToken: stop);
        }
        catch (StoreOpenException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return StoreOpener.ExitStoreError;
        }
        using (opened)
        using (var log = new LineLogger(output))
        {
            var options = new DispatchOptions
            {
                JobStore = await ClusterQueue.PostgresAsync(location.Value, nodeName, stop),
                RunsDirectory = Path.GetFullPath(runs),
                HommTrainExecutable = TrainerLocator.FindHommTrain(),
                ModelSize = TrainerLocator.CountModel,
                ModelShape = TrainerLocator.Shape,
                Node = nodeName,
                WorkerId = string.Create(CultureInfo.InvariantCulture, $"{nodeName}:{Environment.ProcessId}"),
                Logger = log,
            };
            var worker = new ClusterWorker(opened.Store, options, planned);
            await output.WriteLineAsync(
                $"worker {options.WorkerId} joined the cluster in {location.Display} with slots {string.Join(", ", planned.Select(s => s.Id))}; Ctrl-C stops it");
            await output.FlushAsync(stop);
            var takeover = new DriverTakeover(opened.Store, location.Value, worker);
            await Task.WhenAll(worker.RunAsync(stop), takeover.RunAsync(stop));
            await output.WriteLineAsync("worker stopped; its running trials checkpointed and go back to the cluster");
            return 0;
        }
    }

    /// <summary>--slots as a study's resources section would say it.</summary>
    internal static ResourcesDefinition ParseSlots(string? slots)
    {
        var value = slots?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(value))
            return SlotPlanner.DetectGpus().Count > 0 ? new ResourcesDefinition([], DetectGpus: true, CpuSlots: 0) : new ResourcesDefinition([], false, 1);
        // gpus*2, gpu:0,1*2: trials per GPU, as resources.trials_per_gpu.
        var perGpu = 1;
        if (value.StartsWith("gpu", StringComparison.Ordinal) && value.LastIndexOf('*') is var star and > 0)
        {
            perGpu = int.TryParse(value[(star + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k is >= 1 and <= ResourcesDefinition.MaxTrialsPerGpu
                ? k
                : throw new FormatException($"'{value[(star + 1)..]}' after * is not a number of trials per GPU (1 to {ResourcesDefinition.MaxTrialsPerGpu})");
            value = value[..star];
        }
        if (value is "gpus" or "gpu" or "auto")
            return new ResourcesDefinition([], DetectGpus: true, CpuSlots: 0) { TrialsPerGpu = perGpu };
        if (value.StartsWith("gpu:", StringComparison.Ordinal))
        {
            var ids = value[4..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(id => int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"'{id}' is not a GPU index"))
                .ToList();
            return ids.Count > 0 ? new ResourcesDefinition(ids, false, 0) { TrialsPerGpu = perGpu } : throw new FormatException("gpu: needs at least one GPU index, e.g. gpu:0,1");
        }
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var cpu) && cpu > 0
            ? new ResourcesDefinition([], false, cpu)
            : throw new FormatException("expected a number of CPU slots (e.g. 4), gpus, or gpu:0,1");
    }
}
