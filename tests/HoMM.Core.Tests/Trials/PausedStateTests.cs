using HoMM.Core.Studies;
using HoMM.Core.Tests.Pruners;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Trials;

public class PausedStateTests
{
    [Fact]
    public void Paused_IsNeitherFinishedNorBudget_AndNamedAfterRunning()
    {
        Assert.False(TrialState.Paused.IsFinished());
        Assert.False(TrialState.Paused.CountsTowardBudget());
        Assert.Equal(["waiting", "running", "paused", "complete", "pruned", "failed", "cancelled"], TrialStateNames.All);
        Assert.True(TrialStateNames.TryParse("Paused", out var parsed));
        Assert.Equal(TrialState.Paused, parsed);
    }

    [Fact]
    public void StudySnapshot_PausedTrial_IsSeenRunningWithItsValues()
    {
        var paused = History.Trial(3, TrialState.Paused, (30, 0.7));

        var seen = Assert.Single(History.View(paused).Trials);

        Assert.Equal(TrialState.Running, seen.State);
        Assert.Equal(0.7, seen.IntermediateValues[30]);
    }
}
