using HoMM.Core.Trials;
using HoMM.Reports.Html;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Html;

public class StudySummaryTests
{
    [Fact]
    public void New_CountsStatesAndSumsComputeRunningUpToNow()
    {
        var study = Study(StudyDirection.Minimize,
            Trial(0, TrialState.Complete, 1, started: T0, finished: T0.AddMinutes(10)),
            Trial(1, TrialState.Complete, 2, started: T0.AddMinutes(5), finished: T0.AddMinutes(20)),
            Trial(2, TrialState.Running, started: T0.AddMinutes(20)),
            Trial(3, TrialState.Waiting));

        var summary = new TrialTotals(study, T0.AddMinutes(30));

        Assert.Equal([new(TrialState.Waiting, 1), new(TrialState.Running, 1), new(TrialState.Complete, 2)], summary.CountByState);
        Assert.Equal(TimeSpan.FromMinutes(35), summary.TotalCompute);
        Assert.Equal(T0, summary.FirstStart);
        Assert.Equal(T0.AddMinutes(30), summary.LastEnd);
    }
}
