namespace HoMM.ImageData.Loading;

/// <summary>
/// One batch from an <see cref="ImageLoader"/>: images as float NCHW (Count × 3 × Size × Size,
/// normalised), int64 labels, and — when CutMix/MixUp is on — soft targets (Count × Classes).
/// Its buffers belong to the loader and are reused: the batch is valid until the next call of
/// <see cref="ImageLoader.Next"/>; copy it into a tensor before then.
/// </summary>
public sealed class ImageBatch
{
    internal ImageBatch(int capacity, int size, int classes, bool softTargets)
    {
        Capacity = capacity;
        Size = size;
        Classes = classes;
        ImageArray = new float[capacity * 3 * size * size];
        LabelArray = new long[capacity];
        TargetArray = softTargets ? new float[capacity * classes] : [];
        SampleArray = new int[capacity];
    }

    /// <summary>Training: the step this batch is for; evaluation: the batch's number in the pass.</summary>
    public long Index { get; internal set; }

    /// <summary>Training: the epoch; evaluation: 0.</summary>
    public long Epoch { get; internal set; }

    /// <summary>Images in this batch (less than the batch size for an evaluation's last batch or when corrupt images were dropped).</summary>
    public int Count { get; internal set; }

    public int Capacity { get; }

    /// <summary>Side of each image in pixels.</summary>
    public int Size { get; }

    public int Classes { get; }

    /// <summary>Count × 3 × Size × Size floats.</summary>
    public ReadOnlySpan<float> Images => ImageArray.AsSpan(0, Count * 3 * Size * Size);

    public ReadOnlySpan<long> Labels => LabelArray.AsSpan(0, Count);

    /// <summary>Count × Classes floats, each row summing to 1; empty without CutMix/MixUp.</summary>
    public ReadOnlySpan<float> SoftTargets => TargetArray.Length == 0 ? [] : TargetArray.AsSpan(0, Count * Classes);

    /// <summary>The list index of each image (after corrupt-image substitution).</summary>
    public ReadOnlySpan<int> Samples => SampleArray.AsSpan(0, Count);

    /// <summary>The whole image buffer (Capacity images; the first Count are valid), for pinning or a bulk copy.</summary>
    public float[] ImageArray { get; }

    internal long[] LabelArray { get; }

    internal float[] TargetArray { get; }

    internal int[] SampleArray { get; }
}

/// <summary>What a loader has done so far.</summary>
/// <param name="Images">Images produced (decoded and transformed).</param>
/// <param name="Elapsed">Since the loader started.</param>
/// <param name="Waited">Time the consumer spent in <see cref="ImageLoader.Next"/> waiting for a batch.</param>
/// <param name="CorruptImages">Distinct files that could not be decoded (skipped).</param>
/// <param name="CorruptExamples">Up to ten of them: "path: reason".</param>
public sealed record ImageLoaderStatistics(long Images, TimeSpan Elapsed, TimeSpan Waited, int CorruptImages, IReadOnlyList<string> CorruptExamples)
{
    public double ImagesPerSecond => Elapsed > TimeSpan.Zero ? Images / Elapsed.TotalSeconds : 0;
}
