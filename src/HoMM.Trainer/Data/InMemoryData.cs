using System.Diagnostics;

namespace HoMM.Trainer.Data;

/// <summary>
/// Data held in memory as bytes (Fashion-MNIST's IDX files: <see cref="TrainingData"/>), turned
/// into float batches on the training thread: step s's batch is <see cref="BatchOrder"/>'s (seed,
/// s) batch, so a resumed run reads exactly the batches of an uninterrupted one. The fill runs on
/// the step's own thread, so all of its time counts as waiting for data.
/// </summary>
public sealed class InMemoryData(TrainingData data, int batch, long seed) : IRunData
{
    private readonly TrainingData _data = data ?? throw new ArgumentNullException(nameof(data));

    public int Classes => _data.Train.Classes;

    public int Channels => _data.Train.Channels;

    public int Side => _data.Train.Side;

    public int BatchCapacity { get; } = Math.Min(batch, data?.Train.Count ?? 0);

    public string Description => _data.Description;

    public IBatchSource Training(long startStep) => new TrainingSource(this, new BatchOrder(_data.Train.Count, batch, seed), startStep);

    public IBatchSource Evaluation(EvaluationSet set, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return new EvaluationSource(set == EvaluationSet.Validation ? _data.Validation : _data.Test, batchSize);
    }

    public void Dispose()
    {
    }

    private sealed class TrainingSource(InMemoryData owner, BatchOrder order, long step) : IBatchSource
    {
        private readonly float[] _images = new float[owner.BatchCapacity * owner._data.Train.ImageSize];
        private readonly long[] _labels = new long[owner.BatchCapacity];
        private long _step = step;
        private long _handedOut;
        private long _waitedTicks;

        public DataStatistics Statistics => new(_handedOut, Stopwatch.GetElapsedTime(0, _waitedTicks), 0, []);

        public bool TryNext(out HostBatch batch)
        {
            var started = Stopwatch.GetTimestamp();
            var indices = order.Batch(_step++);
            var set = owner._data.Train;
            set.Fill(indices, _images, _labels);
            var n = indices.Length;
            batch = new HostBatch(_images.AsSpan(0, n * set.ImageSize), _labels.AsSpan(0, n), []);
            _handedOut += n;
            _waitedTicks += Stopwatch.GetTimestamp() - started;
            return true;
        }

        public void Dispose()
        {
        }
    }

    private sealed class EvaluationSource : IBatchSource
    {
        private readonly ImageDataset _set;
        private readonly int _batch;
        private readonly float[] _images;
        private readonly long[] _labels;
        private readonly int[] _indices;
        private int _start;

        public DataStatistics Statistics => new(_start, TimeSpan.Zero, 0, []);

        public EvaluationSource(ImageDataset set, int batchSize)
        {
            _set = set;
            _batch = Math.Max(1, Math.Min(batchSize, set.Count));
            _images = new float[_batch * set.ImageSize];
            _labels = new long[_batch];
            _indices = new int[_batch];
        }

        public bool TryNext(out HostBatch batch)
        {
            if (_start >= _set.Count)
            {
                batch = default;
                return false;
            }

            var n = Math.Min(_batch, _set.Count - _start);
            for (var i = 0; i < n; i++)
                _indices[i] = _start + i;
            _set.Fill(_indices.AsSpan(0, n), _images, _labels);
            _start += n;
            batch = new HostBatch(_images.AsSpan(0, n * _set.ImageSize), _labels.AsSpan(0, n), []);
            return true;
        }

        public void Dispose()
        {
        }
    }
}
