namespace HoMM.Torch.Native;

/// <summary>
/// Raw pointers of several tensors for one native call (cat, stack, optimizer steps), each kept
/// alive by a SafeHandle reference until disposed — what the marshaller does for a single handle.
/// A null tensor becomes nullptr.
/// </summary>
internal readonly struct HandleArray : IDisposable
{
    private readonly TensorHandle?[] _handles;

    internal HandleArray(IReadOnlyList<torch.Tensor?> tensors)
    {
        _handles = new TensorHandle?[tensors.Count];
        Pointers = new IntPtr[tensors.Count];
        try
        {
            for (var i = 0; i < tensors.Count; i++)
            {
                var handle = tensors[i]?.Handle;
                if (handle is null)
                {
                    continue;
                }

                var added = false;
                handle.DangerousAddRef(ref added);
                _handles[i] = handle;
                Pointers[i] = handle.DangerousGetHandle();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    internal IntPtr[] Pointers { get; }

    public void Dispose()
    {
        foreach (var h in _handles)
        {
            h?.DangerousRelease();
        }
    }
}
