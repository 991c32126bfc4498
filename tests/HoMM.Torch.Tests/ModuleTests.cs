using HoMM.Torch.Modules;
using static HoMM.Torch.torch;

namespace HoMM.Torch.Tests;

public sealed class ModuleTests
{
    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        private readonly Linear proj;
        private readonly LayerNorm _norm;
        private readonly Parameter scale;
        private readonly Dropout drop;

        public Block(long dim)
            : base(nameof(Block))
        {
            proj = nn.Linear(dim, dim);
            _norm = nn.LayerNorm(dim);
            scale = nn.Parameter(ones([dim]));
            drop = nn.Dropout(0.5);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => input + drop.call(proj.call(_norm.call(input)) * scale);
    }

    private sealed class Net : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d patch = nn.Conv2d(1, 4, 2, stride: 2);
        private readonly ModuleList<Block> layers = nn.ModuleList(new Block(4), new Block(4));
        private readonly Linear head = nn.Linear(4, 3);

        public Net()
            : base(nameof(Net)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            var x = patch.call(input).flatten(2).transpose(1, 2); // [B, tokens, 4]
            foreach (var layer in layers)
            {
                x = layer.call(x);
            }

            return head.call(x.mean([1]));
        }
    }

    [Fact]
    public void NamedParameters_FollowFieldNames_OwnBeforeSubmodules()
    {
        using var net = new Net();

        var names = net.named_parameters().Select(p => p.name).ToList();

        Assert.Equal(
            [
                "patch.weight", "patch.bias",
                "layers.0.scale", "layers.0.proj.weight", "layers.0.proj.bias", "layers.0.norm.weight", "layers.0.norm.bias",
                "layers.1.scale", "layers.1.proj.weight", "layers.1.proj.bias", "layers.1.norm.weight", "layers.1.norm.bias",
                "head.weight", "head.bias",
            ],
            names);
        Assert.All(net.parameters(), p => Assert.True(p.requires_grad && p.is_leaf));
        Assert.Equal((4 * 1 * 2 * 2) + 4 + (2 * ((4 * 4) + 4 + 4 + 4 + 4)) + (4 * 3) + 3, net.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Linear_DefaultInit_StaysWithinPyTorchBounds()
    {
        manual_seed(3);
        using var layer = nn.Linear(100, 50);

        var bound = 1 / Math.Sqrt(100);
        Assert.Equal([50L, 100L], layer.weight.shape);
        Assert.All(layer.weight.ToArray<float>(), v => Assert.InRange(v, -bound, bound));
        Assert.All(layer.bias!.ToArray<float>(), v => Assert.InRange(v, -bound, bound));
        using var scope = NewDisposeScope();
        Assert.InRange(layer.weight.std().item<double>(), bound / Math.Sqrt(3) * 0.9, bound / Math.Sqrt(3) * 1.1);
    }

    [Fact]
    public void TrainEval_PropagateToChildren_AndSwitchDropout()
    {
        using var block = new Block(4);
        using var scope = NewDisposeScope();
        var x = randn([8, 4]);

        block.eval();
        Assert.False(block.training);
        Assert.All(block.modules(), m => Assert.False(m.training));
        Assert.True(block.call(x).equal(block.call(x)));

        block.train();
        Assert.True(block.modules().All(m => m.training));
    }

    [Fact]
    public void StateDict_SaveLoad_RoundTripsExactly()
    {
        var path = Path.Combine(Path.GetTempPath(), $"homm-torch-{Guid.NewGuid():N}.bin");
        try
        {
            manual_seed(1);
            using var a = new Net();
            a.save(path);
            manual_seed(2);
            using var b = new Net();
            using var scope = NewDisposeScope();
            var x = randn([2, 1, 4, 4]);
            a.eval();
            b.eval();
            Assert.False(a.call(x).equal(b.call(x)));

            b.load(path);

            foreach (var (name, tensor) in a.state_dict())
            {
                Assert.True(tensor.equal(b.state_dict()[name]), name);
            }

            Assert.True(a.call(x).equal(b.call(x)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadStateDict_WrongShape_NamesTheKey()
    {
        using var small = nn.Linear(2, 3);
        using var big = nn.Linear(4, 3);

        var ex = Assert.Throws<InvalidOperationException>(() => small.load_state_dict(big.state_dict()));

        Assert.Contains("weight: saved [3, 4], model [3, 2]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadStateDict_Strict_ReportsMissingAndUnexpected()
    {
        using var withBias = nn.Linear(2, 3);
        using var noBias = nn.Linear(2, 3, hasBias: false);

        var ex = Assert.Throws<InvalidOperationException>(() => noBias.load_state_dict(withBias.state_dict()));
        Assert.Contains("unexpected keys [bias]", ex.Message, StringComparison.Ordinal);

        var (missing, unexpected) = withBias.load_state_dict(noBias.state_dict(), strict: false);
        Assert.Equal(["bias"], missing);
        Assert.Empty(unexpected);
    }

    [Fact]
    public void To_Float64_ConvertsParametersInPlace()
    {
        using var layer = nn.Linear(2, 2);
        var weight = layer.weight;

        layer.to(float64);

        Assert.Same(weight, layer.weight);
        Assert.Equal(ScalarType.Float64, layer.weight.dtype);
        Assert.True(layer.weight.requires_grad && layer.weight.is_leaf);
        using var scope = NewDisposeScope();
        Assert.Equal(ScalarType.Float64, layer.call(ones([1, 2], float64)).dtype);
    }

    [Fact]
    public void Sequential_ChainsInOrder_AndNamesByIndex()
    {
        using var seq = nn.Sequential(nn.Linear(3, 5), nn.GELU(), nn.Linear(5, 2));
        using var scope = NewDisposeScope();

        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], seq.named_parameters().Select(p => p.name));
        Assert.Equal([7L, 2L], seq.call(ones([7, 3])).shape);
    }

    [Fact]
    public void Dispose_FreesEveryParameter()
    {
        var before = Tensor.LiveCount;
        var net = new Net();
        Assert.True(Tensor.LiveCount > before);

        net.Dispose();

        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void Init_TruncNormal_StaysInBounds_AndHasTheRightSpread()
    {
        manual_seed(5);
        using var t = empty([20000]);

        nn.init.trunc_normal_(t, std: 0.02, a: -0.04, b: 0.04);

        var v = t.ToArray<float>();
        Assert.All(v, x => Assert.InRange(x, -0.04f, 0.04f));
        var std = Math.Sqrt(v.Select(x => (double)x * x).Average());
        // N(0, 0.02²) truncated at ±2σ has standard deviation 0.02·0.8796.
        Assert.InRange(std, 0.02 * 0.8796 * 0.97, 0.02 * 0.8796 * 1.03);
    }
}
