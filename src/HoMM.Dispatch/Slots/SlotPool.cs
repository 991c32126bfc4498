using HoMM.Dispatch.Processes;

namespace HoMM.Dispatch.Slots;

/// <summary>
/// The slots of one worker, lent to one trial at a time: a trial holds its slot (and so its GPU or
/// CPU share) for the whole of its attempt, and no two running trials ever share one.
/// Thread-safe.
/// </summary>
public sealed class SlotPool
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _free;
    private readonly List<TrainerSlot> _available;
    private readonly Dictionary<string, int> _order;
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
        _free = new SemaphoreSlim(slots.Count, slots.Count);
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

    /// <summary>Waits for a free slot (the lowest id first) and lends it until the lease is disposed.</summary>
    public async Task<SlotLease> AcquireAsync(CancellationToken cancellationToken)
    {
        await _free.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var slot = _available[0];
            _available.RemoveAt(0);
            _inUse++;
            return new SlotLease(this, slot);
        }
    }

    private void Return(TrainerSlot slot)
    {
        lock (_lock)
        {
            _available.Add(slot);
            _available.Sort((a, b) => _order[a.Id].CompareTo(_order[b.Id]));
            _inUse--;
        }
        _free.Release();
    }

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

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
                _pool.Return(Slot);
        }
    }
}
