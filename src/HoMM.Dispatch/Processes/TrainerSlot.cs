namespace HoMM.Dispatch.Processes;

/// <summary>
/// Where an attempt runs: one GPU (or several) or a CPU share of a worker. A slot runs one trainer
/// at a time; the threads are its share of the machine's cores, passed as OMP/MKL/OpenBLAS thread
/// counts so parallel trainers do not oversubscribe the CPU.
/// </summary>
/// <param name="Id">Stable name of the slot on its worker, e.g. "gpu0" or "cpu1"; recorded with the attempt.</param>
/// <param name="CudaVisibleDevices">GPU ids for CUDA_VISIBLE_DEVICES ("0", "2,3"); null for a CPU slot, which gets an empty value so the trainer sees no GPU.</param>
/// <param name="Threads">Threads for the trainer's CPU work (≥ 1).</param>
public sealed record TrainerSlot(string Id, string? CudaVisibleDevices, int Threads)
{
    public string Id { get; } = !string.IsNullOrWhiteSpace(Id)
        ? Id
        : throw new ArgumentException("a slot needs an id, e.g. \"cpu0\"", nameof(Id));

    public int Threads { get; } = Threads >= 1
        ? Threads
        : throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "a slot needs at least 1 thread");

    public static TrainerSlot Cpu(string id, int threads) => new(id, null, threads);

    public static TrainerSlot Gpu(string id, string cudaVisibleDevices, int threads)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cudaVisibleDevices);
        return new(id, cudaVisibleDevices, threads);
    }
}
