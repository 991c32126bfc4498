using static HoMM.Torch.torch;

namespace HoMM.Torch.Modules;

/// <summary>2-D convolution over [N, C, H, W]; weight [out, in/groups, kh, kw], PyTorch's default init.</summary>
public sealed class Conv2d : nn.Module<Tensor, Tensor>
{
    private readonly long[] _stride;
    private readonly long[] _padding;
    private readonly long[] _dilation;

    public Conv2d(long inChannels, long outChannels, (long, long) kernelSize, (long, long) stride, (long, long) padding, (long, long) dilation,
        long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null)
        : base(nameof(Conv2d))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        if (inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"in_channels ({inChannels}) and out_channels ({outChannels}) must both be divisible by groups ({groups})", nameof(groups));
        }

        in_channels = inChannels;
        out_channels = outChannels;
        this.groups = groups;
        kernel_size = kernelSize;
        _stride = [stride.Item1, stride.Item2];
        _padding = [padding.Item1, padding.Item2];
        _dilation = [dilation.Item1, dilation.Item2];
        register_parameter("weight", new Parameter(empty([outChannels, inChannels / groups, kernelSize.Item1, kernelSize.Item2], dtype, device)));
        register_parameter("bias", bias ? new Parameter(empty([outChannels], dtype, device)) : null);
        reset_parameters();
    }

    public long in_channels { get; }

    public long out_channels { get; }

    public long groups { get; }

    public (long, long) kernel_size { get; }

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

    public void reset_parameters()
    {
        nn.init.kaiming_uniform_(weight, Math.Sqrt(5));
        if (bias is { } b)
        {
            var (fanIn, _) = nn.init.CalculateFanInAndFanOut(weight);
            var bound = 1 / Math.Sqrt(fanIn);
            nn.init.uniform_(b, -bound, bound);
        }
    }

    public override Tensor forward(Tensor input) => nn.functional.conv2d(input, weight, bias, _stride, _padding, _dilation, groups);
}
