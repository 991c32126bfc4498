namespace HoMM.Dispatch.Slots;

/// <summary>
/// Whether an out-of-memory failure was the GPU's (what fewer neighbours on the GPU can help) rather
/// than the host's: the reason names CUDA or the GPU, as libtorch ("CUDA out of memory. Tried to
/// allocate …"), PyTorch (torch.OutOfMemoryError: CUDA out of memory), cuBLAS and cuDNN
/// (CUBLAS_STATUS_ALLOC_FAILED, CUDNN_STATUS_ALLOC_FAILED) word it.
/// </summary>
public static class GpuOutOfMemory
{
    private static readonly string[] Marks = ["cuda", "gpu", "cublas", "cudnn"];

    /// <summary>True when <paramref name="reason"/> (an out-of-memory failure's text) is about GPU memory.</summary>
    public static bool IsGpu(string? reason) =>
        reason is not null && Marks.Any(m => reason.Contains(m, StringComparison.OrdinalIgnoreCase));
}
