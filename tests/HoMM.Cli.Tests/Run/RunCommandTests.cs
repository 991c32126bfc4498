using HoMM.Cli.Run;

namespace HoMM.Cli.Tests.Run;

public class RunCommandTests
{
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HoMM.Search.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public async Task RunAsync_ImagenetStudyWithoutTheData_SaysWhatIsMissingAndWritesNothing()
    {
        using var folder = new RunFolder();
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await RunCommand.RunAsync(
            new RunCommand.RunRequest(Path.Combine(RepoRoot(), "studies", "imagenet-homm-s.yaml"), folder.Db, null, null),
            output, error, TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitCannotRun, exit);
        Assert.Contains("trainer.data.path /data/imagenet", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("one sub-folder per class", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Db));
    }

    [Fact]
    public async Task RunAsync_InvalidStudyFile_PrintsTheLocatedErrorsAndExits2()
    {
        using var folder = new RunFolder();
        var study = Path.Combine(folder.Dir, "bad.yaml");
        File.WriteAllText(study, "name: bad\nobjective: {metric: val/acc, direction: upward}\n");
        var error = new StringWriter();

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(study, folder.Db, null, null), new StringWriter(), error, TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitInvalid, exit);
        Assert.Contains("bad.yaml:2:", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Db));
    }
}
