using HoMM.Torch;
using HoMM.Torch.Fused;
using HoMM.Torch.Modules;
using static HoMM.Torch.torch;

namespace HoMM.Model;

/// <summary>
/// High-order moment mixing (upstream HoMM's <c>HoM</c>). For query tokens xq [B, M, d] and context
/// tokens xc [B, N, d] (xc = xq for self-mixing):
/// <code>
/// h  = ho_proj(xc)                                   [B, N, k·e·d]
/// g  = gelu(h) split into k chunks; p_j = g_0 ⊙ … ⊙ g_j; m = cat(p_0 … p_{k-1})
/// m̄ = mean of m over the N context tokens           [B, 1, k·e·d]  (masked mean Σ m_n·mask_n / Σ mask_n with a mask [B, N])
/// y  = ag_proj(sigmoid(se_proj(xq)) ⊙ m̄)            [B, M, d]
/// </code>
/// The aggregation (gelu → cumulative products → token mean) runs as one fused op of the shim on
/// CPU (FusedOps.high_order_aggregation), which keeps none of its intermediates for backward.
/// </summary>
public sealed class HoM : nn.Module<Tensor, Tensor>
{
    private readonly Linear _ho_proj;
    private readonly Linear _se_proj;
    private readonly Linear _ag_proj;

    public HoM(long dim, long order, long orderExpand, bool bias = true)
        : base(nameof(HoM))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(order);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(orderExpand);
        Dim = dim;
        Order = order;
        OrderExpand = orderExpand;
        var width = order * orderExpand * dim;
        _ho_proj = nn.Linear(dim, width, bias);
        _se_proj = nn.Linear(dim, width, bias);
        _ag_proj = nn.Linear(width, dim, bias);
        RegisterComponents();
    }

    public long Dim { get; }

    public long Order { get; }

    public long OrderExpand { get; }

    /// <summary>The high-order projection (d → k·e·d) applied to the context tokens.</summary>
    public Linear ho_proj => _ho_proj;

    /// <summary>The selection projection (d → k·e·d) applied to the query tokens, through a sigmoid.</summary>
    public Linear se_proj => _se_proj;

    /// <summary>The aggregation projection (k·e·d → d).</summary>
    public Linear ag_proj => _ag_proj;

    /// <summary>Self-mixing: xq = xc = <paramref name="input"/>, no mask.</summary>
    public override Tensor forward(Tensor input) => forward(input, null, null);

    /// <summary>
    /// Mixes <paramref name="xq"/> [B, M, d] with the moments of <paramref name="xc"/> [B, N, d]
    /// (null: xq). <paramref name="mask"/> [B, N] weights the context tokens (1 = counts, 0 = ignored).
    /// </summary>
    public Tensor forward(Tensor xq, Tensor? xc, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(xq);
        var h = _ho_proj.call(xc ?? xq);
        var moments = FusedOps.high_order_aggregation(h, Order, mask);
        var selection = _se_proj.call(xq).sigmoid();
        return _ag_proj.call(selection * moments);
    }
}
