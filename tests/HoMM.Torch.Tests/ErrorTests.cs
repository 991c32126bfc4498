using HoMM.Torch.Native;
using static HoMM.Torch.torch;

namespace HoMM.Torch.Tests;

public sealed class ErrorTests
{
    [Fact]
    public void Matmul_ShapeMismatch_ThrowsTorchExceptionWithLibtorchMessage_AndProcessGoesOn()
    {
        using var scope = NewDisposeScope();
        var a = ones([2, 3]);
        var b = ones([4, 5]);

        var ex = Assert.Throws<TorchException>(() => a.matmul(b));

        Assert.Contains("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)", ex.Message, StringComparison.Ordinal);
        // The failed call left nothing broken: the same tensors still work.
        Assert.Equal(3f, a.matmul(ones([3, 1])).max().item<float>());
    }

    [Fact]
    public void Linear_WrongInputWidth_Throws_AndLeaksNoHandle()
    {
        using var scope = NewDisposeScope();
        using var layer = nn.Linear(4, 2);
        var x = ones([3, 5]);
        var before = Tensor.LiveCount;

        var ex = Assert.Throws<TorchException>(() => layer.call(x));

        Assert.Contains("cannot be multiplied", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void Errors_OfEveryKind_SurfaceAsExceptions()
    {
        using var scope = NewDisposeScope();
        var t = ones([2, 3]);

        Assert.Contains("shape '[4]' is invalid for input of size 6", Assert.Throws<TorchException>(() => t.view(4)).Message, StringComparison.Ordinal);
        Assert.Contains("out of range", Assert.Throws<TorchException>(() => t.select(0, 7)).Message, StringComparison.Ordinal);
        Assert.Throws<TorchException>(() => t.cat_with_wrong_dims());
        Assert.Throws<TorchException>(() => nn.functional.cross_entropy(ones([2, 3]), tensor(new long[] { 0, 5 })));
        Assert.Throws<TorchException>(() => t.sum().backward());
        Assert.Throws<TorchException>(() => ones([2]).cuda_if_absent());
    }

    [Fact]
    public void DisposedTensor_Use_ThrowsObjectDisposed()
    {
        var t = ones([2]);
        t.Dispose();

        Assert.True(t.IsInvalid);
        Assert.Throws<ObjectDisposedException>(() => t.sum());
        t.Dispose();
    }

    [Fact]
    public void OmpWaitPolicy_IsPassiveInTheNativeEnvironment()
    {
        // Any call loads the shim (and applies the policy first).
        _ = Tensor.LiveCount;

        var expected = Environment.GetEnvironmentVariable(OpenMpPolicy.Variable) ?? OpenMpPolicy.Passive;
        Assert.Equal(expected, OpenMpPolicy.NativeValue());
    }

    [Fact]
    public void Version_IsTheLibtorchRunning()
    {
        Assert.StartsWith("1.", __version__, StringComparison.Ordinal);
        Assert.Contains("PyTorch built with", show_config(), StringComparison.Ordinal);
    }
}

internal static class ErrorTestExtensions
{
    public static Tensor cat_with_wrong_dims(this Tensor t) => cat([t, ones([5])], 0);

    // On a CPU-only libtorch asking for CUDA fails inside libtorch; with a GPU it must not fail,
    // so use a device index that cannot exist.
    public static Tensor cuda_if_absent(this Tensor t) => cuda.is_available() ? t.to(DeviceType.CUDA, 999) : t.cuda();
}

public sealed class NativeAllocatorTests
{
    [Fact]
    public void RetainFreedMemory_OnGlibc_IsAccepted()
    {
        Assert.True(Native.NativeAllocator.RetainFreedMemory());
        using var scope = NewDisposeScope();
        // Large blocks still allocate and free normally afterwards.
        Assert.Equal(64L << 20, ones([64 << 20], uint8).sum([], type: int64).item<long>());
    }
}
