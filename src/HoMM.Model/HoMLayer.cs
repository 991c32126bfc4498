using HoMM.Torch;
using HoMM.Torch.Modules;
using static HoMM.Torch.torch;

namespace HoMM.Model;

/// <summary>
/// One HoMM block: x ← x + HoM(x); x ← x + FFW(x), FFW = Linear(d, f·d) → gelu → Linear(f·d, d).
/// With dropout p &gt; 0 each branch's output is dropped out (in training mode) before it is added
/// to the residual stream.
/// </summary>
public sealed class HoMLayer : nn.Module<Tensor, Tensor>
{
    private readonly HoM _hom;
    private readonly Sequential _ffw;

    public HoMLayer(long dim, long order, long orderExpand, long ffwExpand, double dropout = 0)
        : base(nameof(HoMLayer))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ffwExpand);
        if (dropout is < 0 or >= 1 || double.IsNaN(dropout))
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1)");
        Dropout = dropout;
        _hom = new HoM(dim, order, orderExpand);
        _ffw = nn.Sequential(nn.Linear(dim, ffwExpand * dim), nn.GELU(), nn.Linear(ffwExpand * dim, dim));
        RegisterComponents();
    }

    public double Dropout { get; }

    public HoM hom => _hom;

    public Sequential ffw => _ffw;

    public override Tensor forward(Tensor input) => forward(input, null);

    /// <summary>Applies the block to <paramref name="x"/> [B, N, d]; <paramref name="mask"/> [B, N] as in <see cref="HoM"/>.</summary>
    public Tensor forward(Tensor x, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(x);
        x = x + Drop(_hom.forward(x, null, mask));
        return x + Drop(_ffw.call(x));
    }

    private Tensor Drop(Tensor branch) =>
        Dropout > 0 ? nn.functional.dropout(branch, Dropout, training) : branch;
}
