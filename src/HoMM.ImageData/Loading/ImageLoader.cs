using System.Collections.Concurrent;
using System.Diagnostics;
using HoMM.ImageData.Decoding;
using HoMM.ImageData.Index;
using HoMM.ImageData.Randomness;
using HoMM.ImageData.Transforms;
using Microsoft.Win32.SafeHandles;

namespace HoMM.ImageData.Loading;

/// <summary>
/// Decodes and transforms an <see cref="ImageList"/> into batches on <c>Workers</c> threads,
/// <c>QueueDepth</c> batches ahead of the consumer at most, and hands them out in a fixed order.
/// <para>
/// Determinism: what batch b holds depends only on (seed, b): a training epoch is a permutation
/// drawn from (seed, epoch); sample j of the epoch is transformed with draws keyed by (seed,
/// epoch, j); CutMix/MixUp with draws keyed by (seed, epoch, b). Threads only decide who computes
/// what, never what is computed, so the batches are byte-identical for any worker count, and a
/// loader started at step k (<see cref="ForTraining"/>'s startStep) yields exactly the batches a
/// loader started at 0 yields from step k on — the exact-resume guarantee.
/// </para>
/// <para>
/// Corrupt or unreadable files are skipped and counted: in training, slot j takes the next
/// readable image of the epoch's order (j + 1, j + 2, …, with j's random draws), keeping batches
/// full; in evaluation the image is dropped from its batch, so no image counts twice. Which files
/// are corrupt is a property of the files, so both rules are deterministic. More corrupt files than
/// <c>MaxCorruptFraction</c> of the list fails the loader with an <see cref="ImageDataException"/>.
/// </para>
/// </summary>
public sealed class ImageLoader : IDisposable
{
    private const int MaxExamples = 10;

    private readonly ImageList _images;
    private readonly ImageTransformOptions _transform;
    private readonly ImageLoaderOptions _options;
    private readonly bool _training;
    private readonly long _firstBatch;
    private readonly long? _totalBatches;
    private readonly Slot[] _slots;
    private readonly Thread[] _threads;
    // A monitor, not System.Threading.Lock: workers and the consumer wait on it for slots and batches.
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<int, string> _corrupt = new();
    private readonly int _maxCorrupt;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Dictionary<long, int[]> _permutations = [];
    private long _nextItem = -1;
    private long _current;
    private Slot? _held;
    private long _produced;
    private long _waitedTicks;
    private Exception? _failure;
    private volatile bool _stopping;

    private ImageLoader(ImageList images, ImageTransformOptions transform, ImageLoaderOptions options, bool training, long firstBatch)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(options);
        transform.Validate();
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(firstBatch);
        if (images.Count == 0)
            throw new ImageDataException($"no images to load from {images.Folder}");
        _images = images;
        _transform = transform;
        _options = options;
        _training = training;
        _firstBatch = firstBatch;
        _current = firstBatch;
        var batch = options.BatchSize;
        if (training)
        {
            if (options.DropLast && images.Count < batch)
                throw new ImageDataException($"batch size {batch} is larger than the {images.Count} training images of {images.Folder}: no full batch can be made");
            BatchesPerEpoch = options.DropLast ? images.Count / batch : (images.Count + batch - 1) / batch;
        }
        else
        {
            BatchesPerEpoch = (images.Count + batch - 1) / batch;
            _totalBatches = BatchesPerEpoch;
        }

        _maxCorrupt = (int)Math.Floor(options.MaxCorruptFraction * images.Count);
        var soft = training && options.Mix is not null;
        _slots = new Slot[options.QueueDepth];
        for (var s = 0; s < _slots.Length; s++)
        {
            _slots[s] = new Slot(new ImageBatch(batch, transform.ImageSize, images.Classes.Count, soft), 3 * transform.ImageSize * transform.ImageSize);
            Assign(_slots[s], firstBatch + s);
        }

