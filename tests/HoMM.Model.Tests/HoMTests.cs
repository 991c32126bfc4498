using HoMM.TrainerSettings;
using HoMM.Torch;
using static HoMM.Torch.torch;

namespace HoMM.Model.Tests;

public sealed class HoMTests
{
    private const int B = 2, N = 4, D = 3, K = 3, E = 2, W = K * E * D;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forward_Order3Expand2_EqualsElementWiseReference(bool masked)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using var hom = new HoM(D, K, E).to(float64);
        foreach (var p in hom.parameters())
        {
            using var _ = no_grad();
            p.normal_(0, 0.7);  // non-zero biases too, so that every term of the formula is exercised
        }

        var x = randn([B, N, D], float64);
        double[] maskValues = [1, 0, 1, 1, 0, 1, 1, 0];
        var mask = masked ? tensor(maskValues, [B, N], float64) : null;

        var actual = hom.forward(x, null, mask).ToArray<double>();

        var expected = Reference(
            x.ToArray<double>(),
            Weights(hom.ho_proj), Weights(hom.se_proj), Weights(hom.ag_proj),
            masked ? maskValues : null);
        Assert.Equal(B * N * D, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], 1e-10);
    }

    [Fact]
    public void Forward_MaskedContextToken_DoesNotChangeOutput()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var hom = new HoM(D, K, E);
        var x = randn([1, N, D]);
        var mask = tensor(new float[] { 1, 1, 0, 1 }, [1, N]);
        var changed = x.clone();
        using (no_grad())
            changed[.., 2] += 5;

        var a = hom.forward(x, x, mask).narrow(1, 0, 2).ToArray<float>();
        var b = hom.forward(x, changed, mask).narrow(1, 0, 2).ToArray<float>();

        Assert.Equal(a, b);
    }

    private static (double[] W, double[] Bias, int Out, int In) Weights(HoMM.Torch.Modules.Linear linear) =>
        (linear.weight.ToArray<double>(), linear.bias!.ToArray<double>(), (int)linear.out_features, (int)linear.in_features);

    /// <summary>HoM written out with loops over scalars: y_q = ag(σ(se(x_q)) ⊙ mean_n cumprod_chunks(gelu(ho(x_n)))).</summary>
    private static double[] Reference(double[] x, (double[] W, double[] Bias, int Out, int In) ho, (double[] W, double[] Bias, int Out, int In) se,
        (double[] W, double[] Bias, int Out, int In) ag, double[]? mask)
    {
        var y = new double[B * N * D];
        for (var b = 0; b < B; b++)
        {
            var moments = new double[W];
            double weightSum = 0;
            for (var n = 0; n < N; n++)
            {
                var m = mask?[(b * N) + n] ?? 1.0;
                weightSum += m;
                var h = Apply(ho, x, ((b * N) + n) * D).Select(Gelu).ToArray();
                for (var j = 0; j < E * D; j++)
                {
                    var product = 1.0;
                    for (var k = 0; k < K; k++)
                    {
                        product *= h[(k * E * D) + j];     // chunk k holds columns [k·e·d, (k+1)·e·d)
                        moments[(k * E * D) + j] += m * product;
                    }
                }
            }

            for (var q = 0; q < N; q++)
            {
                var s = Apply(se, x, ((b * N) + q) * D);
                var selected = new double[W];
                for (var i = 0; i < W; i++)
                    selected[i] = (1 / (1 + Math.Exp(-s[i]))) * (moments[i] / weightSum);
                var outRow = Apply(ag, selected, 0);
                Array.Copy(outRow, 0, y, ((b * N) + q) * D, D);
            }
        }

        return y;
    }

    private static double[] Apply((double[] W, double[] Bias, int Out, int In) linear, double[] input, int offset)
    {
        var result = new double[linear.Out];
        for (var o = 0; o < linear.Out; o++)
        {
            var sum = linear.Bias[o];
            for (var i = 0; i < linear.In; i++)
                sum += linear.W[(o * linear.In) + i] * input[offset + i];
            result[o] = sum;
        }

        return result;
    }

    internal static double Gelu(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

    // Maclaurin series of erf; exact to ~1e-12 for the |x| < 5 seen here.
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
}
