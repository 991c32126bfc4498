using HoMM.TrainerSettings;
using HoMM.Torch;
using static HoMM.Torch.torch;

namespace HoMM.Model.Tests;

public sealed class HommComplexityTests
{
    public static TheoryData<HommShape, Pooling> Shapes => new()
    {
        { new HommShape(Dim: 32, Layers: 2, Patch: 7, Order: 2, OrderExpand: 4), Pooling.Cls },
        { new HommShape(Dim: 16, Layers: 3, Patch: 4, Order: 3, OrderExpand: 2, FfwExpand: 2), Pooling.Mean },
        { new HommShape(Dim: 8, Layers: 1, Patch: 5, Order: 1, OrderExpand: 8, FfwExpand: 1, ImageSize: 28), Pooling.Cls },
        { new HommShape(Dim: 12, Layers: 2, Patch: 8, Order: 4, OrderExpand: 1, ImageSize: 32, Channels: 3, Classes: 100), Pooling.Mean },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Parameters_EqualsBuiltModuleCount(HommShape shape, Pooling pooling)
    {
        using var model = new HoMVision(shape, pooling: pooling);

        var actual = model.parameters().Sum(p => p.numel());

        Assert.Equal(actual, HommComplexity.Parameters(shape));
    }

    [Fact]
    public void Parameters_UpstreamImageNetAblation_About26Million()
    {
        // Upstream README: ImageNet 160 px, patch 16, 8 layers, dim 320, order 2, order_expand 4 ≈ 26M params, ≈ 2.6 GFLOPs.
        var shape = new HommShape(Dim: 320, Layers: 8, Patch: 16, Order: 2, OrderExpand: 4, FfwExpand: 4, ImageSize: 160, Channels: 3, Classes: 1000);

        Assert.InRange(HommComplexity.Parameters(shape), 26.0e6, 27.0e6);
        Assert.InRange(HommComplexity.Flops(shape), 2.6e9, 2.8e9);
    }

    [Fact]
    public void Flops_SmallShape_MatchesHandCount()
    {
        // dim 4, 1 layer, patch 14 on 28 px: 4 patch tokens + cls = 5 tokens; order 2, order_expand 1 → width 8.
        var shape = new HommShape(Dim: 4, Layers: 1, Patch: 14, Order: 2, OrderExpand: 1, FfwExpand: 2);
        const double stem = 4 * (14 * 14) * 4;                  // 4 patches × (1·14·14) inputs × 4 outputs
        const double projections = 5 * ((4 * 8) + (4 * 8) + (8 * 4));
        const double cumulative = 5 * 4;                        // one product of two 4-wide chunks per token
        const double selection = 5 * 8;
        const double ffw = 5 * ((4 * 8) + (8 * 4));
        const double head = 4 * 10;

        Assert.Equal(stem + projections + cumulative + selection + ffw + head, HommComplexity.Flops(shape));
    }

    [Fact]
    public void Flops_GrowWithOrderAtFixedWidth()
    {
        var o1 = new HommShape(Dim: 64, Layers: 2, Patch: 7, Order: 1, OrderExpand: 8);
        var o2 = o1 with { Order = 2, OrderExpand = 4 };

        Assert.Equal(HommComplexity.Parameters(o1), HommComplexity.Parameters(o2));
        Assert.True(HommComplexity.Flops(o2) > HommComplexity.Flops(o1));
    }

    [Fact]
    public void Parameters_InvalidShape_NamesEveryBadValue()
    {
        var ex = Assert.Throws<ArgumentException>(() => HommComplexity.Parameters(new HommShape(Dim: 0, Layers: 2, Patch: 30, Order: 0, OrderExpand: 1)));

        Assert.Contains("dim must be at least 1 (got 0)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("order must be at least 1 (got 0)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("patch (30) must not exceed image_size (28)", ex.Message, StringComparison.Ordinal);
    }
}