        _threads = new Thread[options.Workers];
        for (var w = 0; w < _threads.Length; w++)
        {
            _threads[w] = new Thread(Work) { IsBackground = true, Name = $"homm-image-{w}" };
            _threads[w].Start();
        }
    }

    /// <summary>
    /// A training loader: endless epochs of shuffled full batches (see
    /// <see cref="ImageLoaderOptions.DropLast"/>) with the training transforms, starting at
    /// <paramref name="startStep"/> (0-based; pass the step to resume from).
    /// </summary>
    public static ImageLoader ForTraining(ImageList images, ImageTransformOptions transform, ImageLoaderOptions options, long startStep = 0) =>
        new(images, transform, options, true, startStep);

    /// <summary>An evaluation loader: one pass in list order with the evaluation transforms; the last batch may be smaller.</summary>
    public static ImageLoader ForEvaluation(ImageList images, ImageTransformOptions transform, ImageLoaderOptions options) =>
        new(images, transform, options, false, 0);

    /// <summary>Batches per epoch (training) or in the pass (evaluation).</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>What the loader has done so far; safe to read at any time.</summary>
    public ImageLoaderStatistics Statistics => new(
        Interlocked.Read(ref _produced),
        Stopwatch.GetElapsedTime(_started),
        TimeSpan.FromTicks(Interlocked.Read(ref _waitedTicks) * TimeSpan.TicksPerSecond / Stopwatch.Frequency),
        _corrupt.Count,
        _corrupt.OrderBy(c => c.Key).Take(MaxExamples).Select(c => c.Value).ToList());

    /// <summary>
    /// The next batch, waiting for it when it is not ready (the wait is counted in
    /// <see cref="ImageLoaderStatistics.Waited"/>); null after an evaluation's last batch. The
    /// previous batch's buffers are reused from this call on.
    /// </summary>
    public ImageBatch? Next(CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_held is { } held)
            {
                Assign(held, held.Batch + _slots.Length);
                _held = null;
                Monitor.PulseAll(_gate);
            }

            if (_totalBatches is { } total && _current >= total)
                return null;
            var slot = _slots[SlotIndex(_current)];
            while (!slot.Ready && _failure is null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(100));
            }

            Interlocked.Add(ref _waitedTicks, Stopwatch.GetTimestamp() - start);
            if (_failure is { } failure)
                throw failure is ImageDataException ? new ImageDataException(failure.Message, failure) : new ImageDataException($"image loader failed: {failure.Message}", failure);
            _current++;
            _held = slot;
            return slot.Output;
        }
    }

    public void Dispose()
    {
        _stopping = true;
        lock (_gate)
            Monitor.PulseAll(_gate);
        foreach (var t in _threads)
            t.Join();
    }

    private int SlotIndex(long batch) => (int)((batch - _firstBatch) % _slots.Length);

    private int BatchCount(long batch)
    {
        if (_training)
            return _options.DropLast ? _options.BatchSize : Math.Min(_options.BatchSize, _images.Count - (int)(batch % BatchesPerEpoch * _options.BatchSize));
        return Math.Min(_options.BatchSize, _images.Count - (int)(batch * _options.BatchSize));
    }

    /// <summary>Gives <paramref name="slot"/> to <paramref name="batch"/>; called under the gate or before the workers start.</summary>
    private void Assign(Slot slot, long batch)
    {
        slot.Batch = batch;
        slot.Ready = false;
        if (_totalBatches is { } total && batch >= total)
        {
            slot.Pending = 0;
            return;
        }

        slot.Pending = BatchCount(batch);
        slot.Dropped.AsSpan().Clear();
    }

    private void Work()
    {
        using var transformer = new ImageTransformer(_transform, _training);
        var buffer = new FileBuffer();
        var batchSize = _options.BatchSize;
        try
        {
            while (!_stopping)
            {
                var item = Interlocked.Increment(ref _nextItem);
                var batch = _firstBatch + (item / batchSize);
                var slotIndex = (int)(item % batchSize);
                if (_totalBatches is { } total && batch >= total)
                    return;
                if (slotIndex >= BatchCount(batch))
                    continue;
                var slot = WaitFor(batch);
                if (slot is null)
                    return;
                Fill(slot, batch, slotIndex, transformer, buffer);
                if (Interlocked.Decrement(ref slot.Pending) == 0)
                    Finish(slot);
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private Slot? WaitFor(long batch)
    {
        var slot = _slots[SlotIndex(batch)];
        lock (_gate)
        {
            while (slot.Batch != batch)
            {
                if (_stopping || _failure is not null)
                    return null;
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(100));
            }
        }

        return slot;
    }

    private void Fill(Slot slot, long batch, int i, ImageTransformer transformer, FileBuffer buffer)
    {
        var output = slot.Output;
        var image = slot.ImageFloats;
        var target = output.ImageArray.AsSpan(i * image, image);
        if (_training)
        {
            var epoch = batch / BatchesPerEpoch;
            var order = Permutation(epoch);
            var position = (int)(batch % BatchesPerEpoch * _options.BatchSize) + i;
            // Draws keyed by the slot's own position, whichever image fills it.
            for (var step = 0; step < order.Length; step++)
            {
                var sample = order[(position + step) % order.Length];
                var rng = new SampleRandom(_options.Seed, RandomStream.Sample, epoch, position);
                if (TryTransform(sample, transformer, buffer, ref rng, target))
                {
                    output.SampleArray[i] = sample;
                    output.LabelArray[i] = _images.Label(sample);
                    Interlocked.Increment(ref _produced);
                    return;
                }

                if (_failure is not null || _stopping)
                    return;
            }

            throw new ImageDataException($"no image of {_images.Folder} could be decoded");
        }
        else
        {
            var sample = (int)(batch * _options.BatchSize) + i;
            var rng = new SampleRandom(_options.Seed, RandomStream.Sample, 0, sample);
            output.SampleArray[i] = sample;
            output.LabelArray[i] = _images.Label(sample);
            if (TryTransform(sample, transformer, buffer, ref rng, target))
                Interlocked.Increment(ref _produced);
            else
                slot.Dropped[i] = true;
        }
    }

    private bool TryTransform(int sample, ImageTransformer transformer, FileBuffer buffer, ref SampleRandom rng, Span<float> target)
    {
        if (_corrupt.ContainsKey(sample))
            return false;
        var path = _images.Path(sample);
        try
        {
            transformer.Transform(buffer.Read(path), ref rng, target);
            return true;
        }
        catch (Exception e) when (e is CorruptImageException or IOException or UnauthorizedAccessException)
        {
            if (_corrupt.TryAdd(sample, $"{path}: {e.Message}") && _corrupt.Count > _maxCorrupt)
            {
                var examples = string.Join("; ", _corrupt.OrderBy(c => c.Key).Take(3).Select(c => c.Value));
                Fail(new ImageDataException(
                    $"{_corrupt.Count} images of {_images.Folder} could not be decoded, more than the {_options.MaxCorruptFraction:P1} allowed ({_maxCorrupt} of {_images.Count}); e.g. {examples}"));
            }

            return false;
        }
    }

    private int[] Permutation(long epoch)
    {
        lock (_permutations)
        {
            if (_permutations.TryGetValue(epoch, out var p))
                return p;
            var rng = new SampleRandom(_options.Seed, RandomStream.Order, epoch);
            p = rng.Permutation(_images.Count);
            _permutations[epoch] = p;
            _permutations.Remove(epoch - 2); // workers are at most one epoch apart
            return p;
        }
    }

    /// <summary>The last worker of a batch: drop or mix as the mode says, then hand it over.</summary>
    private void Finish(Slot slot)
    {
        var output = slot.Output;
        var count = BatchCount(slot.Batch);
        if (!_training)
        {
            var kept = 0;
            for (var i = 0; i < count; i++)
            {
                if (slot.Dropped[i])
                    continue;
                if (kept != i)
                {
                    output.ImageArray.AsSpan(i * slot.ImageFloats, slot.ImageFloats).CopyTo(output.ImageArray.AsSpan(kept * slot.ImageFloats, slot.ImageFloats));
                    output.LabelArray[kept] = output.LabelArray[i];
                    output.SampleArray[kept] = output.SampleArray[i];
                }

                kept++;
            }

            count = kept;
        }

        output.Index = slot.Batch;
        output.Epoch = _training ? slot.Batch / BatchesPerEpoch : 0;
        output.Count = count;
        if (_training && _options.Mix is { } mix)
        {
            var rng = new SampleRandom(_options.Seed, RandomStream.Batch, output.Epoch, slot.Batch);
            BatchMix.Apply(output.ImageArray, output.LabelArray, output.TargetArray, count, output.Classes, output.Size, mix, ref rng, slot.MixScratch);
        }

        lock (_gate)
        {
            slot.Ready = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Fail(Exception e)
    {
        lock (_gate)
        {
            _failure ??= e;
            Monitor.PulseAll(_gate);
        }
    }

    private sealed class Slot(ImageBatch output, int imageFloats)
    {
        public readonly ImageBatch Output = output;
        public readonly int ImageFloats = imageFloats;
        public readonly bool[] Dropped = new bool[output.Capacity];
        public readonly float[] MixScratch = output.TargetArray.Length > 0 ? new float[imageFloats] : [];
        public long Batch;
        public int Pending;
        public bool Ready;
    }

    /// <summary>A reusable read buffer per worker: whole files in one read, no allocation once warm.</summary>
    private sealed class FileBuffer
    {
        private byte[] _bytes = new byte[1 << 18];

        public ReadOnlySpan<byte> Read(string path)
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var length = RandomAccess.GetLength(handle);
            if (length > int.MaxValue / 2)
                throw new CorruptImageException($"file of {length} bytes is too large for an image");
            if (_bytes.Length < length)
                _bytes = new byte[Math.Max(length, _bytes.Length * 2)];
            var read = 0;
            while (read < length)
            {
                var n = RandomAccess.Read(handle, _bytes.AsSpan(read, (int)length - read), read);
                if (n == 0)
                    break;
                read += n;
            }

            return _bytes.AsSpan(0, read);
        }
    }
}
