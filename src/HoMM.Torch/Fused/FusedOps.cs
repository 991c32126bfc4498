using HoMM.Torch.Native;
using static HoMM.Torch.torch;

namespace HoMM.Torch.Fused;

/// <summary>
/// HoMM operations fused in the shim (native/homm_fused.cpp), with their own backward. Not part of
/// TorchSharp: code that must also run on TorchSharp keeps the composed form as its fallback —
/// it is written out in <see cref="high_order_aggregation"/>'s documentation.
/// </summary>
#pragma warning disable CA1707, IDE1006 // PyTorch-style names, like the rest of the API.
public static class FusedOps
{
    /// <summary>
    /// HoMM's high-order aggregation of <paramref name="h"/> [B, N, order·S] (the ho_proj output)
    /// into [B, 1, order·S]: g = gelu(h); split g into <paramref name="order"/> chunks on the last
    /// dimension; p_k = g_0⊙…⊙g_k; concatenate the p_k; average over the N tokens — a masked mean
    /// Σ_n m_n·x_n / Σ_n m_n when <paramref name="mask"/> [B, N] is given. Equal to
    /// <code>
    /// var g = gelu(h).chunk(order, -1); for (i = 1..order-1) g[i] = g[i-1] * g[i];
    /// var x = cat(g, -1);
    /// mask is null ? x.mean([1], keepdim: true) : (x * m).sum([1], keepdim: true) / m.sum([1], keepdim: true)  // m = mask.unsqueeze(-1)
    /// </code>
    /// but on CPU float32/float64 it stores none of the intermediates (forward keeps only h) and
    /// runs in one pass each way. <paramref name="fused"/> = false runs the composed form.
    /// </summary>
    public static Tensor high_order_aggregation(Tensor h, long order, Tensor? mask = null, bool fused = true)
    {
        ArgumentNullException.ThrowIfNull(h);
        return Tensor.Wrap(NativeMethods.ht_high_order_aggregation(h.Handle, order, mask?.Handle ?? TensorHandle.Null, fused ? 1 : 0));
    }
}
#pragma warning restore CA1707, IDE1006
