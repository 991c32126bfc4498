using System.Diagnostics;
using HoMM.Torch.Fused;
using Xunit.Abstractions;
using static HoMM.Torch.torch;

namespace HoMM.Torch.Tests;

public sealed class FusedOpsTests(ITestOutputHelper output)
{
    private static double Gelu(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

    private static double Erf(double x)
    {
        double sum = 0, term = x;
        for (var n = 0; n < 200; n++)
        {
            sum += term / ((2 * n) + 1);
            term *= -x * x / (n + 1);
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HighOrderAggregation_EqualsElementWiseFormula(bool masked)
    {
        using var scope = NewDisposeScope();
        const int B = 2, N = 3, K = 3, S = 2;
        manual_seed(4);
        var h = randn([B, N, K * S], float64);
        double[] maskValues = [1, 0, 1, 1, 1, 0];
        var mask = masked ? tensor(maskValues, [B, N]) : null;
        var hv = h.ToArray<double>();

        var expected = new double[B * K * S];
        for (var b = 0; b < B; b++)
        {
            var weight = Enumerable.Range(0, N).Select(n => masked ? maskValues[(b * N) + n] : 1.0).ToArray();
            for (var k = 0; k < K; k++)
            {
                for (var s = 0; s < S; s++)
                {
                    double total = 0;
                    for (var n = 0; n < N; n++)
                    {
                        var product = 1.0;
                        for (var i = 0; i <= k; i++)
                        {
                            product *= Gelu(hv[(((b * N) + n) * K * S) + (i * S) + s]);
                        }

                        total += weight[n] * product;
                    }

                    expected[(b * K * S) + (k * S) + s] = total / weight.Sum();
                }
            }
        }

        var fused = FusedOps.high_order_aggregation(h, K, mask);

        Assert.Equal([(long)B, 1, K * S], fused.shape);
        var actual = fused.ToArray<double>();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-12);
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(4, true)]
    public void HighOrderAggregation_FusedAndComposed_AgreeInValueAndGradient(int order, bool masked)
    {
        using var scope = NewDisposeScope();
        manual_seed(order);
        var h0 = randn([5, 7, order * 6]);
        var mask = masked ? rand([5, 7]).gt(0.3).to(float32) : null;
        mask?.index_fill_(1, TensorIndex.Colon, 0);
        var upstream = randn([5, 1, order * 6]);

        (Tensor value, Tensor grad) Run(bool fused)
        {
            var h = h0.detach().requires_grad_();
            var y = FusedOps.high_order_aggregation(h, order, mask, fused);
            (y * upstream).sum().backward();
            return (y.detach(), h.grad!);
        }

        var (fusedValue, fusedGrad) = Run(true);
        var (plainValue, plainGrad) = Run(false);

        Assert.True(fusedValue.allclose(plainValue, 1e-5, 1e-6), "values differ");
        Assert.True(fusedGrad.allclose(plainGrad, 1e-5, 1e-6), "gradients differ");
    }

    [Fact]
    public void HighOrderAggregation_GradCheckInFloat64()
    {
        using var scope = NewDisposeScope();
        manual_seed(9);
        var shape = new long[] { 2, 4, 6 };
        var values = randn(shape, float64).ToArray<double>();
        var mask = tensor(new double[] { 1, 1, 0, 1, 0, 1, 1, 1 }, [2, 4]);
        var weights = randn([2, 1, 6], float64);

        double Evaluate(double[] v)
        {
            using var s = NewDisposeScope();
            using var g = no_grad();
            return (FusedOps.high_order_aggregation(tensor(v, shape), 3, mask) * weights).sum().item<double>();
        }

        var h = tensor(values, shape, requires_grad: true);
        (FusedOps.high_order_aggregation(h, 3, mask) * weights).sum().backward();
        var analytic = h.grad!.ToArray<double>();

        const double eps = 1e-6;
        for (var i = 0; i < values.Length; i++)
        {
            var original = values[i];
            values[i] = original + eps;
            var up = Evaluate(values);
            values[i] = original - eps;
            var down = Evaluate(values);
            values[i] = original;
            var numeric = (up - down) / (2 * eps);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-7, $"element {i}: finite difference {numeric}, fused backward {analytic[i]}");
        }
    }

    [Fact]
    public void HighOrderAggregation_BadShapes_ExplainThemselves()
    {
        using var scope = NewDisposeScope();

        Assert.Contains("not divisible by order (3)", Assert.Throws<TorchException>(() => FusedOps.high_order_aggregation(ones([2, 3, 8]), 3)).Message, StringComparison.Ordinal);
        Assert.Contains("mask must be [batch, tokens] = [2, 3]", Assert.Throws<TorchException>(() => FusedOps.high_order_aggregation(ones([2, 3, 8]), 2, ones([2, 4]))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HighOrderAggregation_Bfloat16_TakesTheComposedPath()
    {
        using var scope = NewDisposeScope();
        var h = randn([2, 3, 8]);

        var y = FusedOps.high_order_aggregation(h.to(bfloat16), 2);

        Assert.Equal(ScalarType.BFloat16, y.dtype);
        Assert.True(y.to(float32).allclose(FusedOps.high_order_aggregation(h, 2), 0.05, 0.02));
    }

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData(17)]
    [InlineData(50)]
    public void HighOrderAggregation_Timing_IsReported(int tokens)
    {
        // A measurement for the report: forward + backward of the aggregation at the trainer
        // benchmark's sizes (batch 256, order 2, order_expand 4, dim 128), fused vs composed.
        set_num_threads(2);
        using var scope = NewDisposeScope();
        manual_seed(0);
        var h = randn([256, tokens, 1024]).requires_grad_();
        var upstream = randn([256, 1, 1024]);

        double Once(bool fused)
        {
            using var s = NewDisposeScope();
            h.grad = null;
            var clock = Stopwatch.StartNew();
            (FusedOps.high_order_aggregation(h, 2, null, fused) * upstream).sum().backward();
            return clock.Elapsed.TotalMilliseconds;
        }

        // Interleaved, best of 10: the machine is shared, the minimum is the least disturbed run.
        double composed = double.MaxValue, fusedMs = double.MaxValue;
        for (var i = 0; i < 11; i++)
        {
            var c = Once(false);
            var f = Once(true);
            if (i > 0)
            {
                composed = Math.Min(composed, c);
                fusedMs = Math.Min(fusedMs, f);
            }
        }

        output.WriteLine($"aggregation fwd+bwd [256, {tokens}, 1024] order 2: fused {fusedMs:F1} ms, composed {composed:F1} ms");
        Assert.True(fusedMs > 0 && composed > 0);
    }
}
