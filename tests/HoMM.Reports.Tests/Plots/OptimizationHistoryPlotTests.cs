using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;
using HoMM.Reports.Plots;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Plots;

public class OptimizationHistoryPlotTests
{
    private static readonly FrozenTrial[] Mixed =
    [
        Complete(0, 0.5),
        Complete(1, 0.7),
        Trial(2, TrialState.Fail),
        Complete(3, 0.6),
        Trial(4, TrialState.Pruned, intermediate: new Dictionary<long, double> { [100] = 0.2, [200] = 0.3 }),
        Complete(5, 0.9),
        Trial(6, TrialState.Running),
        Trial(7, TrialState.Pruned),
        Complete(8, 0.1),
    ];

    [Fact]
    public void Build_Maximize_BestSoFarKeepsTheHighestValue()
    {
        var info = OptimizationHistoryPlot.Build(Study(StudyDirection.Maximize, Mixed));

        Assert.Equal([0, 1, 3, 5, 8], info.Complete.Select(p => p.Number));
        Assert.Equal([0.5, 0.7, 0.7, 0.9, 0.9], info.BestSoFar.Select(p => p.Value));
        Assert.Equal(new TrialPoint(5, 0.9), info.Best);
    }

    [Fact]
    public void Build_Minimize_BestSoFarKeepsTheLowestValue()
    {
        var info = OptimizationHistoryPlot.Build(Study(StudyDirection.Minimize, Mixed));

        Assert.Equal([0.5, 0.5, 0.5, 0.5, 0.1], info.BestSoFar.Select(p => p.Value));
        Assert.Equal(new TrialPoint(8, 0.1), info.Best);
    }

    [Fact]
    public void Build_PrunedAndFailed_AreKeptApartFromComplete()
    {
        var info = OptimizationHistoryPlot.Build(Study(StudyDirection.Maximize, Mixed));

        Assert.Equal([new TrialPoint(4, 0.3)], info.Pruned);
        Assert.Equal([7], info.PrunedWithoutValue);
        Assert.Equal([2], info.Failed);
        Assert.DoesNotContain(info.Complete, p => p.Number == 6);
    }

    [Fact]
    public void Build_UnorderedInputAndNonFiniteValue_SortsByNumberAndSetsNaNAside()
    {
        var info = OptimizationHistoryPlot.Build(Study(StudyDirection.Minimize, Complete(2, 3), Complete(0, 5), Complete(1, double.NaN)));

        Assert.Equal([0, 2], info.Complete.Select(p => p.Number));
        Assert.Equal([5.0, 3.0], info.BestSoFar.Select(p => p.Value));
        Assert.Equal([1], info.Failed);
    }

    [Fact]
    public void Build_NoCompleteTrial_HasNoBest()
    {
        var info = OptimizationHistoryPlot.Build(Study(StudyDirection.Minimize, Trial(0, TrialState.Fail)));

        Assert.Null(info.Best);
        Assert.Empty(info.BestSoFar);
    }

    [Fact]
    public void Render_SmallStudy_UsesSvgScatterWithStepLineAndNoValueStrip()
    {
        var json = JsonDocument.Parse(FigureJson.Serialize(
            OptimizationHistoryPlot.Render(OptimizationHistoryPlot.Build(Study(StudyDirection.Maximize, Mixed))))).RootElement;

        var data = json.GetProperty("data").EnumerateArray().ToList();
        Assert.All(data, t => Assert.Equal("scatter", t.GetProperty("type").GetString()));
        var best = data.Single(t => t.GetProperty("name").GetString() == "best so far");
        Assert.Equal("hv", best.GetProperty("line").GetProperty("shape").GetString());
        // Only the points where the best changes, plus the last one.
        Assert.Equal([0.0, 1, 5, 8], best.GetProperty("x").EnumerateArray().Select(x => x.GetDouble()));
        var failed = data.Single(t => t.GetProperty("name").GetString() == "failed");
        Assert.Equal("y2", failed.GetProperty("yaxis").GetString());
        Assert.Equal("x", failed.GetProperty("marker").GetProperty("symbol").GetString());
        Assert.True(json.GetProperty("layout").TryGetProperty("yaxis2", out _));
    }

    [Fact]
    public void Render_TenThousandTrials_UsesWebGlAndAFewBestPoints()
    {
        var info = OptimizationHistoryPlot.Build(Synthetic(10_000, steps: 5));

        var json = JsonDocument.Parse(FigureJson.Serialize(OptimizationHistoryPlot.Render(info))).RootElement;

        var first = json.GetProperty("data")[0];
        Assert.Equal("scattergl", first.GetProperty("type").GetString());
        Assert.Equal(info.Complete.Count, first.GetProperty("x").GetArrayLength());
        var best = json.GetProperty("data").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "best so far");
        Assert.InRange(best.GetProperty("x").GetArrayLength(), 2, 200);
    }
}
