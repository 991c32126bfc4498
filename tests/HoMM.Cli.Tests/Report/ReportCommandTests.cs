using HoMM.Cli.Report;
using HoMM.Cli.Tests.Common;

namespace HoMM.Cli.Tests.Report;

public sealed class ReportCommandTests : SeededStoreTest
{
    [Fact]
    public async Task Report_SeededStudy_WritesOneSelfContainedFileWithSummaryAndFigures()
    {
        var path = Path.Combine(Db.Dir, "reports", "fmnist.html");

        var (exit, output, error) = await SeededStore.RunAsync("report", "fmnist", "--db", Db.DbPath, "-o", path);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.StartsWith($"wrote {path} (6 trials, ", output, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(path);
        // plotly.js inlined, and the page's policy lets it load nothing from elsewhere.
        Assert.Contains("plotly.js v", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
        Assert.Contains("<h1>fmnist</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th>trial</th><td>1</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th>test/acc</th><td>0.86</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th>lr</th><td>0.0025</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th>database</th><td>" + Db.DbPath + "</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("2 complete", html, StringComparison.Ordinal);
        // The slots recorded by the dispatcher label the timeline's rows.
        Assert.Contains("Timeline per slot", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_PlotlyMissing_SaysHowToInstallIt()
    {
        var (exit, _, error) = await SeededStore.RunAsync(
            "report", "fmnist", "--db", Db.DbPath, "-o", Path.Combine(Db.Dir, "r.html"), "--plotly", Path.Combine(Db.Dir, "none.js"));

        Assert.Equal(1, exit);
        Assert.Contains("plotly.js not found", error, StringComparison.Ordinal);
        Assert.Contains("scripts/bootstrap", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Db.Dir, "r.html")));
    }

    [Fact]
    public async Task Report_UnknownStudy_ListsTheKnownOnesAndWritesNothing()
    {
        var (exit, _, error) = await SeededStore.RunAsync("report", "mnist", "--db", Db.DbPath, "-o", Path.Combine(Db.Dir, "r.html"));

        Assert.Equal(1, exit);
        Assert.Contains("its studies: cifar, fmnist", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Db.Dir, "r.html")));
    }

    [Theory]
    [InlineData("fmnist", "fmnist.html")]
    [InlineData("a/b:c", "a_b_c.html")]
    [InlineData("..", "study.html")]
    public void DefaultFileName_StudyName_IsASafeFileName(string study, string expected)
    {
        Assert.Equal(expected, ReportCommand.DefaultFileName(study));
    }
}
