using System.Globalization;
using HoMM.Core.Studies;
using HoMM.Dispatch.Processes;
using HoMM.StudyFiles;
using HoMM.TrainerSettings;

namespace HoMM.Dispatch.Slots;

/// <summary>This machine's slots for a study, and the sentence that explains them (validate and run print it).</summary>
/// <param name="Slots">One per trial that may run at once.</param>
/// <param name="Summary">E.g. "gpu0 (80 GiB): 6 trials, gpu1 (22 GiB): 2 trials, estimate 9.1 GiB/trial (...)".</param>
public sealed record SlotPlan(IReadOnlyList<TrainerSlot> Slots, string Summary);

/// <summary>
/// Turns a study's <c>resources</c> into the slots of this machine: <c>trials_per_gpu</c> per GPU
/// (the ids given, or every GPU <c>nvidia-smi</c> lists; slots <c>gpu0</c>, or <c>gpu0.0</c>,
/// <c>gpu0.1</c>… when GPUs are shared, all with that GPU as <c>CUDA_VISIBLE_DEVICES</c>), or N CPU
/// slots. Each slot gets an equal share of the CPU cores as its thread count (at least 1), so
/// parallel trainers do not oversubscribe the CPU.
/// <para>
/// <c>trials_per_gpu: auto</c> gives each GPU as many slots as copies of the study's largest trial
/// (<see cref="TrialMemory"/>) fit into its free memory (<c>memory.total − memory.used</c>) less
/// <see cref="Headroom"/>; at least one, so that auto never runs fewer trials than 1 would.
/// </para>
/// </summary>
public static class SlotPlanner
{
    /// <summary>The smallest headroom left free on each GPU under <c>trials_per_gpu: auto</c>.</summary>
    public const long MinHeadroomMiB = 1024;

    /// <summary>The share of each GPU's memory left free under <c>trials_per_gpu: auto</c>.</summary>
    public const double HeadroomShare = 0.10;

    /// <param name="resources">The study's resources section.</param>
    /// <param name="processorCount">CPU cores to share (Environment.ProcessorCount).</param>
    /// <param name="detectGpus">Lists this machine's GPUs (for <c>gpus: auto</c> and <c>trials_per_gpu: auto</c>); default <see cref="DetectGpus"/>.</param>
    /// <param name="trialMemory">The memory of one trial, for <c>trials_per_gpu: auto</c> (computed only then).</param>
    /// <exception cref="SlotPlanException">No GPU was found for <c>gpus: auto</c>, or auto cannot size the slots.</exception>
    public static SlotPlan Plan(ResourcesDefinition resources, int processorCount, Func<IReadOnlyList<GpuInfo>>? detectGpus = null, Func<TrialMemory>? trialMemory = null)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentOutOfRangeException.ThrowIfLessThan(processorCount, 1);
        if (!resources.UsesGpus)
        {
            var count = Math.Max(1, resources.CpuSlots);
            var share = Math.Max(1, processorCount / count);
            var cpu = Enumerable.Range(0, count).Select(i => TrainerSlot.Cpu(string.Create(CultureInfo.InvariantCulture, $"cpu{i}"), share)).ToList();
            return new SlotPlan(cpu, string.Create(CultureInfo.InvariantCulture, $"{count} CPU slot{(count == 1 ? "" : "s")}, {share} thread{(share == 1 ? "" : "s")} each"));
        }

        var detect = detectGpus ?? DetectGpus;
        IReadOnlyList<GpuInfo>? found = null;
        IReadOnlyList<GpuInfo> Found() => found ??= detect();
        var ids = resources.DetectGpus ? Found().Select(g => g.Index).ToList() : resources.GpuIds;
        if (ids.Count == 0)
            throw new SlotPlanException("resources.gpus is auto, but nvidia-smi lists no GPU on this machine; list GPU ids, or use resources.cpu_slots");

