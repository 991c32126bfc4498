using HoMM.TrainerSettings;
using HoMM.Torch;
using static HoMM.Torch.torch;

namespace HoMM.Model.Tests;

public sealed class HoMVisionTests
{
    private static readonly HommShape Small = new(Dim: 16, Layers: 2, Patch: 7, Order: 2, OrderExpand: 2, FfwExpand: 2);

    [Fact]
    public void Forward_ClsPoolingAtInit_GivesLogitsOfMinus6Point9()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = new HoMVision(Small);

        var logits = model.call(randn([3, 1, 28, 28]));

        Assert.Equal([3L, 10L], logits.shape);
        Assert.All(logits.ToArray<float>(), v => Assert.Equal(-6.9, v, 1e-6));
    }

    [Fact]
    public void Init_FollowsUpstream()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var model = new HoMVision(Small with { Dim = 64 }, pooling: Pooling.Mean);

        Assert.All(model.out_proj.bias!.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(model.out_proj.weight.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(model.position.ToArray<float>(), v => Assert.InRange(v, -0.04f, 0.04f));
        Assert.All(model.layers[0].hom.ho_proj.bias!.ToArray<float>(), v => Assert.Equal(0f, v));
        // Xavier-uniform bound for ho_proj [64·2·2, 64]: sqrt(6 / (64 + 256)).
        var bound = Math.Sqrt(6.0 / (64 + 256));
        var w = model.layers[0].hom.ho_proj.weight.ToArray<float>();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.True(w.Max() > 0.9 * bound);
    }

    [Theory]
    [InlineData(Pooling.Cls)]
    [InlineData(Pooling.Mean)]
    public void Forward_MaskedPatch_ContentDoesNotReachLogits(Pooling pooling)
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var model = new HoMVision(Small, pooling: pooling);
        using (no_grad())
            model.out_proj.weight.normal_(0, 1);
        var images = randn([1, 1, 28, 28]);
        var changed = images.clone();
        using (no_grad())
            changed[.., .., 0..7, 0..7] += 3;  // the first patch (token 0)
        var mask = ones([1, Small.PatchTokens]);
        using (no_grad())
            mask[0, 0].fill_(0.0);

        var a = model.forward(images, mask).ToArray<float>();
        var b = model.forward(changed, mask).ToArray<float>();
        var unmasked = model.forward(changed, null).ToArray<float>();

        Assert.Equal(a, b);
        Assert.NotEqual(a, unmasked);
    }
}
