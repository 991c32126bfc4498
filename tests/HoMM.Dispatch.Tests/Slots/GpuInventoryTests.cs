using HoMM.Dispatch.Slots;

namespace HoMM.Dispatch.Tests.Slots;

/// <summary>nvidia-smi as a fake on disk: a script that answers the query as the real one does.</summary>
public sealed class GpuInventoryTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string FakeNvidiaSmi(string body) => _dir.Script("nvidia-smi", body);

    [Fact]
    public void Query_TwoGpusOfDifferentSizes_ListsThemWithTheirMemory()
    {
        // What nvidia-smi prints for GpuInventory.Arguments, and nothing else: the fake checks them.
        var smi = FakeNvidiaSmi($$"""
            [ "$*" = "{{GpuInventory.Arguments}}" ] || { echo "unexpected arguments: $*" >&2; exit 2; }
            echo "0, NVIDIA H100 80GB HBM3, 81559, 1"
            echo "1, NVIDIA A10, 23028, 4113"
            """);

        var gpus = GpuInventory.Query(smi);

        Assert.NotNull(gpus);
        Assert.Equal([new GpuInfo(0, "NVIDIA H100 80GB HBM3", 81559, 1), new GpuInfo(1, "NVIDIA A10", 23028, 4113)], gpus);
        Assert.Equal("GPU 1: NVIDIA A10, 23,028 MiB (4,113 MiB in use)", gpus[1].ToString());
    }

    [Fact]
    public void Query_NvidiaSmiFails_IsNullNotAnEmptyList()
    {
        // As when the driver is not loaded: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver".
        var smi = FakeNvidiaSmi("echo \"NVIDIA-SMI has failed\"; exit 9");

        Assert.Null(GpuInventory.Query(smi));
    }

    [Fact]
    public void Query_NoNvidiaSmi_IsNull()
    {
        Assert.Null(GpuInventory.Query(Path.Combine(_dir.Path, "no-such-nvidia-smi")));
    }

    [Fact]
    public void Parse_LineWithoutMemoryFigures_IsSkipped()
    {
        var gpus = GpuInventory.Parse("0, NVIDIA H100 80GB HBM3, 81559, 0\n1, NVIDIA H100 80GB HBM3, [N/A], [N/A]\n\n");

        Assert.Equal([0], gpus.Select(g => g.Index));
    }
}
