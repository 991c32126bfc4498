using static HoMM.Torch.torch;

namespace HoMM.Torch.Modules;

/// <summary>Normalises the last dimensions to zero mean and unit variance, then scales (1) and shifts (0).</summary>
public sealed class LayerNorm : nn.Module<Tensor, Tensor>
{
    private readonly long[] _shape;

    public LayerNorm(long[] normalizedShape, double eps = 1e-05, bool elementwiseAffine = true, bool bias = true, Device? device = null, ScalarType? dtype = null)
        : base(nameof(LayerNorm))
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        _shape = (long[])normalizedShape.Clone();
        this.eps = eps;
        register_parameter("weight", elementwiseAffine ? new Parameter(ones(_shape, dtype, device)) : null);
        register_parameter("bias", elementwiseAffine && bias ? new Parameter(zeros(_shape, dtype, device)) : null);
    }

    public double eps { get; }

    public Parameter? weight => GetParameter("weight");

    public Parameter? bias => GetParameter("bias");

    public override Tensor forward(Tensor input) => nn.functional.layer_norm(input, _shape, weight, bias, eps);
}
