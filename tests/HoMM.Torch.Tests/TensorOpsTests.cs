using HoMM.Torch;
using static HoMM.Torch.torch;

namespace HoMM.Torch.Tests;

public sealed class TensorOpsTests : IDisposable
{
    private readonly DisposeScope _scope = NewDisposeScope();

    public void Dispose() => _scope.Dispose();

    private static void AssertClose(double[] expected, Tensor actual, double tolerance = 1e-6)
    {
        var values = actual.to(float64).ToArray<double>();
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {values[i]}");
        }
    }

    [Fact]
    public void Tensor_FromArrayWithShape_KeepsValuesShapeAndDtype()
    {
        var t = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);

        Assert.Equal([2L, 3L], t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal(DeviceType.CPU, t.device_type);
        Assert.Equal([1f, 2, 3, 4, 5, 6], t.ToArray<float>());
    }

    [Fact]
    public void Tensor_LongLabels_AreInt64()
    {
        var labels = tensor(new long[] { 3, 1, 4 });

        Assert.Equal(ScalarType.Int64, labels.dtype);
        Assert.Equal([3L, 1, 4], labels.ToArray<long>());
    }

    [Fact]
    public void FromArray_MultiDimensionalArray_TakesItsShape()
    {
        var t = from_array(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });

        Assert.Equal([3L, 2L], t.shape);
        Assert.Equal(ScalarType.Float64, t.dtype);
        Assert.Equal(4.0, t[1, 1].item<double>());
    }

    [Fact]
    public void Tensor_WrongElementCount_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => tensor(new float[] { 1, 2, 3 }, [2, 2]));
        Assert.Contains("do not fill shape [2, 2]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Factories_FillAsDocumented()
    {
        Assert.Equal([0f, 0, 0], zeros([3]).ToArray<float>());
        Assert.Equal([1.0, 1], ones([2], float64).ToArray<double>());
        Assert.Equal([2.5f, 2.5f], full([2], 2.5).ToArray<float>());
        Assert.Equal([0L, 1, 2, 3], arange(4).ToArray<long>());
        Assert.Equal([1.0f, 1.5f, 2.0f, 2.5f], arange(1.0, 3.0, 0.5, float32).ToArray<float>());
        Assert.Equal([1f, 0, 0, 1], eye(2).ToArray<float>());
        Assert.Equal([4L, 5], randn([4, 5]).shape);
        Assert.Equal(ScalarType.BFloat16, zeros([2], bfloat16).dtype);
    }

    [Fact]
    public void ManualSeed_SameSeed_SameSamples()
    {
        manual_seed(42);
        var a = randn([8]).ToArray<float>();
        manual_seed(42);
        var b = randn([8]).ToArray<float>();
        manual_seed(43);
        var c = randn([8]).ToArray<float>();

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Arithmetic_TensorAndScalar_MatchHandValues()
    {
        var a = tensor(new float[] { 1, 2, 3 });
        var b = tensor(new float[] { 4, 5, 6 });

        Assert.Equal([5f, 7, 9], (a + b).ToArray<float>());
        Assert.Equal([-3f, -3, -3], (a - b).ToArray<float>());
        Assert.Equal([4f, 10, 18], (a * b).ToArray<float>());
        Assert.Equal([0.25f, 0.4f, 0.5f], (a / b).ToArray<float>());
        Assert.Equal([3f, 4, 5], (a + 2).ToArray<float>());
        Assert.Equal([9f, 8, 7], (10 - a).ToArray<float>());
        Assert.Equal([0.5f, 1, 1.5f], (a * 0.5).ToArray<float>());
        Assert.Equal([6f, 3, 2], (6.0 / a).ToArray<float>());
        Assert.Equal([-1f, -2, -3], (-a).ToArray<float>());
        Assert.Equal([1f, 4, 9], a.pow(2).ToArray<float>());
    }

    [Fact]
    public void Add_IntegerTensorAndLong_StaysInteger()
    {
        var a = tensor(new long[] { 1, 2 });

        var sum = a + 3;

        Assert.Equal(ScalarType.Int64, sum.dtype);
        Assert.Equal([4L, 5], sum.ToArray<long>());
    }

    [Fact]
    public void Matmul_2x3By3x2_MatchesHandProduct()
    {
        var a = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        var b = tensor(new float[] { 7, 8, 9, 10, 11, 12 }, [3, 2]);

        // [1 2 3; 4 5 6]·[7 8; 9 10; 11 12] = [58 64; 139 154]
        Assert.Equal([58f, 64, 139, 154], a.matmul(b).ToArray<float>());
    }

    [Fact]
    public void Linear_WithBias_IsXWTransposedPlusB()
    {
        var x = tensor(new float[] { 1, 2 }, [1, 2]);
        var w = tensor(new float[] { 1, 0, 1, 1, 0, 2 }, [3, 2]);
        var b = tensor(new float[] { 0.5f, -1, 0 });

        Assert.Equal([1.5f, 2, 4], nn.functional.linear(x, w, b).ToArray<float>());
    }

    [Fact]
    public void Conv2d_OnesKernel_SumsEachWindow()
    {
        var x = arange(9, float32).reshape(1, 1, 3, 3);
        var w = ones([1, 1, 2, 2]);

        var y = nn.functional.conv2d(x, w, tensor(new float[] { 1 }));

        // windows of [[0 1 2],[3 4 5],[6 7 8]]: 0+1+3+4, 1+2+4+5, 3+4+6+7, 4+5+7+8, plus bias 1
        Assert.Equal([1L, 1, 2, 2], y.shape);
        Assert.Equal([9f, 13, 21, 25], y.ToArray<float>());
    }

    [Fact]
    public void Conv2d_PatchStride_ActsAsPatchEmbedding()
    {
        var x = arange(16, float32).reshape(1, 1, 4, 4);
        var w = ones([2, 1, 2, 2]);

        var y = nn.functional.conv2d(x, w, null, strides: [2], padding: [0]);

        Assert.Equal([1L, 2, 2, 2], y.shape);
        Assert.Equal([10f, 18, 42, 50, 10, 18, 42, 50], y.ToArray<float>());
    }

    [Fact]
    public void Gelu_Sigmoid_MatchClosedForms()
    {
        double[] xs = [-2, -0.5, 0, 1, 3];
        var x = tensor(xs);

        static double Phi(double v) => 0.5 * (1 + Erf(v / Math.Sqrt(2)));
        AssertClose(xs.Select(v => v * Phi(v)).ToArray(), x.gelu(), 1e-12);
        AssertClose(xs.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), x.sigmoid(), 1e-12);
        var tanhGelu = xs.Select(v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + (0.044715 * v * v * v))))).ToArray();
        AssertClose(tanhGelu, nn.functional.gelu(x, "tanh"), 1e-12);
    }

    // Abramowitz-Stegun 7.1.26 is too coarse for 1e-12; use the series/continued fraction via erfc.
    private static double Erf(double x)
    {
        // Taylor series, enough terms for |x| <= 3 at double precision.
        double sum = 0, term = x;
        for (var n = 0; n < 200; n++)
        {
            sum += term / ((2 * n) + 1);
            term *= -x * x / (n + 1);
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    [Fact]
    public void ChunkNarrowCatStack_SplitAndJoin()
    {
        var t = arange(12, float32).reshape(2, 6);

        var parts = t.chunk(3, -1);

        Assert.Equal(3, parts.Length);
        Assert.Equal([0f, 1, 6, 7], parts[0].ToArray<float>());
        Assert.Equal([4f, 5, 10, 11], parts[2].ToArray<float>());
        Assert.Equal([2f, 3, 4, 8, 9, 10], t.narrow(1, 2, 3).ToArray<float>());
        Assert.True(cat(parts, -1).equal(t));
        var s = stack([parts[0], parts[1]], 0);
        Assert.Equal([2L, 2, 2], s.shape);
        Assert.Equal([0f, 1, 6, 7, 2, 3, 8, 9], s.ToArray<float>());
    }

    [Fact]
    public void Split_UnevenSize_LastPieceSmaller()
    {
        var pieces = arange(5, float32).split(2);

        Assert.Equal([2L, 2, 1], pieces.Select(p => p.shape[0]));
    }

    [Fact]
    public void Cumprod_AlongLastDimension_IsRunningProduct()
    {
        var t = tensor(new float[] { 1, 2, 3, 2, 2, 2 }, [2, 3]);

        Assert.Equal([1f, 2, 6, 2, 4, 8], t.cumprod(1).ToArray<float>());
        Assert.Equal([1f, 3, 6, 2, 4, 6], t.cumsum(1).ToArray<float>());
    }

    [Fact]
    public void SumMean_WithDimsAndKeepdim_HaveRightShapeAndValues()
    {
        var t = arange(6, float32).reshape(2, 3);

        Assert.Equal(15f, t.sum().item<float>());
        Assert.Equal(2.5f, t.mean().item<float>());
        Assert.Equal([3f, 5, 7], t.sum(0).ToArray<float>());
        var rowMeans = t.mean([1], keepdim: true);
        Assert.Equal([2L, 1L], rowMeans.shape);
        Assert.Equal([1f, 4], rowMeans.ToArray<float>());
        Assert.Equal([15f], t.sum([0, 1], keepdim: true).ToArray<float>());
        Assert.Equal(ScalarType.Float64, t.sum([], type: float64).dtype);
        Assert.Equal(15.0, t.sum([], type: float64).item<double>());
        AssertClose([1, 1, 1], t.var([0], unbiased: false) * (1.0 / 2.25));
    }

    [Fact]
    public void ShapeOps_ReshapePermuteTransposeFlattenExpandSqueeze()
    {
        var t = arange(24, float32).reshape(2, 3, 4);

        Assert.Equal([4L, 2, 3], t.permute(2, 0, 1).shape);
        Assert.Equal([2L, 4, 3], t.transpose(1, 2).shape);
        Assert.Equal([2L, 12], t.flatten(1).shape);
        Assert.Equal([2L, 3, 2, 2], t.unflatten(2, 2, 2).shape);
        Assert.Equal([6L, 4], t.view(6, 4).shape);
        Assert.Equal([1L, 2, 3, 4], t.unsqueeze(0).shape);
        Assert.Equal([2L, 3, 4], t.unsqueeze(0).squeeze(0).shape);
        Assert.Equal([3L, 4], ones([1, 4]).expand(3, 4).shape);
        // Element [1, 2, 3] = 1·12 + 2·4 + 3 = 23 lands at [3, 1, 2] after permute(2, 0, 1).
        Assert.Equal(23f, t.permute(2, 0, 1)[3, 1, 2].item<float>());
    }

    [Fact]
    public void IndexSelectSelectSlice_PickTheRightElements()
    {
        var t = arange(12, float32).reshape(3, 4);

        Assert.Equal([8f, 9, 10, 11, 0, 1, 2, 3], t.index_select(0, tensor(new long[] { 2, 0 })).ToArray<float>());
        Assert.Equal([1f, 5, 9], t.select(1, 1).ToArray<float>());
        Assert.Equal([1f, 3, 5, 7, 9, 11], t.slice(1, 1, null, 2).ToArray<float>());
        Assert.Equal([4f, 5, 6, 7], t[1].ToArray<float>());
        Assert.Equal([3f, 7, 11], t[.., ^1].ToArray<float>());
        Assert.Equal([5f, 6], t[1, 1..3].ToArray<float>());
        Assert.Equal([1L, 3, 4], t[TensorIndex.None, .., ..].shape);
        Assert.Equal([0f, 4, 8], t[TensorIndex.Ellipsis, 0].ToArray<float>());
        Assert.Equal([8f, 9, 10, 11], t[2..].flatten().ToArray<float>());
    }

    [Fact]
    public void Indexer_Setter_AssignsInPlace()
    {
        var t = zeros([2, 3]);

        t[0, ..] = ones([3]);
        t.index_fill_(5, 1, 2);

        Assert.Equal([1f, 1, 1, 0, 0, 5], t.ToArray<float>());
    }

    [Fact]
    public void MaskedOps_FillAndSelect()
    {
        var t = tensor(new float[] { 1, -2, 3, -4 });
        var negative = t.lt(0);

        Assert.Equal([1f, 0, 3, 0], t.masked_fill(negative, 0.0).ToArray<float>());
        Assert.Equal([-2f, -4], t.masked_select(negative).ToArray<float>());
        Assert.Equal([1f, 0, 3, 0], where(negative, zeros_like(t), t).ToArray<float>());
        Assert.Equal([false, true, false, true], negative.ToArray<bool>());
    }

    [Fact]
    public void ArgmaxEq_ComputeAccuracy()
    {
        var logits = tensor(new float[] { 0.1f, 0.9f, 0.8f, 0.2f, 0.3f, 0.7f }, [3, 2]);
        var labels = tensor(new long[] { 1, 0, 0 });

        var predictions = logits.argmax(1);
        var correct = predictions.eq(labels).sum().item<long>();

        Assert.Equal([1L, 0, 1], predictions.ToArray<long>());
        Assert.Equal(2, correct);
        var (values, indexes) = logits.max(1);
        Assert.Equal([0.9f, 0.8f, 0.7f], values.ToArray<float>());
        Assert.Equal([1L, 0, 1], indexes.ToArray<long>());
    }

    [Fact]
    public void CrossEntropy_MatchesLogSoftmaxByHand()
    {
        double[] logits = [1, 2, 0.5, 0.1, 0.2, 3];
        long[] labels = [1, 2];
        var x = tensor(logits, [2, 3]);
        var y = tensor(labels);

        var expected = 0.0;
        var expectedSmoothed = 0.0;
        const double eps = 0.1;
        for (var i = 0; i < 2; i++)
        {
            var row = logits.Skip(3 * i).Take(3).ToArray();
            var lse = Math.Log(row.Sum(Math.Exp));
            var logp = row.Select(v => v - lse).ToArray();
            expected += -logp[labels[i]] / 2;
            // Label smoothing: target (1-ε)·onehot + ε/C.
            expectedSmoothed += -(((1 - eps) * logp[labels[i]]) + (eps / 3 * logp.Sum())) / 2;
        }

        Assert.Equal(expected, nn.functional.cross_entropy(x, y).item<double>(), 1e-12);
        Assert.Equal(expectedSmoothed, nn.functional.cross_entropy(x, y, label_smoothing: eps).item<double>(), 1e-12);
        Assert.Equal(expected * 2, nn.functional.cross_entropy(x, y, reduction: nn.Reduction.Sum).item<double>(), 1e-12);
    }

    [Fact]
    public void Dropout_EvalOrZeroP_IsIdentity_TrainingScalesKeptValues()
    {
        var x = ones([1000]);

        Assert.True(nn.functional.dropout(x, 0.5, training: false).equal(x));
        Assert.True(nn.functional.dropout(x, 0.0).equal(x));
        manual_seed(0);
        var y = nn.functional.dropout(x, 0.25).ToArray<float>();
        Assert.All(y, v => Assert.True(v == 0 || Math.Abs(v - (1 / 0.75)) < 1e-6, $"dropout kept value {v}"));
        var zeroed = y.Count(v => v == 0);
        Assert.InRange(zeroed, 180, 320);
    }

    [Fact]
    public void Isfinite_FlagsNanAndInf()
    {
        var t = tensor(new float[] { 1, float.NaN, float.PositiveInfinity, -3 });

        Assert.Equal([true, false, false, true], t.isfinite().ToArray<bool>());
        Assert.False(t.isfinite().all().item<bool>());
        Assert.True(t.isnan().any().item<bool>());
    }

    [Fact]
    public void To_Bfloat16AndBack_RoundsToBfloat16Precision()
    {
        var t = tensor(new float[] { 1.0f, 1.00390625f, 3.14159f });

        var back = t.to(bfloat16).to(float32).ToArray<float>();

        // bfloat16 keeps 8 significant bits: 1 + 2^-8 rounds to 1, π to 3.140625.
        Assert.Equal([1.0f, 1.0f, 3.140625f], back);
    }

    [Fact]
    public void ToArray_WrongType_ExplainsTheConversion()
    {
        var t = zeros([2], bfloat16);

        var ex = Assert.Throws<InvalidOperationException>(() => t.ToArray<float>());
        Assert.Contains("to(ScalarType.Float32)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clone_Detach_RequiresGrad_BehaveAsPyTorch()
    {
        var a = ones([2], requires_grad: true);
        var b = a * 2;
        var c = b.detach();
        var d = a.clone();

        Assert.True(a.requires_grad && a.is_leaf);
        Assert.True(b.requires_grad);
        Assert.False(b.is_leaf);
        Assert.False(c.requires_grad);
        Assert.True(d.requires_grad);
        c.zero_();
        Assert.Equal([0f, 0], b.ToArray<float>());
    }

    [Fact]
    public void Device_ParsesNames()
    {
        Assert.Equal(new Device(DeviceType.CUDA, 1), device("cuda:1"));
        Assert.Equal("cpu", CPU.ToString());
        Assert.Throws<ArgumentException>(() => device("tpu"));
    }

    [Fact]
    public void ToString_SummarisesShapeTypeAndDevice()
    {
        Assert.Equal("[2x3], type = Float32, device = cpu", zeros([2, 3]).ToString());
        Assert.Contains("1", ones([1]).str(), StringComparison.Ordinal);
    }
}
