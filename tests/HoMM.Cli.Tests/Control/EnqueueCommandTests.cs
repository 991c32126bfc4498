using HoMM.Cli.Control;
using HoMM.Cli.Run;
using HoMM.Core.Trials;

namespace HoMM.Cli.Tests.Control;

public class EnqueueCommandTests
{
    [Fact]
    public async Task RunAsync_PartialSet_EnqueuedAndLaterCompletedByTheSampler()
    {
        using var folder = new ControlFolder();
        folder.WriteStudy(maxTrials: 2);
        var study = await folder.CreateStudyAsync();
        var output = new StringWriter();

        var exit = await EnqueueCommand.RunAsync(folder.Db, "ctl", ["y=4"], output, new StringWriter());

        Assert.Equal(0, exit);
        Assert.Equal("enqueued trial 0 of study 'ctl': y=4 (the other parameters are sampled when it starts); it runs before the sampler proposes new trials",
            output.ToString().Trim());
        var waiting = await folder.WithStoreAsync(s => s.GetTrialByNumberAsync(study.Id, 0));
        Assert.Equal(TrialState.Waiting, waiting!.State);
        Assert.Equal(4L, Assert.Single(waiting.Params).Value);

        var run = await RunCommand.RunAsync(new RunCommand.RunRequest(folder.StudyPath, folder.Db, null, null), new StringWriter(), new StringWriter(),
            TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitDone, run);
        var done = await folder.WithStoreAsync(s => s.GetTrialByNumberAsync(study.Id, 0));
        Assert.Equal(TrialState.Complete, done!.State);
        Assert.Equal(4L, done.Params["y"]);
        Assert.True((double)done.Params["x"] * 4 <= 2, $"x = {done.Params["x"]} breaks the constraint");
    }

    [Theory]
    [InlineData(new[] { "x=0.9", "y=5" }, "breaks the constraint 'x * y <= 2' (x = 0.9, y = 5)")]
    [InlineData(new[] { "y=12" }, "y: 12 is not in int[1, 9]")]
    [InlineData(new[] { "x=fast" }, "x: expected a number in float[0, 1], found 'fast'")]
    [InlineData(new[] { "z=1" }, "z: not a parameter of the search space")]
    public async Task RunAsync_SetBreakingTheRules_RefusedWithTheReasonAndNothingWritten(string[] parameters, string expected)
    {
        using var folder = new ControlFolder();
        folder.WriteStudy(maxTrials: 2);
        var study = await folder.CreateStudyAsync();
        var error = new StringWriter();

        var exit = await EnqueueCommand.RunAsync(folder.Db, "ctl", parameters, new StringWriter(), error);

        Assert.Equal(EnqueueCommand.ExitRefused, exit);
        Assert.Contains("study 'ctl' refuses this trial:", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.Empty((await folder.WithStoreAsync(s => s.GetTrialsAsync(study.Id))).Trials);
    }

    [Fact]
    public async Task RunAsync_MalformedParam_SaysTheSyntax()
    {
        var error = new StringWriter();

        var exit = await EnqueueCommand.RunAsync("unused.db", "ctl", ["lr"], new StringWriter(), error);

        Assert.Equal(EnqueueCommand.ExitRefused, exit);
        Assert.Contains("expected name=value", error.ToString(), StringComparison.Ordinal);
    }
}
