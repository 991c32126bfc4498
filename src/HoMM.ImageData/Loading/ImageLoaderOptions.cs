using HoMM.ImageData.Transforms;

namespace HoMM.ImageData.Loading;

/// <summary>How an <see cref="ImageLoader"/> batches, how many threads decode, and how much it holds.</summary>
public sealed record ImageLoaderOptions
{
    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Decode threads; default cores − 1 (at least 1), leaving a core to the training loop.</summary>
    public int Workers { get; init; } = DefaultWorkers;

    /// <summary>
    /// Batch buffers: the batch the consumer holds plus those being filled or waiting ready. Memory
    /// is QueueDepth × batch bytes (ImageNet at 160 px, batch 512: 157 MB each), whatever the data set's size.
    /// </summary>
    public int QueueDepth { get; init; } = 4;

    /// <summary>Seed of the sample order and every random augmentation.</summary>
    public long Seed { get; init; }

    /// <summary>Training: drop the last incomplete batch of each epoch (upstream does), so every batch is full.</summary>
    public bool DropLast { get; init; } = true;

    /// <summary>The loader fails once more than this fraction of a list's images cannot be decoded (default 1 %).</summary>
    public double MaxCorruptFraction { get; init; } = 0.01;

    /// <summary>Training: batch-level CutMix/MixUp; when set, batches carry soft targets.</summary>
    public MixOptions? Mix { get; init; }

    /// <summary>cores − 1, at least 1.</summary>
    public static int DefaultWorkers => Math.Max(1, Environment.ProcessorCount - 1);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Workers);
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueDepth, 2);
        if (!(MaxCorruptFraction is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(MaxCorruptFraction), MaxCorruptFraction, "must be in [0, 1]");
        Mix?.Validate();
    }
}
