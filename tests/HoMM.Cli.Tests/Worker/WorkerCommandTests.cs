using HoMM.Cli.Worker;

namespace HoMM.Cli.Tests.Worker;

public sealed class WorkerCommandTests
{
    [Theory]
    [InlineData("3", 0, false, 3, 1)]
    [InlineData("gpus", 0, true, 0, 1)]
    [InlineData("gpu:0,2", 2, false, 0, 1)]
    [InlineData("gpus*2", 0, true, 0, 2)]
    [InlineData("gpu:0,2*4", 2, false, 0, 4)]
    public void ParseSlots_Forms_BecomeResources(string value, int gpuIds, bool detect, int cpuSlots, int perGpu)
    {
        var r = WorkerCommand.ParseSlots(value);

        Assert.Equal((gpuIds, detect, cpuSlots, perGpu), (r.GpuIds.Count, r.DetectGpus, r.CpuSlots, r.TrialsPerGpu));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("gpu:")]
    [InlineData("gpu:a")]
    [InlineData("many")]
    [InlineData("gpus*0")]
    [InlineData("gpus*x")]
    public void ParseSlots_Nonsense_ThrowsFormatException(string value)
    {
        Assert.Throws<FormatException>(() => WorkerCommand.ParseSlots(value));
    }

    [Fact]
    public async Task RunAsync_SqliteDatabase_RefusesAndPointsToRunAndTheClusterDoc()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await WorkerCommand.RunAsync("homm.db", "1", null, "runs", output, error, CancellationToken.None);

        Assert.Equal(WorkerCommand.ExitUsage, exit);
        Assert.Contains("is a SQLite file", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("docs/cluster.md", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists("homm.db"));
    }
}
