using System.Globalization;
using HoMM.Dispatch.Processes;

namespace HoMM.Dispatch.Slots;

/// <summary>
/// The slots of one worker, lent to one trial at a time: a trial holds its slot (and so its GPU or
/// CPU share) for the whole of its attempt, and no two running trials ever share one.
/// <para>
/// GPU slots of one GPU (the same <c>CUDA_VISIBLE_DEVICES</c>) are neighbours. Each GPU has a limit
/// on the slots lent at once, at first all of its slots; <see cref="ReportOutOfMemory"/> lowers it
/// when a trial ran out of GPU memory beside neighbours, so that its retry and later trials run
/// with fewer. Limits hold for the pool's life (one run or worker); the next plan starts afresh.
/// </para>
/// Thread-safe.
/// </summary>
public sealed class SlotPool
{
    private readonly Lock _lock = new();
    private readonly List<TrainerSlot> _available;
    private readonly Dictionary<string, int> _order;
    private readonly Dictionary<string, int> _limit = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SlotLease>> _lent = new(StringComparer.Ordinal);
    private readonly LinkedList<TaskCompletionSource<SlotLease>> _waiting = new();
    private int _inUse;

    public SlotPool(IReadOnlyList<TrainerSlot> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        if (slots.Count == 0)
            throw new ArgumentException("a worker needs at least one slot", nameof(slots));
        if (slots.Select(s => s.Id).Distinct(StringComparer.Ordinal).Count() != slots.Count)
            throw new ArgumentException("slot ids must be unique", nameof(slots));
        Slots = slots;
        _available = [.. slots];
        _order = slots.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        foreach (var group in slots.GroupBy(Group, StringComparer.Ordinal))
        {
            _limit[group.Key] = group.Count();
            _lent[group.Key] = [];
        }
    }

    public IReadOnlyList<TrainerSlot> Slots { get; }

    /// <summary>How many slots are lent out now.</summary>
    public int InUse
    {
        get
        {
            lock (_lock)
                return _inUse;
        }
    }

    /// <summary>The most trials GPU <paramref name="cudaVisibleDevices"/> runs at once now.</summary>
    public int GpuLimit(string cudaVisibleDevices)
    {
        lock (_lock)
            return _limit[cudaVisibleDevices];
    }

    /// <summary>Waits for a free slot (the lowest id whose GPU is under its limit) and lends it until the lease is disposed.</summary>
    public Task<SlotLease> AcquireAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<SlotLease> waiter;
        LinkedListNode<TaskCompletionSource<SlotLease>> node;
        lock (_lock)
        {
            if (_waiting.Count == 0 && TryLend() is { } lease)
                return Task.FromResult(lease);
            waiter = new TaskCompletionSource<SlotLease>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiting.AddLast(waiter);
        }
        if (!cancellationToken.CanBeCanceled)
            return waiter.Task;
        var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                if (node.List is null)
                    return; // already served: the lease is the waiter's
                _waiting.Remove(node);
            }
            waiter.TrySetCanceled(cancellationToken);
        });
        return WaitAsync(waiter.Task, registration);
    }

    private static async Task<SlotLease> WaitAsync(Task<SlotLease> task, CancellationTokenRegistration registration)
    {
        using (registration)
            return await task.ConfigureAwait(false);
    }

    /// <summary>
    /// A trial on <paramref name="lease"/>'s slot ran out of memory on its GPU. When it had
    /// neighbours there, that GPU's limit drops to the number of neighbours it had at most
    /// (so a retry has fewer) and the answer says to retry; alone on its GPU, or on a CPU slot,
    /// fewer neighbours cannot help and the answer says so.
    /// </summary>
    public OutOfMemoryDecision ReportOutOfMemory(SlotLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (lease.Slot.CudaVisibleDevices is not { } gpu)
            return new OutOfMemoryDecision(false, 0, null, "it ran on a CPU slot");
        lock (_lock)
        {
            var neighbours = lease.MostNeighbours;
            if (neighbours == 0)
                return new OutOfMemoryDecision(false, 0, _limit[gpu], string.Create(CultureInfo.InvariantCulture, $"it ran alone on GPU {gpu}, so fewer neighbours cannot help"));
            _limit[gpu] = Math.Max(1, Math.Min(_limit[gpu], neighbours));
            return new OutOfMemoryDecision(true, neighbours, _limit[gpu], string.Create(CultureInfo.InvariantCulture,
                $"it ran beside {neighbours} other trial{(neighbours == 1 ? "" : "s")} on GPU {gpu}, which now runs at most {_limit[gpu]} at once"));
        }
    }

    /// <summary>Lends the first available slot whose group is under its limit; under the lock.</summary>
    private SlotLease? TryLend()
    {
        for (var i = 0; i < _available.Count; i++)
        {
            var slot = _available[i];
            var group = Group(slot);
            var lent = _lent[group];
            if (lent.Count >= _limit[group])
                continue;
            _available.RemoveAt(i);
            _inUse++;
            var lease = new SlotLease(this, slot) { MostNeighbours = lent.Count };
            foreach (var other in lent)
                other.MostNeighbours = Math.Max(other.MostNeighbours, lent.Count);
            lent.Add(lease);
            return lease;
        }
        return null;
    }

    private void Return(SlotLease lease)
    {
        var served = new List<(TaskCompletionSource<SlotLease> Waiter, SlotLease Lease)>();
        lock (_lock)
        {
            _lent[Group(lease.Slot)].Remove(lease);
            _available.Add(lease.Slot);
            _available.Sort((a, b) => _order[a.Id].CompareTo(_order[b.Id]));
            _inUse--;
            while (_waiting.First is { } first && TryLend() is { } next)
            {
                _waiting.RemoveFirst();
                served.Add((first.Value, next));
            }
        }
        // Outside the lock: a waiter cancelled in between gives its lease straight back.
        foreach (var (waiter, next) in served)
        {
            if (!waiter.TrySetResult(next))
                next.Dispose();
        }
    }

    /// <summary>Slots of one GPU are one group; every CPU slot is a group of its own.</summary>
    private static string Group(TrainerSlot slot) => slot.CudaVisibleDevices ?? "cpu:" + slot.Id;

    /// <summary>One lent slot; disposing it returns the slot (once).</summary>
    public sealed class SlotLease : IDisposable
    {
        private readonly SlotPool _pool;
        private int _returned;

        internal SlotLease(SlotPool pool, TrainerSlot slot)
        {
            _pool = pool;
            Slot = slot;
        }

        public TrainerSlot Slot { get; }

        /// <summary>The most other trials that ran on this slot's GPU at once while the lease was held.</summary>
        public int MostNeighbours { get; internal set; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
                _pool.Return(this);
        }
    }
}

/// <summary>What <see cref="SlotPool.ReportOutOfMemory"/> decided.</summary>
/// <param name="Retry">True: retry the trial (its GPU's limit was lowered).</param>
/// <param name="Neighbours">The most other trials that shared its GPU while it ran.</param>
/// <param name="GpuLimit">Its GPU's limit now; null for a CPU slot.</param>
/// <param name="Why">Says which, for the attempt's reason and the run's log.</param>
public sealed record OutOfMemoryDecision(bool Retry, int Neighbours, int? GpuLimit, string Why);
