using System.Runtime.InteropServices;

namespace HoMM.Torch.Native;

/// <summary>
/// glibc malloc settings for training loops. libtorch allocates every activation with malloc;
/// glibc serves blocks above its mmap threshold (at most 32 MiB) with a fresh mmap and returns
/// them with munmap on free, so each step page-faults its large activations in again — measured
/// here (a sandboxed VM with costly page faults): an element-wise op on a 52 MB tensor took
/// ~300–600 ms instead of ~12–30 ms. Keeping freed memory in the heap removes that cost; the
/// process holds on to its peak footprint instead of returning it between steps.
/// The environment equivalent, for any process (PyTorch too): MALLOC_MMAP_MAX_=0
/// MALLOC_TRIM_THRESHOLD_=&lt;large&gt;.
/// </summary>
public static partial class NativeAllocator
{
    private const int MTrimThreshold = -1;
    private const int MMmapMax = -4;

    /// <summary>Stops glibc from unmapping or trimming freed memory (process-wide, from now on).
    /// Returns false where the C library is not glibc (nothing changed).</summary>
    public static bool RetainFreedMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return mallopt(MMmapMax, 0) == 1 && mallopt(MTrimThreshold, int.MaxValue) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc")]
    private static partial int mallopt(int param, int value);
}
