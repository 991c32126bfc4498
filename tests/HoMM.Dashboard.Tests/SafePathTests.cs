using HoMM.Dashboard.Security;

namespace HoMM.Dashboard.Tests;

public sealed class SafePathTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("homm-safepath-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [InlineData("trainer.log")]
    [InlineData("checkpoints/step-100.pt")]
    public void Resolve_PlainPathInside_FullPathUnderTheFolder(string relative)
    {
        var full = SafePath.Resolve(Path.Combine(root, "trial"), relative, out var refusal);

        Assert.Null(refusal);
        Assert.Equal(Path.Combine(root, "trial", relative), full);
    }

    [Theory]
    [InlineData("../secret")]
    [InlineData("a/../../secret")]
    [InlineData("..\\secret")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("")]
    public void Resolve_PathLeavingOrOdd_Refused(string relative)
    {
        Assert.Null(SafePath.Resolve(Path.Combine(root, "trial"), relative, out var refusal));
        Assert.NotNull(refusal);
    }

    [Fact]
    public void Resolve_LinkPointingOutside_Refused()
    {
        var trial = Directory.CreateDirectory(Path.Combine(root, "trial")).FullName;
        File.WriteAllText(Path.Combine(root, "secret"), "x");
        File.CreateSymbolicLink(Path.Combine(trial, "link"), Path.Combine(root, "secret"));
        File.WriteAllText(Path.Combine(trial, "real"), "y");
        File.CreateSymbolicLink(Path.Combine(trial, "inner"), Path.Combine(trial, "real"));

        Assert.Null(SafePath.Resolve(trial, "link", out var refusal));
        Assert.Contains("link", refusal, StringComparison.Ordinal);
        Assert.NotNull(SafePath.Resolve(trial, "inner", out _));
    }
}
