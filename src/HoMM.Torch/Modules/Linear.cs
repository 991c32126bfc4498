using static HoMM.Torch.torch;

namespace HoMM.Torch.Modules;

/// <summary>y = x·Wᵀ + b, with W [out, in] initialised as PyTorch does (U(±1/√in) for W and b).</summary>
public sealed class Linear : nn.Module<Tensor, Tensor>
{
    public Linear(long inputSize, long outputSize, bool hasBias = true, Device? device = null, ScalarType? dtype = null)
        : base(nameof(Linear))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        in_features = inputSize;
        out_features = outputSize;
        register_parameter("weight", new Parameter(empty([outputSize, inputSize], dtype, device)));
        register_parameter("bias", hasBias ? new Parameter(empty([outputSize], dtype, device)) : null);
        reset_parameters();
    }

    public long in_features { get; }

    public long out_features { get; }

    public Parameter weight
    {
        get => GetParameter("weight")!;
        set => register_parameter("weight", value ?? throw new ArgumentNullException(nameof(value)));
    }

    public Parameter? bias
    {
        get => GetParameter("bias");
        set => register_parameter("bias", value);
    }

    /// <summary>PyTorch's default: kaiming_uniform_(a=√5) on W, i.e. U(±1/√in), and the same bound for b.</summary>
    public void reset_parameters()
    {
        nn.init.kaiming_uniform_(weight, Math.Sqrt(5));
        if (bias is { } b)
        {
            var bound = 1 / Math.Sqrt(in_features);
            nn.init.uniform_(b, -bound, bound);
        }
    }

    public override Tensor forward(Tensor input) => nn.functional.linear(input, weight, bias);
}
