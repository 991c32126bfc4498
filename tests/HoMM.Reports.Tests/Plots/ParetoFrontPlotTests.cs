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

    [Fact]
    public void ParallelCoordinates_MultiObjective_AnAxisPerObjectiveAndLinesColouredByFrontRank()
    {
        var plain = TwoObjectives((0.8, 10), (0.9, 20), (0.7, 30), (0.95, 40), (0.75, 35));
        var study = new ReportStudy(plain.Name, plain.Direction, plain.ObjectiveName, [.. plain.Trials.Select(t => t with
        {
            Params = new Dictionary<string, object> { ["wd"] = 0.01 * t.Number },
            Distributions = new Dictionary<string, HoMM.Core.SearchSpace.Distribution> { ["wd"] = Wd },
        })]) { Objectives = plain.Objectives };

        var info = ParallelCoordinatesPlot.Build(study);

        // The failed trial takes no part; 2 and 4 are dominated (by 0: more accurate and cheaper).
        Assert.Equal([0, 1, 2, 3, 4], info.TrialNumbers);
        Assert.Equal([0, 0, 1, 0, 1], info.FrontRanks);
        var flops = Assert.Single(info.MoreObjectives);
        Assert.Equal("info/flops", flops.Name);
        Assert.Equal([10.0, 20, 30, 40, 35], flops.Values);

        var figure = ParallelCoordinatesPlot.Render(info);
        var trace = Assert.IsType<HoMM.Reports.Figures.ParCoords>(Assert.Single(figure.Data));
        Assert.Equal(["val/acc", "info/flops", "wd"], trace.Dimensions.Select(d => d.Label));
        // Worst rank drawn first: the front lies on top, in the scale's strong (low) end.
        Assert.Equal([1.0, 1, 0, 0, 0], trace.Line!.Color!.Values!.Numbers);
        Assert.Equal(0, trace.Line.CMin);
        Assert.False(trace.Line.ReverseScale);
        Assert.Contains("3 of 5 trials on the Pareto front", figure.Layout.Title!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportFigures_MultiObjective_OneImportanceFigurePerObjectiveRankingItsOwnDriver()
    {
        // val/acc depends on lr only, info/flops on batch only: each objective's importance says so.
        var rng = new Random(5);
        var trials = new List<FrozenTrial>();
        for (var i = 0; i < 60; i++)
        {
            var p = new Dictionary<string, object> { ["lr"] = Math.Pow(10, -5 + 4 * rng.NextDouble()), ["batch"] = (long)rng.Next(16, 513) };
            var acc = 0.9 - 0.05 * Math.Pow(Math.Log10((double)p["lr"]) + 3, 2);
            var flops = 1e6 * (long)p["batch"];
            trials.Add(Complete(i, acc, p) with { Values = [acc, flops] });
        }
        var study = new ReportStudy("s", StudyDirection.Maximize, "val/acc", trials)
        {
            Objectives = [("val/acc", StudyDirection.Maximize), ("info/flops", StudyDirection.Minimize)],
        };
        var space = new HoMM.Core.SearchSpace.SearchSpaceDefinition([new("lr", Lr), new("batch", DistributionOf("batch"))]);

        var figures = ReportFigures.Build(new StudyReport(study) { SearchSpace = space }, T0);

        var first = figures.Single(f => f.Id == "importance");
        var second = figures.Single(f => f.Id == "importance-1");
        Assert.Equal("Parameter importance: val/acc", first.Title);
        Assert.Equal("Parameter importance: info/flops", second.Title);
        var importances = ReportFigures.EvaluateImportances(new StudyReport(study) { SearchSpace = space })!;
        Assert.Equal(2, importances.Count);
        Assert.True(importances[0]["lr"] > importances[0]["batch"], string.Join(", ", importances[0]));
        Assert.True(importances[1]["batch"] > importances[1]["lr"], string.Join(", ", importances[1]));
        var bars = Assert.IsType<HoMM.Reports.Figures.Bar>(Assert.Single(second.Figure!.Data));
        Assert.Equal("importance for info/flops", second.Figure.Layout.XAxis!.Title!.Text);
        Assert.Equal("batch", bars.Y!.Strings![^1]);

        // Deferred (the dashboard's first answer): a note per objective, the same ids.
        var deferred = ReportFigures.Build(new StudyReport(study) { SearchSpace = space, DeferImportance = true }, T0);
        Assert.All(deferred.Where(f => f.Id.StartsWith("importance", StringComparison.Ordinal)), f => Assert.Null(f.Figure));
        Assert.Equal(figures.Select(f => f.Id), ReportFigures.Build(new StudyReport(study) { SearchSpace = space, Importances = importances }, T0).Select(f => f.Id));
    }
}
