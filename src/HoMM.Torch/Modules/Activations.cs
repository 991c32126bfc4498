using static HoMM.Torch.torch;

namespace HoMM.Torch.Modules;

/// <summary>Dropout with probability p while training; the identity in eval mode.</summary>
public sealed class Dropout : nn.Module<Tensor, Tensor>
{
    public Dropout(double p = 0.5)
        : base(nameof(Dropout))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        this.p = p;
    }

    public double p { get; }

    public override Tensor forward(Tensor input) => nn.functional.dropout(input, p, training);
}

public sealed class GELU : nn.Module<Tensor, Tensor>
{
    private readonly string _approximate;

    public GELU(string approximate = "none")
        : base(nameof(GELU)) => _approximate = approximate;

    public override Tensor forward(Tensor input) => input.gelu(_approximate);
}

/// <summary>Returns its input (a new handle to it, so the caller may dispose either).</summary>
public sealed class Identity : nn.Module<Tensor, Tensor>
{
    public Identity()
        : base(nameof(Identity))
    {
    }

    public override Tensor forward(Tensor input) => input.alias();
}

/// <summary>A lookup table of learned vectors, initialised N(0, 1).</summary>
public sealed class Embedding : nn.Module<Tensor, Tensor>
{
    public Embedding(long numEmbeddings, long embeddingDims, Device? device = null, ScalarType? dtype = null)
        : base(nameof(Embedding)) =>
        register_parameter("weight", new Parameter(randn([numEmbeddings, embeddingDims], dtype, device)));

    public Parameter weight => GetParameter("weight")!;

    public override Tensor forward(Tensor input) => nn.functional.embedding(input, weight);
}
