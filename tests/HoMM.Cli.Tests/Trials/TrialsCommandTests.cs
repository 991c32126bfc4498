using HoMM.Cli.Tests.Common;
using HoMM.Cli.Trials;

namespace HoMM.Cli.Tests.Trials;

public sealed class TrialsCommandTests : SeededStoreTest
{
    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Trials_NotATerminal_PlainColumnsOneLinePerTrialByNumber()
    {
        var (exit, output, error) = await SeededStore.RunAsync("trials", "fmnist", "--db", Db.DbPath);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var lines = Lines(output);
        Assert.Matches(@"^#\s+state\s+val/acc\s+test/acc\s+duration\s+started \(UTC\)\s+lr\s+pooling\s+reason$", lines[0]);
        Assert.Matches(@"^0\s+complete\s+0\.81\s+0\.8\s+10m 00s\s+2026-03-02 21:00:00\s+0\.001\s+cls$", lines[1]);
        Assert.Matches(@"^1\s+complete\s+0\.87\s+0\.86\s+10m 00s\s+2026-03-02 21:10:00\s+0\.0025\s+mean$", lines[2]);
        Assert.Matches(@"^2\s+pruned\s+0\.84\s+10m 00s\s+2026-03-02 21:20:00\s+0\.0001\s+a ""b"", c\s+pruned at step 10$", lines[3]);
        Assert.Matches(@"^3\s+failed\s+10m 00s\s+2026-03-02 21:30:00\s+0\.009\s+cls\s+diverged: loss is NaN at step 40$", lines[4]);
        Assert.Matches(@"^5\s+waiting\s+0\.001\s+cls$", lines[6]);
        Assert.Equal(7, lines.Length);
        Assert.DoesNotContain("│", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trials_StateSortAndLimit_FilterOrderAndCut()
    {
        var (exit, output, _) = await SeededStore.RunAsync(
            "trials", "fmnist", "--db", Db.DbPath, "--state", "complete,pruned", "--state", "failed", "--sort", "value", "--limit", "3");

        Assert.Equal(0, exit);
        var numbers = Lines(output).Skip(1).Take(3).Select(l => l.Split(' ')[0]);
        // Complete trials best first (maximize), then the pruned one although its last value (0.84)
        // beats trial 0's 0.81; the failed trial (no value) would come last.
        Assert.Equal(["1", "0", "2"], numbers);
        Assert.EndsWith("3 of 4 trials shown (--limit)", output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trials_Json_SelectedTrialsAsTheExportWritesThem()
    {
        var (exit, output, error) = await SeededStore.RunAsync(
            "trials", "fmnist", "--db", Db.DbPath, "--state", "complete,failed", "--sort", "value", "--limit", "2", "--json");

        Assert.True(exit == 0, error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal("fmnist", doc.RootElement.GetProperty("study").GetProperty("name").GetString());
        var trials = doc.RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal([1, 0], trials.Select(t => t.GetProperty("number").GetInt32()));
        Assert.Equal("complete", trials[0].GetProperty("state").GetString());
        Assert.Equal(0.86, trials[0].GetProperty("final").GetProperty("test/acc").GetDouble());
        Assert.Equal("mean", trials[0].GetProperty("params").GetProperty("pooling").GetString());
    }

    [Fact]
    public async Task Trials_NoTrialInTheState_SaysSo()
    {
        var (exit, output, _) = await SeededStore.RunAsync("trials", "cifar", "--db", Db.DbPath, "--state", "running");

        Assert.Equal(0, exit);
        Assert.Equal("study 'cifar' has no running trials", output.Trim());
    }

    [Theory]
    [InlineData("--state", "done", "--state done: unknown state; use waiting, running, paused, complete, pruned, failed")]
    [InlineData("--sort", "speed", "Argument 'speed' not recognized")]
    [InlineData("--limit", "0", "--limit must be at least 1")]
    public async Task Trials_BadOption_ExplainsWhatIsAccepted(string option, string value, string message)
    {
        var (exit, _, error) = await SeededStore.RunAsync("trials", "fmnist", "--db", Db.DbPath, option, value);

        Assert.Equal(1, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trials_UnknownStudy_ListsTheKnownOnes()
    {
        var (exit, _, error) = await SeededStore.RunAsync("trials", "mnist", "--db", Db.DbPath);

        Assert.Equal(1, exit);
        Assert.Contains("no study 'mnist'", error, StringComparison.Ordinal);
        Assert.Contains("its studies: cifar, fmnist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Terminal_DrawsABorderedTableWithTextAsWritten()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await TrialsCommand.RunAsync(Db.DbPath, "fmnist", new TrialsOptions(["pruned"]), output, error, terminal: true, TimeProvider.System);

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Contains("╭", text, StringComparison.Ordinal);
        Assert.Contains("│", text, StringComparison.Ordinal);
        // Shown as written, not read as Spectre markup or HTML.
        Assert.Contains("a \"b\", c", text, StringComparison.Ordinal);
        Assert.DoesNotContain("complete", text, StringComparison.Ordinal);
    }
}
