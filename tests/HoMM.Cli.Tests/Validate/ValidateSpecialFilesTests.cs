using System.Diagnostics;
using HoMM.Cli.Validate;

namespace HoMM.Cli.Tests.Validate;

/// <summary><c>validate</c> on paths that are not regular files: it ends at once, never reading without bound or waiting on a pipe.</summary>
public sealed class ValidateSpecialFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("homm-validate-special-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Run_EndlessCharacterDevice_StopsAtTheSizeCapWithinOneSecond()
    {
        var (exit, error) = await RunWithinOneSecondAsync("/dev/zero");

        Assert.Equal(ValidateCommand.ExitInvalid, exit);
        Assert.Contains("more than 1,048,576 bytes; a study file is at most 1,048,576", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Fifo_RefusedWithoutWaitingForAWriter()
    {
        var fifo = Path.Combine(_dir, "study.yaml");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
            await mkfifo.WaitForExitAsync();

        var (exit, error) = await RunWithinOneSecondAsync(fifo);

        Assert.Equal(ValidateCommand.ExitInvalid, exit);
        Assert.Contains("is a FIFO (named pipe)", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Error)> RunWithinOneSecondAsync(string path)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var watch = Stopwatch.StartNew();
        var exit = await Task.Run(() => ValidateCommand.Run(path, output, error)).WaitAsync(TimeSpan.FromSeconds(1));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
        return (exit, error.ToString());
    }
}
