using HoMM.TrainerSettings;
using HoMM.Torch;
using HoMM.Torch.Modules;
using static HoMM.Torch.torch;

namespace HoMM.Model;

/// <summary>How <see cref="HoMVision"/> reads the image representation out of its tokens.</summary>
public enum Pooling
{
    /// <summary>The cls token (prepended to the patch tokens) after the last layer.</summary>
    Cls,

    /// <summary>The mean of the patch tokens (cls excluded; masked mean with a mask).</summary>
    Mean,
}

/// <summary>
/// HoMM image classifier (upstream <c>HoMVision</c>): a Conv2d stem with kernel = stride = patch
/// turns [B, C, H, W] into patch tokens [B, n, d]; learned positions are added; a learned cls token
/// is prepended; <see cref="HoMLayer"/>s mix them; out_proj reads the logits from the cls token or
/// the mean of the patch tokens.
/// Initialisation as upstream: Xavier-uniform weights and zero biases for every Linear and the stem,
/// positions and cls ~ N(0, 0.02) truncated at ±0.04, out_proj weight zero and bias −6.9 with cls
/// pooling (0 with mean pooling).
/// </summary>
public sealed class HoMVision : nn.Module<Tensor, Tensor>
{
    /// <summary>out_proj's initial bias with cls pooling: sigmoid(−6.9) ≈ 0.001, upstream's choice.</summary>
    public const double ClsOutputBias = -6.9;

    private readonly Conv2d _conv;
    private readonly Parameter _position;
    private readonly Parameter _cls;
    private readonly ModuleList<HoMLayer> _layers;
    private readonly Linear _out_proj;

    public HoMVision(HommShape shape, double dropout = 0, Pooling pooling = Pooling.Cls)
        : base(nameof(HoMVision))
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        Shape = shape;
        Pooling = pooling;
        _conv = nn.Conv2d(shape.Channels, shape.Dim, shape.Patch, stride: shape.Patch);
        _position = nn.Parameter(zeros([1, shape.PatchTokens, shape.Dim]));
        _cls = nn.Parameter(zeros([1, 1, shape.Dim]));
        _layers = nn.ModuleList(Enumerable.Range(0, shape.Layers)
            .Select(_ => new HoMLayer(shape.Dim, shape.Order, shape.OrderExpand, shape.FfwExpand, dropout))
            .ToArray());
        _out_proj = nn.Linear(shape.Dim, shape.Classes);
        RegisterComponents();
        Initialise();
    }

    public HommShape Shape { get; }

    public Pooling Pooling { get; }

    public Conv2d conv => _conv;

    public Parameter position => _position;

    public Parameter cls => _cls;

    public ModuleList<HoMLayer> layers => _layers;

    public Linear out_proj => _out_proj;

    /// <summary>Logits [B, classes] of images <paramref name="input"/> [B, C, H, W].</summary>
    public override Tensor forward(Tensor input) => forward(input, null);

    /// <summary>Logits [B, classes]; <paramref name="mask"/> [B, n] (patch tokens; 1 = counts) optionally hides patches.</summary>
    public Tensor forward(Tensor images, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(images);
        var patches = _conv.call(images).flatten(2).transpose(1, 2);  // [B, n, d]
        var batch = patches.shape[0];
        var x = cat([_cls.expand(batch, 1, Shape.Dim), patches + _position], 1);
        Tensor? tokenMask = mask is null ? null : cat([ones([batch, 1], mask.dtype, mask.device), mask], 1);
        foreach (var layer in _layers)
            x = layer.forward(x, tokenMask);
        var pooled = Pooling switch
        {
            Pooling.Cls => x.select(1, 0),
            _ when mask is null => x.narrow(1, 1, x.shape[1] - 1).mean([1]),
            _ => MaskedMean(x.narrow(1, 1, x.shape[1] - 1), mask!),
        };
        return _out_proj.call(pooled);
    }

    private static Tensor MaskedMean(Tensor tokens, Tensor mask)
    {
        var m = mask.to(tokens.dtype).unsqueeze(-1);
        return (tokens * m).sum([1]) / m.sum([1]);
    }

    private void Initialise()
    {
        using var _ = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Linear linear:
                    nn.init.xavier_uniform_(linear.weight);
                    if (linear.bias is { } lb)
                        nn.init.zeros_(lb);
                    break;
                case Conv2d conv2d:
                    nn.init.xavier_uniform_(conv2d.weight);
                    if (conv2d.bias is { } cb)
                        nn.init.zeros_(cb);
                    break;
            }
        }

        nn.init.trunc_normal_(_position, std: 0.02, a: -0.04, b: 0.04);
        nn.init.trunc_normal_(_cls, std: 0.02, a: -0.04, b: 0.04);
        nn.init.zeros_(_out_proj.weight);
        nn.init.constant_(_out_proj.bias!, Pooling == Pooling.Cls ? ClsOutputBias : 0);
    }
}
