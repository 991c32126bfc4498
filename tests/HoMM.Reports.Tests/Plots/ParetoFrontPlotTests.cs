using HoMM.Core.Trials;
using HoMM.Reports.Html;
using HoMM.Reports.Plots;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Plots;

public class ParetoFrontPlotTests
{
    private static ReportStudy TwoObjectives(params (double Acc, double Flops)[] values)
    {
        var trials = values.Select((v, i) => Complete(i, v.Acc) with { Values = [v.Acc, v.Flops] }).ToList();
        trials.Add(Trial(values.Length, TrialState.Fail));
        return new ReportStudy("s", StudyDirection.Maximize, "val/acc", trials)
        {
            Objectives = [("val/acc", StudyDirection.Maximize), ("info/flops", StudyDirection.Minimize)],
        };
    }

    [Fact]
    public void Build_MixedTrials_RanksByFrontAndTracksHypervolume()
    {
        var info = ParetoFrontPlot.Build(TwoObjectives((0.8, 10), (0.9, 20), (0.7, 30), (0.95, 40)));

        Assert.Equal([0, 1, 3], info.Front.Select(p => p.Number));
        Assert.Equal(1, info.Points.Single(p => p.Number == 2).Rank);
        Assert.Equal(4, info.History.Count);
        Assert.Equal(info.History[1].Hypervolume, info.History[2].Hypervolume); // a dominated trial adds nothing
        Assert.True(info.History[3].Hypervolume > info.History[2].Hypervolume);
    }

    [Fact]
    public void Render_DominatedFadedAndFrontAsALine()
    {
        var figure = ParetoFrontPlot.Render(ParetoFrontPlot.Build(TwoObjectives((0.8, 10), (0.9, 20), (0.7, 30))));

        var dominated = Assert.IsAssignableFrom<HoMM.Reports.Figures.XYTrace>(figure.Data[0]);
        Assert.Equal(0.35, dominated.Marker!.Opacity);
        var front = Assert.IsType<HoMM.Reports.Figures.Scatter>(figure.Data[1]);
        Assert.Equal("lines+markers", front.Mode);
    }

    [Fact]
    public void ReportFigures_MultiObjectiveStudy_HasParetoAndHypervolume_SingleHasNeither()
    {
        var multi = ReportFigures.Build(new StudyReport(TwoObjectives((0.8, 10), (0.9, 20))), T0);
        Assert.Contains(multi, f => f.Id == "pareto" && f.Figure is not null);
        Assert.Contains(multi, f => f.Id == "hypervolume" && f.Figure is not null);
        var single = ReportFigures.Build(new StudyReport(new ReportStudy("s", StudyDirection.Maximize, "val/acc", [Complete(0, 0.5)])), T0);
        Assert.DoesNotContain(single, f => f.Id is "pareto" or "hypervolume");
    }
}
