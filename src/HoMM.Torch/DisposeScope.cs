namespace HoMM.Torch;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost scope, and disposes them
/// when it is disposed: one scope per training step keeps native memory flat (tensors left to
/// the GC are freed far too late — about 66 MiB per step of a HoMM model). A tensor that must
/// outlive the step is moved out explicitly (<see cref="torch.Tensor.MoveToOuterDisposeScope"/>,
/// <see cref="torch.Tensor.DetachFromDisposeScope"/>). Scopes nest, belong to the thread that
/// made them, and must be disposed innermost first (a `using` does that).
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic]
    private static DisposeScope? t_current;

    private HashSet<torch.Tensor> _owned = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    private DisposeScope(DisposeScope? outer) => OuterScope = outer;

    /// <summary>The scope new tensors of this thread go to, or null.</summary>
    public static DisposeScope? Current
    {
        get
        {
            // A scope disposed from another thread could not unlink itself from this one's chain.
            while (t_current is { _disposed: true } stale)
            {
                t_current = stale.OuterScope;
            }

            return t_current;
        }
    }

    /// <summary>The scope that tensors moved out of this one go to (null: none, they are detached).</summary>
    public DisposeScope? OuterScope { get; private set; }

    /// <summary>How many tensors this scope will dispose.</summary>
    public int DisposablesCount => _owned.Count;

    internal static DisposeScope Push()
    {
        var scope = new DisposeScope(Current);
        t_current = scope;
        return scope;
    }

    internal static void Register(torch.Tensor tensor)
    {
        Current?.Include(tensor);
    }

    /// <summary>Makes this scope dispose the tensor (taking it from the scope that had it).</summary>
    public torch.Tensor Include(torch.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        tensor.OwningDisposeScope?.Forget(tensor);
        _owned.Add(tensor);
        tensor.OwningDisposeScope = this;
        return tensor;
    }

    /// <summary>Hands the tensor to the outer scope, or detaches it when there is none.</summary>
    public T MoveToOuter<T>(T tensor)
        where T : torch.Tensor
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.OwningDisposeScope != this)
        {
            return tensor;
        }

        Forget(tensor);
        if (OuterScope is not null)
        {
            OuterScope.Include(tensor);
        }

        return tensor;
    }

    /// <summary>Stops tracking the tensor: its owner disposes it.</summary>
    public T Detach<T>(T tensor)
        where T : torch.Tensor
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.OwningDisposeScope == this)
        {
            Forget(tensor);
        }

        return tensor;
    }

    /// <summary>Disposes what the scope holds now but keeps the scope open.</summary>
    public void DisposeEverything() => DisposeEverythingBut();

    /// <summary>Disposes what the scope holds now except <paramref name="keep"/>, which stay in it.</summary>
    public void DisposeEverythingBut(params torch.Tensor[] keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var owned = _owned;
        _owned = new HashSet<torch.Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var k in keep)
        {
            if (owned.Remove(k))
            {
                _owned.Add(k);
            }
        }

        foreach (var tensor in owned)
        {
            tensor.OwningDisposeScope = null;
            tensor.Dispose();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        DisposeEverything();
        _disposed = true;
        Unlink();
    }

    internal void Forget(torch.Tensor tensor)
    {
        _owned.Remove(tensor);
        tensor.OwningDisposeScope = null;
    }

    private void Unlink()
    {
        if (t_current == this)
        {
            t_current = OuterScope;
            return;
        }

        // Disposed out of order (or on another thread): splice it out of this thread's chain.
        for (var s = t_current; s is not null; s = s.OuterScope)
        {
            if (s.OuterScope == this)
            {
                s.OuterScope = OuterScope;
                return;
            }
        }
    }
}
