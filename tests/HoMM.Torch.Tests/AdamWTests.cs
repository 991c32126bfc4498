using HoMM.Torch.Modules;
using static HoMM.Torch.torch;

namespace HoMM.Torch.Tests;

public sealed class AdamWTests
{
    // The update written out from the AdamW paper / torch.optim.AdamW docs, independently of the shim.
    private static double[] Reference(double[] p, double[][] grads, double[] lrs, double wd, double b1 = 0.9, double b2 = 0.999, double eps = 1e-8)
    {
        p = (double[])p.Clone();
        var m = new double[p.Length];
        var v = new double[p.Length];
        for (var t = 1; t <= grads.Length; t++)
        {
            var lr = lrs[t - 1];
            for (var i = 0; i < p.Length; i++)
            {
                var g = grads[t - 1][i];
                p[i] *= 1 - (lr * wd);
                m[i] = (b1 * m[i]) + ((1 - b1) * g);
                v[i] = (b2 * v[i]) + ((1 - b2) * g * g);
                var mHat = m[i] / (1 - Math.Pow(b1, t));
                var vHat = v[i] / (1 - Math.Pow(b2, t));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        }

        return p;
    }

    private static void SetGrad(Parameter p, double[] g)
    {
        using var scope = NewDisposeScope();
        p.grad = null;
        (p * tensor(g)).sum().backward();
    }

    [Fact]
    public void Step_MatchesHandComputedUpdate_WithChangingLearningRate()
    {
        double[] start = [1.0, -2.0, 0.3];
        double[][] grads = [[0.5, -1.0, 0.0], [0.1, 0.2, -3.0], [-0.4, 0.0, 1.0]];
        double[] lrs = [0.1, 0.05, 0.02];
        using var p = new Parameter(tensor(start));
        using var opt = optim.AdamW([p], lr: lrs[0], weight_decay: 0.01);

        for (var t = 0; t < grads.Length; t++)
        {
            opt.ParamGroups[0].LearningRate = lrs[t];
            SetGrad(p, grads[t]);
            opt.step();
        }

        var expected = Reference(start, grads, lrs, 0.01);
        var actual = p.ToArray<double>();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-12);
        }

        Assert.Equal(3, opt.StepOf(p));
    }

    [Fact]
    public void ParamGroups_NoDecayGroup_IsNotDecayed()
    {
        using var decayed = new Parameter(tensor(new double[] { 1.0 }));
        using var plain = new Parameter(tensor(new double[] { 1.0 }));
        using var opt = optim.AdamW(
            [new AdamW.ParamGroup([decayed]), new AdamW.ParamGroup([plain], new AdamW.Options { weight_decay = 0 })],
            lr: 0.1,
            weight_decay: 0.5);

        // Zero gradients: only the decoupled decay moves a parameter.
        SetGrad(decayed, [0.0]);
        SetGrad(plain, [0.0]);
        opt.step();

        Assert.Equal(1.0 - (0.1 * 0.5), decayed.ToArray<double>()[0], 1e-12);
        Assert.Equal(1.0, plain.ToArray<double>()[0], 1e-12);
        Assert.Equal(0.5, opt.ParamGroups[0].Options.weight_decay);
    }

    [Fact]
    public void Step_ParameterWithoutGrad_IsLeftAlone()
    {
        using var p = new Parameter(tensor(new double[] { 2.0 }));
        using var opt = optim.AdamW([p]);

        opt.step();

        Assert.Equal(2.0, p.ToArray<double>()[0]);
        Assert.Equal(0, opt.StepOf(p));
    }

    [Fact]
    public void SaveLoadStateDict_ResumedRun_EqualsUninterruptedRun()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var x = randn([16, 4]);
        var y = randint(3, [16]);

        void Train(nn.Module<Tensor, Tensor> model, AdamW opt, int steps)
        {
            for (var i = 0; i < steps; i++)
            {
                using var s = NewDisposeScope();
                opt.zero_grad();
                nn.functional.cross_entropy(model.call(x), y).backward();
                opt.step();
            }
        }

        manual_seed(3);
        using var straight = nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.Linear(8, 3));
        using var checkpoint = new MemoryStream();
        using var optimizerCheckpoint = new MemoryStream();
        straight.save(checkpoint);
        using var straightOpt = optim.AdamW(straight.parameters(), lr: 0.01);

        Train(straight, straightOpt, 3);
        checkpoint.SetLength(0);
        straight.save(checkpoint);
        straightOpt.save_state_dict(optimizerCheckpoint);
        Train(straight, straightOpt, 4);

        manual_seed(99);
        using var resumed = nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.Linear(8, 3));
        using var resumedOpt = optim.AdamW(resumed.parameters(), lr: 0.5);
        checkpoint.Position = 0;
        optimizerCheckpoint.Position = 0;
        resumed.load(checkpoint);
        resumedOpt.load_state_dict(optimizerCheckpoint);
        Train(resumed, resumedOpt, 4);

        Assert.Equal(0.01, resumedOpt.ParamGroups[0].LearningRate);
        foreach (var (name, value) in straight.state_dict())
        {
            Assert.True(value.equal(resumed.state_dict()[name]), name);
        }
    }

    [Fact]
    public void LoadStateDict_OtherModel_IsRejectedBeforeAnyChange()
    {
        using var a = nn.Linear(2, 2);
        using var b = nn.Linear(3, 2);
        using var optA = optim.AdamW(a.parameters());
        using var optB = optim.AdamW(b.parameters());
        using (var s = NewDisposeScope())
        {
            nn.functional.mse_loss(a.call(ones([1, 2])), zeros([1, 2])).backward();
        }

        optA.step();
        using var saved = new MemoryStream();
        optA.save_state_dict(saved);
        saved.Position = 0;

        var ex = Assert.Throws<InvalidOperationException>(() => optB.load_state_dict(saved));

        Assert.Contains("shape [2, 2], the parameter [2, 3]", ex.Message, StringComparison.Ordinal);
    }
}
