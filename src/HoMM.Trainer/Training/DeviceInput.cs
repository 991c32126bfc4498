using HoMM.Torch;
using HoMM.Trainer.Data;
using static HoMM.Torch.torch;

namespace HoMM.Trainer.Training;

/// <summary>
/// The model's input tensors, allocated once and refilled from each <see cref="HostBatch"/> with one
/// memcpy per tensor (no allocation, no per-element loop in C#). On the CPU the model reads these
/// host tensors directly; on CUDA they sit in pinned memory and are copied to the GPU without
/// blocking. Reusing a pinned buffer is safe because every step and evaluation batch reads a value
/// back (<c>item()</c>) before the next fill, which waits for the stream's earlier copy.
/// </summary>
internal sealed class DeviceInput : IDisposable
{
    private readonly Device _device;
    private readonly Tensor _images;
    private readonly Tensor _labels;
    private readonly Tensor _targets;

    public DeviceInput(int capacity, int channels, int side, int classes, Device device)
    {
        _device = device;
        var pinned = device.type == DeviceType.CUDA;
        _images = Host(empty([capacity, channels, side, side], float32), pinned);
        _labels = Host(empty([capacity], int64), pinned);
        _targets = Host(empty([capacity, classes], float32), pinned);
    }

    /// <summary>The batch's images [n, C, S, S], labels [n] and soft targets [n, classes] (null without CutMix/MixUp) on the device.</summary>
    public (Tensor Images, Tensor Labels, Tensor? SoftTargets) Load(HostBatch batch)
    {
        var n = batch.Count;
        var images = _images.narrow(0, 0, n);
        images.copy_from(batch.Images);
        var labels = _labels.narrow(0, 0, n);
        labels.copy_from(batch.Labels);
        Tensor? targets = null;
        if (!batch.SoftTargets.IsEmpty)
        {
            targets = _targets.narrow(0, 0, n);
            targets.copy_from(batch.SoftTargets);
        }

        return (OnDevice(images), OnDevice(labels), targets is null ? null : OnDevice(targets));
    }

    public void Dispose()
    {
        _images.Dispose();
        _labels.Dispose();
        _targets.Dispose();
    }

    private Tensor OnDevice(Tensor host) => _device.type == DeviceType.CPU ? host : host.to(_device, non_blocking: true, copy: false);

    private static Tensor Host(Tensor tensor, bool pinned)
    {
        if (!pinned)
            return tensor;
        using (tensor)
            return tensor.pin_memory();
    }
}
