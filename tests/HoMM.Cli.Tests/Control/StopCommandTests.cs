using HoMM.Cli.Control;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Storage;

namespace HoMM.Cli.Tests.Control;

public class StopCommandTests
{
    [Fact]
    public async Task RunAsync_WaitingTrial_EndsAtOnce()
    {
        using var folder = new ControlFolder();
        folder.WriteStudy(maxTrials: 2);
        var study = await folder.CreateStudyAsync();
        var waiting = await folder.WithStoreAsync(s => s.CreateTrialAsync(study.Id,
            new Dictionary<string, object> { ["y"] = 2L }, new Dictionary<string, Distribution> { ["y"] = new IntDistribution(1, 9) }));
        var output = new StringWriter();

        var exit = await StopCommand.RunAsync(folder.Db, "ctl", waiting.Number, "wrong idea", output, new StringWriter());

        Assert.Equal(0, exit);
        Assert.Contains("trial 0 was waiting: it is cancelled and will not run", output.ToString(), StringComparison.Ordinal);
        var stopped = await folder.WithStoreAsync(s => s.GetTrialAsync(waiting.Id));
        Assert.Equal((TrialState.Cancelled, $"cancelled by {Environment.UserName}@{Environment.MachineName} (cli): wrong idea"), (stopped!.State, stopped.FailReason));
    }

    [Fact]
    public async Task RunAsync_RunningTrial_WritesTheStopRequest()
    {
        using var folder = new ControlFolder();
        folder.WriteStudy(maxTrials: 2);
        var study = await folder.CreateStudyAsync();
        var trial = await folder.WithStoreAsync(async s =>
        {
            var t = await s.CreateTrialAsync(study.Id, new Dictionary<string, object> { ["y"] = 2L }, new Dictionary<string, Distribution> { ["y"] = new IntDistribution(1, 9) });
            await s.TryStartAsync(t.Id);
            return t;
        });

        var exit = await StopCommand.RunAsync(folder.Db, "ctl", trial.Number, null, new StringWriter(), new StringWriter());

        Assert.Equal(0, exit);
        var attrs = await folder.WithStoreAsync(s => s.GetTrialAttrsAsync(trial.Id, AttrScope.System));
        Assert.EndsWith("(cli): no reason given", TrialStop.RequestText(attrs[SystemAttrs.ControlStop]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FinishedTrial_SaysThereIsNothingToStop()
    {
        using var folder = new ControlFolder();
        folder.WriteStudy(maxTrials: 2);
        var study = await folder.CreateStudyAsync();
        await folder.WithStoreAsync(async s =>
        {
            var t = await s.CreateTrialAsync(study.Id, new Dictionary<string, object> { ["y"] = 2L }, new Dictionary<string, Distribution> { ["y"] = new IntDistribution(1, 9) });
            return await s.TryFailAsync(t.Id, "crashed", TrialState.Waiting);
        });
        var error = new StringWriter();

        var exit = await StopCommand.RunAsync(folder.Db, "ctl", 0, null, new StringWriter(), error);

        Assert.Equal(1, exit);
        Assert.Contains("trial 0 is already failed: there is nothing to cancel", error.ToString(), StringComparison.Ordinal);
    }
}
