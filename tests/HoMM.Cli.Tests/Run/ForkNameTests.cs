using HoMM.Cli.Run;

namespace HoMM.Cli.Tests.Run;

/// <summary>A --fork name obeys the study file's name rule: refused before anything is written (no database, no trial folder).</summary>
public sealed class ForkNameTests
{
    public static TheoryData<string> HostileNames() => new()
    {
        "", "../../evil", "/abs/path", "a\nb", "<b>x</b>", new string('a', 101), ".hidden", "with space",
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task RunAsync_InvalidForkName_Exits2NamingTheRuleAndWritesNothing(string fork)
    {
        using var folder = new RunFolder();
        var study = folder.WriteStudy(maxTrials: 1, slots: 1);
        var error = new StringWriter();

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(study, folder.Db, fork, null), new StringWriter(), error, TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitInvalid, exit);
        Assert.Contains("--fork", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("is not a valid study name; use ASCII letters, digits, '.', '_' and '-'", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Db));
        Assert.False(Directory.Exists(Path.Combine(folder.Dir, "runs")));
    }
}
