using System.Globalization;
using HoMM.Dispatch.Processes;
using HoMM.StudyFiles;

namespace HoMM.Dispatch.Slots;

/// <summary>
/// Turns a study's <c>resources</c> into the slots of this machine: <c>trials_per_gpu</c> per GPU
/// (the ids given, or every GPU <c>nvidia-smi</c> lists; slots <c>gpu0</c>, or <c>gpu0.0</c>,
/// <c>gpu0.1</c>… when GPUs are shared, all with that GPU as <c>CUDA_VISIBLE_DEVICES</c>), or N CPU
/// slots. Each slot gets an equal share of the CPU cores as its thread count (at least 1), so
/// parallel trainers do not oversubscribe the CPU.
/// </summary>
public static class SlotPlanner
{
    /// <param name="resources">The study's resources section.</param>
    /// <param name="processorCount">CPU cores to share (Environment.ProcessorCount).</param>
    /// <param name="detectGpus">Lists this machine's GPU ids (for <c>gpus: auto</c>); default <see cref="DetectGpus"/>.</param>
    /// <exception cref="SlotPlanException">No GPU was found for <c>gpus: auto</c>.</exception>
    public static IReadOnlyList<TrainerSlot> Plan(ResourcesDefinition resources, int processorCount, Func<IReadOnlyList<int>>? detectGpus = null)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentOutOfRangeException.ThrowIfLessThan(processorCount, 1);
        if (resources.UsesGpus)
        {
            var ids = resources.DetectGpus ? (detectGpus ?? DetectGpus)() : resources.GpuIds;
            if (ids.Count == 0)
                throw new SlotPlanException("resources.gpus is auto, but nvidia-smi lists no GPU on this machine; list GPU ids, or use resources.cpu_slots");
            var perGpu = Math.Max(1, resources.TrialsPerGpu);
            var threads = Math.Max(1, processorCount / (ids.Count * perGpu));
            return ids.SelectMany(id => Enumerable.Range(0, perGpu).Select(j => TrainerSlot.Gpu(
                perGpu == 1 ? string.Create(CultureInfo.InvariantCulture, $"gpu{id}") : string.Create(CultureInfo.InvariantCulture, $"gpu{id}.{j}"),
                id.ToString(CultureInfo.InvariantCulture), threads))).ToList();
        }
        var slots = Math.Max(1, resources.CpuSlots);
        var share = Math.Max(1, processorCount / slots);
        return Enumerable.Range(0, slots).Select(i => TrainerSlot.Cpu(string.Create(CultureInfo.InvariantCulture, $"cpu{i}"), share)).ToList();
    }

    /// <summary>The indices of the GPUs <see cref="GpuInventory"/> finds; empty without nvidia-smi.</summary>
    public static IReadOnlyList<int> DetectGpus() => GpuInventory.Query()?.Select(g => g.Index).ToList() ?? [];
}

/// <summary>The resources cannot be turned into slots on this machine.</summary>
public sealed class SlotPlanException(string message) : InvalidOperationException(message);