        List<(int Id, int Trials)> perGpu;
        string summary;
        if (resources.AutoTrialsPerGpu)
        {
            var memory = (trialMemory ?? throw new SlotPlanException("trials_per_gpu: auto needs the built-in trainer's memory estimate, which this program does not provide; give a number"))();
            var gpus = ids.Select(id => Found().FirstOrDefault(g => g.Index == id)
                ?? throw new SlotPlanException(Found().Count == 0
                    ? "trials_per_gpu: auto reads each GPU's memory from nvidia-smi, which lists no GPU here; give trials_per_gpu a number"
                    : $"trials_per_gpu: auto: GPU {id} is not among the GPUs nvidia-smi lists ({string.Join(", ", Found().Select(g => g.Index))})")).ToList();
            perGpu = gpus.Select(g => (g.Index, TrialsOn(g, memory.BytesPerTrial))).ToList();
            summary = string.Join(", ", gpus.Select((g, i) => $"gpu{g.Index} ({GiB(g.MemoryTotalMiB << 20, 0)}): {Trials(perGpu[i].Trials)}"))
                + $", estimate {GiB(memory.BytesPerTrial, 1)}/trial ({memory.Basis}: {memory.DescribeTrial()}; "
                + string.Create(CultureInfo.InvariantCulture, $"headroom {HeadroomShare:P0} of each GPU, at least {MinHeadroomMiB / 1024} GiB)");
        }
        else
        {
            var k = Math.Max(1, resources.TrialsPerGpu);
            perGpu = ids.Select(id => (id, k)).ToList();
            summary = $"{string.Join(", ", ids.Select(id => $"gpu{id}"))}: {Trials(k)} {(ids.Count == 1 ? "" : "each ")}(trials_per_gpu: {k})";
        }

        var threads = Math.Max(1, processorCount / perGpu.Sum(g => g.Trials));
        var slots = perGpu.SelectMany(g => Enumerable.Range(0, g.Trials).Select(j => TrainerSlot.Gpu(
            g.Trials == 1 ? string.Create(CultureInfo.InvariantCulture, $"gpu{g.Id}") : string.Create(CultureInfo.InvariantCulture, $"gpu{g.Id}.{j}"),
            g.Id.ToString(CultureInfo.InvariantCulture), threads))).ToList();
        return new SlotPlan(slots, summary);
    }

    /// <summary>
    /// The slots a study gets here: <see cref="Plan"/> with the study's largest trial
    /// (<see cref="TrialMemory.Largest"/>) for <c>trials_per_gpu: auto</c>. The one entry point of
    /// validate, run and the driver.
    /// </summary>
    /// <param name="definition">The study.</param>
    /// <param name="processorCount">CPU cores to share.</param>
    /// <param name="detectGpus">Lists this machine's GPUs; default nvidia-smi.</param>
    /// <param name="shapeOf">The model a trial's settings describe; null: auto cannot be sized.</param>
    /// <param name="rules">The study's trial rules (constraints, max_params); null: none.</param>
    public static SlotPlan ForStudy(StudyDefinition definition, int processorCount, Func<IReadOnlyList<GpuInfo>>? detectGpus,
        Func<HommTrainerSettings, HommShape>? shapeOf, TrialRules? rules)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Plan(definition.Resources, processorCount, detectGpus,
            shapeOf is null ? null : () => TrialMemory.Largest(definition, rules, shapeOf));
    }

    /// <summary>How many copies of a trial of <paramref name="bytesPerTrial"/> fit on <paramref name="gpu"/> beside what it already holds, leaving the headroom: 1 to <see cref="ResourcesDefinition.MaxTrialsPerGpu"/>.</summary>
    public static int TrialsOn(GpuInfo gpu, long bytesPerTrial)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerTrial, 1);
        var freeBytes = (gpu.MemoryTotalMiB - gpu.MemoryUsedMiB - Headroom(gpu)) << 20;
        return (int)Math.Clamp(freeBytes / bytesPerTrial, 1, ResourcesDefinition.MaxTrialsPerGpu);
    }

    /// <summary>
    /// What auto leaves free on a GPU, in MiB: <see cref="HeadroomShare"/> of it, at least
    /// <see cref="MinHeadroomMiB"/> — for the estimate's error (it is analytic), cuDNN and cuBLAS
    /// workspaces that grow with the algorithm chosen, and other processes that start later.
    /// </summary>
    public static long Headroom(GpuInfo gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        return Math.Max(MinHeadroomMiB, (long)Math.Ceiling(gpu.MemoryTotalMiB * HeadroomShare));
    }

    /// <summary>The GPUs <see cref="GpuInventory"/> finds; empty without nvidia-smi.</summary>
    public static IReadOnlyList<GpuInfo> DetectGpus() => GpuInventory.Query() ?? [];

    private static string Trials(int n) => n == 1 ? "1 trial" : string.Create(CultureInfo.InvariantCulture, $"{n} trials");

    /// <summary>Bytes as GiB with <paramref name="decimals"/> (0 or 1) decimals, e.g. "9.1 GiB".</summary>
    public static string GiB(long bytes, int decimals) =>
        (bytes / (double)(1L << 30)).ToString(decimals == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + " GiB";
}

/// <summary>The resources cannot be turned into slots on this machine.</summary>
public sealed class SlotPlanException(string message) : InvalidOperationException(message);
