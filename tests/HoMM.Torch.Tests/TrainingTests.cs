using Xunit.Abstractions;
using System.Diagnostics;
using static HoMM.Torch.torch;

namespace HoMM.Torch.Tests;

public sealed class TrainingTests(ITestOutputHelper output)
{
    [Fact]
    public void Mlp_OverfitsATinyBatch()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var x = randn([32, 10]);
        var y = randint(4, [32]);
        using var model = nn.Sequential(nn.Linear(10, 64), nn.GELU(), nn.Linear(64, 4));
        using var opt = optim.AdamW(model.parameters(), lr: 1e-2);

        double loss = double.NaN;
        for (var i = 0; i < 200; i++)
        {
            using var step = NewDisposeScope();
            opt.zero_grad();
            var l = nn.functional.cross_entropy(model.call(x), y);
            l.backward();
            opt.step();
            loss = l.item<double>();
        }

        model.eval();
        using var noGrad = no_grad();
        var accuracy = model.call(x).argmax(1).eq(y).to(float32).mean().item<double>();
        Assert.Equal(1.0, accuracy);
        Assert.True(loss < 0.05, $"loss after 200 steps {loss}");
    }

    [Fact]
    public void ClipGradNorm_ScalesToMaxNorm_AndReturnsTheNormBefore()
    {
        using var scope = NewDisposeScope();
        var a = zeros([2], float64, requires_grad: true);
        var b = zeros([1], float64, requires_grad: true);
        ((a * tensor(new double[] { 3, 0 })).sum() + (b * tensor(new double[] { 4 })).sum()).backward();

        var total = nn.utils.clip_grad_norm_([a, b], 1.0);

        Assert.Equal(5.0, total, 1e-12);
        var scale = 1.0 / (5.0 + 1e-6);
        Assert.Equal([3 * scale, 0], a.grad!.ToArray<double>());
        Assert.Equal([4 * scale], b.grad!.ToArray<double>());
        // Below the limit, gradients are left as they are.
        Assert.Equal(1.0, nn.utils.clip_grad_norm_([a, b], 10.0), 5);
        Assert.Equal([4 * scale], b.grad!.ToArray<double>());
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void MlpStep_Timing_IsReported()
    {
        // A measurement for the report, not a timed assertion: ms per training step of a small MLP.
        set_num_threads(2);
        using var scope = NewDisposeScope();
        manual_seed(0);
        var x = randn([256, 784]);
        var y = randint(10, [256]);
        using var model = nn.Sequential(nn.Linear(784, 512), nn.GELU(), nn.Linear(512, 512), nn.GELU(), nn.Linear(512, 10));
        using var opt = optim.AdamW(model.parameters(), lr: 1e-3);
        double first = 0, last = 0;

        void Step(int i)
        {
            using var s = NewDisposeScope();
            opt.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            opt.step();
            if (i == 0) first = loss.item<double>();
            last = loss.item<double>();
        }

        for (var i = 0; i < 5; i++) Step(i);
        const int steps = 50;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++) Step(i + 5);
        var ms = clock.Elapsed.TotalMilliseconds / steps;

        output.WriteLine($"MLP 784-512-512-10, batch 256, {get_num_threads()} threads: {ms:F2} ms/step");
        Assert.True(last < first, $"loss {first} -> {last}");
    }
}
