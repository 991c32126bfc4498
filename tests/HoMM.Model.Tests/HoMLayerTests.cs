using HoMM.TrainerSettings;
using HoMM.Torch;
using static HoMM.Torch.torch;

namespace HoMM.Model.Tests;

public sealed class HoMLayerTests
{
    [Fact]
    public void Backward_Float64_MatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var layer = new HoMLayer(dim: 4, order: 3, orderExpand: 2, ffwExpand: 2).to(float64);
        var x = randn([2, 5, 4], float64, requires_grad: true);
        var weights = randn([2, 5, 4], float64);
        Tensor Loss() => (layer.forward(x) * weights).sum();

        Loss().backward();

        // Every input element and a spread of parameter elements, by central differences.
        var checkedTensors = new List<(string Name, Tensor Value)> { ("x", x) };
        checkedTensors.AddRange(layer.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
        var compared = 0;
        foreach (var (name, value) in checkedTensors)
        {
            var analytic = value.grad!.ToArray<double>();
            var flat = value.view(-1);
            var count = flat.shape[0];
            var stride = Math.Max(1, count / 7);
            for (long i = 0; i < count; i += name == "x" ? 1 : stride)
            {
                const double eps = 1e-6;
                double plus, minus;
                using (no_grad())
                {
                    var original = flat[i].item<double>();
                    flat[i].fill_(original + eps);
                    plus = Loss().item<double>();
                    flat[i].fill_(original - eps);
                    minus = Loss().item<double>();
                    flat[i].fill_(original);
                }

                var numeric = (plus - minus) / (2 * eps);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)),
                    $"{name}[{i}]: analytic {analytic[i]:G9}, finite differences {numeric:G9}");
                compared++;
            }
        }

        Assert.True(compared > 40, $"only {compared} elements compared");
    }

    [Fact]
    public void Forward_ResidualBranches_AddHoMThenFeedForward()
    {
        using var scope = NewDisposeScope();
        manual_seed(8);
        using var layer = new HoMLayer(dim: 6, order: 2, orderExpand: 2, ffwExpand: 3);
        var x = randn([3, 5, 6]);

        var mid = x + layer.hom.call(x);
        var expected = (mid + layer.ffw.call(mid)).ToArray<float>();

        Assert.Equal(expected, layer.call(x).ToArray<float>());
    }

    [Fact]
    public void Forward_DropoutInEvalMode_IsIdentityOfBranches()
    {
        using var scope = NewDisposeScope();
        manual_seed(9);
        using var withDropout = new HoMLayer(dim: 6, order: 2, orderExpand: 2, ffwExpand: 3, dropout: 0.5);
        var x = randn([2, 4, 6]);
        withDropout.eval();
        var mid = x + withDropout.hom.call(x);
        var expected = (mid + withDropout.ffw.call(mid)).ToArray<float>();

        Assert.Equal(expected, withDropout.call(x).ToArray<float>());
        withDropout.train();
        Assert.NotEqual(expected, withDropout.call(x).ToArray<float>());
    }
}
