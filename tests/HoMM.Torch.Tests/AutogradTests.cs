using static HoMM.Torch.torch;

namespace HoMM.Torch.Tests;

public sealed class AutogradTests
{
    [Fact]
    public void Backward_OfSumOfSquares_IsTwiceTheInput()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, -2, 3 }, requires_grad: true);

        (x * x).sum().backward();

        Assert.Equal([2.0, -4, 6], x.grad!.ToArray<double>());
    }

    [Fact]
    public void Grad_Accumulates_UntilSetToNone()
    {
        using var scope = NewDisposeScope();
        var x = ones([2], requires_grad: true);

        (x * 3).sum().backward();
        (x * 3).sum().backward();
        Assert.Equal([6f, 6], x.grad!.ToArray<float>());

        x.grad = null;
        Assert.Null(x.grad);
    }

    // f(x, W, b, s) = Σ (sigmoid(s) ⊙ mean_tokens(cumprod over chunks of gelu(xWᵀ + b)))² — the
    // shape of HoMM's high-order aggregation, checked against central differences in float64.
    private static Tensor Composed(Tensor x, Tensor w, Tensor b, Tensor s, Tensor? mask)
    {
        var h = nn.functional.gelu(nn.functional.linear(x, w, b)); // [B, N, 6]
        var pieces = h.chunk(3, -1); // 3 × [B, N, 2]
        var products = stack(pieces, 0).cumprod(0); // [3, B, N, 2]
        var moments = cat(products.unbind(0), -1); // [B, N, 6]
        Tensor pooled;
        if (mask is null)
        {
            pooled = moments.mean([1], keepdim: true);
        }
        else
        {
            var m = mask.unsqueeze(-1);
            pooled = (moments * m).sum([1], keepdim: true) / m.sum([1], keepdim: true);
        }

        return (s.sigmoid() * pooled).square().sum();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GradCheck_ComposedFunction_MatchesFiniteDifferences(bool masked)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var inputs = new[]
        {
            randn([2, 3, 4], float64),
            randn([6, 4], float64),
            randn([6], float64),
            randn([2, 3, 6], float64),
        };
        var mask = masked ? tensor(new double[] { 1, 1, 0, 1, 0, 1 }, [2, 3]) : null;
        var values = inputs.Select(t => t.ToArray<double>()).ToArray();
        var shapes = inputs.Select(t => t.shape).ToArray();

        double Evaluate(double[][] v)
        {
            using var s = NewDisposeScope();
            using var g = no_grad();
            var t = v.Select((a, i) => tensor(a, shapes[i])).ToArray();
            return Composed(t[0], t[1], t[2], t[3], mask).item<double>();
        }

        var leaves = values.Select((a, i) => tensor(a, shapes[i], requires_grad: true)).ToArray();
        Composed(leaves[0], leaves[1], leaves[2], leaves[3], mask).backward();

        const double h = 1e-6;
        for (var k = 0; k < values.Length; k++)
        {
            var analytic = leaves[k].grad!.ToArray<double>();
            for (var i = 0; i < values[k].Length; i++)
            {
                var original = values[k][i];
                values[k][i] = original + h;
                var up = Evaluate(values);
                values[k][i] = original - h;
                var down = Evaluate(values);
                values[k][i] = original;
                var numeric = (up - down) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)),
                    $"input {k} element {i}: finite difference {numeric}, autograd {analytic[i]}");
            }
        }
    }

    [Fact]
    public void RetainGrad_OnIntermediate_KeepsItsGradient()
    {
        using var scope = NewDisposeScope();
        var x = ones([2], requires_grad: true);
        var y = (x * 2).retain_grad();

        (y * 5).sum().backward();

        Assert.Equal([5f, 5], y.grad!.ToArray<float>());
        Assert.Equal([10f, 10], x.grad!.ToArray<float>());
    }

    [Fact]
    public void Autocast_OnCpu_RunsLinearInBfloat16_AndRestoresState()
    {
        using var scope = NewDisposeScope();
        var x = randn([4, 8]);
        var w = randn([3, 8]);

        using (autocast(DeviceType.CPU))
        {
            Assert.True(is_autocast_enabled(DeviceType.CPU));
            Assert.Equal(ScalarType.BFloat16, nn.functional.linear(x, w).dtype);
        }

        Assert.False(is_autocast_enabled(DeviceType.CPU));
        Assert.Equal(ScalarType.Float32, nn.functional.linear(x, w).dtype);
    }

    [Fact]
    public void Autocast_OnCpu_LeavesOpsOutsideItsListInFloat32()
    {
        using var scope = NewDisposeScope();
        var x = randn([4, 8]);

        using (autocast(DeviceType.CPU, bfloat16))
        {
            Assert.Equal(ScalarType.Float32, (x + x).dtype);
            Assert.Equal(ScalarType.Float32, nn.functional.gelu(x).dtype);
        }
    }

    [Fact]
    public void Autocast_BlockThrows_LeavesNoScopeBehind()
    {
        using var scope = NewDisposeScope();
        var x = randn([4, 8]);
        var w = randn([3, 8]);

        var e = Assert.Throws<TorchException>(() =>
        {
            using (autocast(DeviceType.CPU, bfloat16))
                nn.functional.linear(x, randn([3, 5]));
        });

        Assert.Contains("shapes cannot be multiplied", e.Message, StringComparison.Ordinal);
        Assert.False(is_autocast_enabled(DeviceType.CPU));
        Assert.Equal(ScalarType.Float32, nn.functional.linear(x, w).dtype);
    }

    [Fact]
    public void Autocast_Nested_InnerDisabledScopeRunsFloat32AndRestoresTheOuter()
    {
        using var scope = NewDisposeScope();
        var x = randn([4, 8]);
        var w = randn([3, 8]);

        using (autocast(DeviceType.CPU, bfloat16))
        {
            using (autocast(DeviceType.CPU, enabled: false))
                Assert.Equal(ScalarType.Float32, nn.functional.linear(x, w).dtype);
            Assert.True(is_autocast_enabled(DeviceType.CPU));
            Assert.Equal(ScalarType.BFloat16, nn.functional.linear(x, w).dtype);
        }

        Assert.False(is_autocast_enabled(DeviceType.CPU));
    }

    [Fact]
    public void Autocast_IntegerDtype_ThrowsAndChangesNothing()
    {
        var e = Assert.Throws<TorchException>(() => autocast(DeviceType.CPU, int64));

        Assert.Contains("autocast runs in bfloat16, float16 or float32, not Long", e.Message, StringComparison.Ordinal);
        Assert.False(is_autocast_enabled(DeviceType.CPU));
    }
}
