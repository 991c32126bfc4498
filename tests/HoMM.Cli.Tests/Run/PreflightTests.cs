using HoMM.Cli.Run;
using HoMM.Cli.Tests.Control;

namespace HoMM.Cli.Tests.Run;

/// <summary>A typo in the trainer or the folders is one located error before the first trial (exit 3), not a budget of failed trials.</summary>
public class PreflightTests
{
    [Theory]
    [InlineData("command: [python3, train.py, \"{x}\"]", "command: [python3, trian.py, \"{x}\"]", "trainer.command[1]: the script 'trian.py' python3 is to run does not exist")]
    [InlineData("command: [python3, train.py, \"{x}\"]", "command: [python3, -W, ignore, ./missing/train.py, \"{x}\"]", "trainer.command[3]: the script './missing/train.py'")]
    [InlineData("command: [python3, train.py, \"{x}\"]", "command: [pyhton3, train.py, \"{x}\"]", "trainer.command[0]: the trainer program 'pyhton3' was not found on PATH")]
    [InlineData("command: [python3, train.py, \"{x}\"]", "command: [./train.sh, \"{x}\"]", "trainer.command[0]: the trainer program './train.sh' does not exist")]
    [InlineData("  env:", "  working_dir: experiments\n  env:", "trainer.working_dir 'experiments' does not exist")]
    public async Task RunAsync_TrainerTypo_Exit3NamingTheFieldAndNoDatabase(string from, string to, string expected)
    {
        using var folder = new ControlFolder();
        folder.WriteStudy(maxTrials: 50);
        File.WriteAllText(folder.StudyPath, File.ReadAllText(folder.StudyPath).Replace(from, to, StringComparison.Ordinal));
        var error = new StringWriter();

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(folder.StudyPath, folder.Db, null, null), new StringWriter(), error,
            TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitCannotRun, exit);
        Assert.Contains($"{folder.StudyPath}: {expected}", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Db));
    }

    [Fact]
    public async Task RunAsync_RunsFolderIsAFile_Exit3AndNoDatabase()
    {
        using var folder = new ControlFolder();
        folder.WriteStudy(maxTrials: 50);
        var runs = Path.Combine(folder.Dir, "runs.txt");
        File.WriteAllText(runs, "");
        var error = new StringWriter();

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(folder.StudyPath, folder.Db, null, runs), new StringWriter(), error,
            TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitCannotRun, exit);
        Assert.Contains($"the trial folders cannot be made: {runs} is a file, not a folder", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Db));
    }
}
