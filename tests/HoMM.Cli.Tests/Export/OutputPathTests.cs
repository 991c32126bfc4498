using System.Diagnostics;
using HoMM.Cli.Tests.Common;
using HoMM.StudyFiles.Files;

namespace HoMM.Cli.Tests.Export;

/// <summary>
/// What <c>-o</c> does with a path that is not a plain file (docs/reports.md, "Output files"): links
/// are written through, devices and FIFOs are streamed to and never replaced, and a failed write is an error.
/// </summary>
public sealed class OutputPathTests : SeededStoreTest
{
    [Theory]
    [InlineData("export")]
    [InlineData("report")]
    public async Task Output_SymbolicLink_WritesTheTargetAndKeepsTheLink(string command)
    {
        var target = Path.Combine(Db.Dir, "real", "out.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await File.WriteAllTextAsync(target, "old");
        var link = Path.Combine(Db.Dir, "link.txt");
        File.CreateSymbolicLink(link, target);

        var (exit, _, error) = await SeededStore.RunAsync(Args(command, link));

        Assert.True(exit == 0, error);
        Assert.Equal(FileKind.SymbolicLink, FileKinds.Of(link, followLinks: false));
        var written = await File.ReadAllTextAsync(target);
        Assert.Contains(command == "export" ? "number,state" : "<h1>fmnist</h1>", written, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Db.Dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Export_OutputIsFifo_StreamsIntoItAndKeepsTheFifo()
    {
        var fifo = Path.Combine(Db.Dir, "pipe");
        Tool("mkfifo", fifo);
        var reading = Task.Run(() => File.ReadAllText(fifo));
        try
        {
            var (exit, _, error) = await SeededStore.RunAsync(Args("export", fifo));

            Assert.True(exit == 0, error);
            Assert.StartsWith("number,state", await reading.WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
            Assert.Equal(FileKind.Fifo, FileKinds.Of(fifo));
        }
        finally
        {
            if (!reading.IsCompleted && FileKinds.Of(fifo) == FileKind.Fifo)
                File.WriteAllText(fifo, ""); // lets the blocked reader go
        }
    }

    [Fact]
    public async Task Export_OutputIsFullDevice_ExitsNonZeroAndKeepsTheDevice()
    {
        // A private copy of /dev/full where we may create one (root): a broken build must not replace the real one.
        var device = Path.Combine(Db.Dir, "full");
        if (!TryTool("mknod", device, "c", "1", "7"))
            device = "/dev/full";

        var (exit, _, error) = await SeededStore.RunAsync(Args("export", device));

        Assert.Equal(1, exit);
        Assert.Contains($"error: cannot write {device}", error, StringComparison.Ordinal);
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of(device));
    }

    [Fact]
    public async Task Export_OutputIsDirectory_SaysSoAndLeavesItAlone()
    {
        var dir = Path.Combine(Db.Dir, "folder");
        Directory.CreateDirectory(dir);

        var (exit, _, error) = await SeededStore.RunAsync(Args("export", dir));

        Assert.Equal(1, exit);
        Assert.Contains("is a directory", error, StringComparison.Ordinal);
        Assert.True(Directory.Exists(dir));
    }

    [Fact]
    public async Task Export_StandardOutputIsFull_ExitsNonZeroWithAMessage()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "homm-search.dll");
        var info = new ProcessStartInfo("bash") { RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec dotnet '{cli}' export fmnist --format csv --db '{Db.DbPath}' > /dev/full");
        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("error: cannot write to standard output", error, StringComparison.Ordinal);
    }

    private string[] Args(string command, string output) => command == "export"
        ? ["export", "fmnist", "--format", "csv", "--db", Db.DbPath, "-o", output]
        : ["report", "fmnist", "--db", Db.DbPath, "-o", output];

    private static void Tool(string name, params string[] args) =>
        Assert.True(TryTool(name, args), $"{name} {string.Join(' ', args)} failed");

    private static bool TryTool(string name, params string[] args)
    {
        var info = new ProcessStartInfo(name) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
