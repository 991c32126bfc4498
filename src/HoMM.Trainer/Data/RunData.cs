namespace HoMM.Trainer.Data;

/// <summary>Which held-apart set an evaluation pass reads.</summary>
public enum EvaluationSet
{
    /// <summary>Held out of the training images: <c>val/*</c>, every <c>eval_every</c> steps (what samplers and pruners see).</summary>
    Validation,

    /// <summary>The test set: <c>test/*</c>, once after the last step (the final line only).</summary>
    Test,
}

/// <summary>
/// One batch in host memory, valid until the next <see cref="IBatchSource.TryNext"/>: normalised
/// float NCHW images, int64 labels, and — with CutMix/MixUp — soft targets (Count × classes,
/// rows summing to 1; empty otherwise).
/// </summary>
public readonly ref struct HostBatch(ReadOnlySpan<float> images, ReadOnlySpan<long> labels, ReadOnlySpan<float> softTargets)
{
    public ReadOnlySpan<float> Images { get; } = images;

    public ReadOnlySpan<long> Labels { get; } = labels;

    public ReadOnlySpan<float> SoftTargets { get; } = softTargets;

    public int Count => Labels.Length;
}

/// <summary>A stream of batches: endless for training, one pass for an evaluation.</summary>
public interface IBatchSource : IDisposable
{
    /// <summary>The next batch; false after an evaluation's last batch. The previous batch's memory is reused from this call on.</summary>
    bool TryNext(out HostBatch batch);

    /// <summary>What this stream has done so far.</summary>
    DataStatistics Statistics { get; }
}

/// <summary>What a batch stream has done (for the closing info line).</summary>
/// <param name="Images">Images handed out in batches.</param>
/// <param name="Waited">Time the consumer spent waiting for its batches (decode threads behind, or the synchronous fill of in-memory data).</param>
/// <param name="CorruptImages">Files of the stream's set skipped because they could not be decoded.</param>
/// <param name="CorruptExamples">Up to ten of them, "path: reason".</param>
public sealed record DataStatistics(long Images, TimeSpan Waited, int CorruptImages, IReadOnlyList<string> CorruptExamples);

/// <summary>
/// The data of a run, whatever its source (Fashion-MNIST's IDX files in memory, an image folder
/// decoded by threads): the training stream from a step on (the same batches whatever the step it
/// starts at: exact resume), evaluation passes over the validation hold-out and the test set, the
/// shape of its images, and a description of the split that a checkpoint records.
/// </summary>
public interface IRunData : IDisposable
{
    int Classes { get; }

    int Channels { get; }

    /// <summary>Side of the (square) images in pixels.</summary>
    int Side { get; }

    /// <summary>Images per training batch at most (the model's input buffer is this large).</summary>
    int BatchCapacity { get; }

    /// <summary>Names the split (counts, split seed, a fingerprint of the hold-out): a checkpoint of another split is refused.</summary>
    string Description { get; }

    /// <summary>The training batches of steps <paramref name="startStep"/>, +1, … (batch b depends only on the seed and b).</summary>
    IBatchSource Training(long startStep);

    /// <summary>One pass over <paramref name="set"/> in batches of at most <paramref name="batch"/>, in a fixed order.</summary>
    IBatchSource Evaluation(EvaluationSet set, int batch);
}
