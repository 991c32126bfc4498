using static HoMM.Torch.torch;

namespace HoMM.Torch.Tests;

/// <summary>What homm-train's image-folder loop needs: soft-target cross-entropy (CutMix/MixUp) and a reused input buffer.</summary>
public sealed class SoftTargetAndInputBufferTests
{
    // Soft targets t (rows sum to 1): loss = mean_i −Σ_c t_ic · log_softmax(x)_ic, gradient (softmax(x) − t) / N.
    [Fact]
    public void CrossEntropy_SoftTargets_MatchesTheDefinitionAndItsGradient()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 0.5, -1, 2, 0, 0.3, 0.1 }, [2, 3], requires_grad: true);
        var t = tensor(new double[] { 0.7, 0, 0.3, 0.2, 0.5, 0.3 }, [2, 3]);

        var loss = nn.functional.cross_entropy(x, t);
        loss.backward();

        var logp = x.detach().log_softmax(1);
        var expected = -(t * logp).sum().item<double>() / 2;
        Assert.Equal(expected, loss.item<double>(), 1e-12);
        var expectedGrad = ((logp.exp() - t) / 2).ToArray<double>();
        var grad = x.grad!.ToArray<double>();
        for (var i = 0; i < grad.Length; i++)
            Assert.Equal(expectedGrad[i], grad[i], 1e-12);
    }

    [Fact]
    public void CrossEntropy_OneHotSoftTargets_EqualTheHardLabelLoss()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 0.5f, -1, 2, 0, 0.3f, 0.1f }, [2, 3]);
        var hard = nn.functional.cross_entropy(x, tensor(new long[] { 2, 1 }));

        var soft = nn.functional.cross_entropy(x, tensor(new float[] { 0, 0, 1, 0, 1, 0 }, [2, 3]));

        Assert.Equal(hard.item<float>(), soft.item<float>(), 6);
    }

    [Fact]
    public void CopyFrom_OverwritesTheTensorInPlace()
    {
        using var scope = NewDisposeScope();
        var buffer = zeros([2, 2]);
        var view = buffer.narrow(0, 0, 1);

        buffer.copy_from<float>([1, 2, 3, 4]);

        Assert.Equal([1f, 2, 3, 4], buffer.ToArray<float>());
        Assert.Equal([1f, 2], view.ToArray<float>()); // same storage: a view sees the new values
        Assert.Throws<ArgumentException>(() => buffer.copy_from<float>([1, 2, 3]));
        Assert.Throws<InvalidOperationException>(() => buffer.copy_from<long>([1, 2, 3, 4]));
    }

    [Fact]
    public void PinMemory_WithoutCuda_IsRefusedWithTheReason()
    {
        using var scope = NewDisposeScope();
        var host = zeros([4]);
        if (cuda.is_available())
        {
            var pinned = host.pin_memory();
            Assert.True(pinned.is_pinned());
            Assert.Equal(host.ToArray<float>(), pinned.to(CUDA, non_blocking: true, copy: false).cpu().ToArray<float>());
            return;
        }

        Assert.False(host.is_pinned());
        var error = Assert.Throws<TorchException>(() => host.pin_memory());
        Assert.Contains("pin_memory needs CUDA", error.Message, StringComparison.Ordinal);
        Assert.Equal(host.ToArray<float>(), host.to(CPU, non_blocking: true, copy: false).ToArray<float>());
    }
}
