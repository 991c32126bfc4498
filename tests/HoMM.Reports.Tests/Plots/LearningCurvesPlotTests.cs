using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;
using HoMM.Reports.Plots;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Plots;

public class LearningCurvesPlotTests
{
    private static Dictionary<long, double> Curve(int points, Func<int, double> f) =>
        Enumerable.Range(1, points).ToDictionary(i => (long)i * 10, f);

    [Fact]
    public void Build_SortsStepsAndKeepsStates_TrialsWithoutValuesLeftOut()
    {
        var unordered = new Dictionary<long, double> { [30] = 0.3, [10] = 0.1, [20] = double.NaN };
        var study = Study(
            StudyDirection.Maximize,
            Trial(1, TrialState.Pruned, intermediate: unordered),
            Trial(0, TrialState.Complete, 0.9, intermediate: Curve(3, i => i / 10.0)),
            Trial(2, TrialState.Fail));

        var info = LearningCurvesPlot.Build(study);

        Assert.Equal([0, 1], info.Curves.Select(c => c.TrialNumber));
        var pruned = info.Curves[1];
        Assert.Equal(TrialState.Pruned, pruned.State);
        Assert.Equal([10L, 30L], pruned.Steps);
        Assert.Equal([0.1, 0.3], pruned.Values);
        Assert.False(info.Downsampled);
    }

    [Fact]
    public void Build_OverBudget_DownsamplesEachCurveKeepingEndsAndPeak()
    {
        var trials = Enumerable.Range(0, 50)
            .Select(n => Trial(n, TrialState.Complete, 1, intermediate: Curve(200, i => i == 77 ? 5.0 : Math.Sqrt(i))))
            .ToArray();

        var info = LearningCurvesPlot.Build(Study(StudyDirection.Maximize, trials), new LearningCurvesOptions { PointBudget = 1000, MinPointsPerCurve = 10 });

        Assert.True(info.Downsampled);
        Assert.All(info.Curves, c =>
        {
            Assert.Equal(20, c.Values.Count);
            Assert.Equal(200, c.ReportedPoints);
            Assert.Equal(10L, c.Steps[0]);
            Assert.Equal(2000L, c.Steps[^1]);
            Assert.Contains(770L, c.Steps); // the spike survives
        });
    }

    [Fact]
    public void Build_TenThousandTrialsOfHundredPoints_StaysWithinBudget()
    {
        var info = LearningCurvesPlot.Build(Synthetic(10_000, steps: 100));

        Assert.InRange(info.Curves.Sum(c => c.Values.Count), 1, 200_000);
        Assert.Equal(10_000, info.Curves.Count);
    }

    [Fact]
    public void Render_PrunedCurves_HaveTheirOwnColourAndEndMarkers()
    {
        var study = Study(
            StudyDirection.Maximize,
            Trial(0, TrialState.Complete, 0.9, intermediate: Curve(4, i => i)),
            Trial(1, TrialState.Complete, 0.9, intermediate: Curve(4, i => i)),
            Trial(2, TrialState.Pruned, intermediate: Curve(2, i => i)));

        var data = JsonDocument.Parse(FigureJson.Serialize(LearningCurvesPlot.Render(LearningCurvesPlot.Build(study))))
            .RootElement.GetProperty("data").EnumerateArray().ToList();

        var complete = data[0];
        Assert.Equal("complete", complete.GetProperty("name").GetString());
        // Two curves in one trace, each followed by a gap.
        Assert.Equal(10, complete.GetProperty("x").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, complete.GetProperty("y")[4].ValueKind);
        var prunedEnds = data[^1];
        Assert.Equal("pruned", prunedEnds.GetProperty("name").GetString());
        Assert.Equal("x", prunedEnds.GetProperty("marker").GetProperty("symbol").GetString());
        Assert.Equal(PlotStyle.Pruned, prunedEnds.GetProperty("marker").GetProperty("color").GetString());
        Assert.Equal(20, prunedEnds.GetProperty("x")[0].GetDouble());
    }

    [Fact]
    public void Lttb_SelectsRequestedCountAscending()
    {
        var x = Enumerable.Range(0, 1000).Select(i => (long)i).ToArray();
        var y = x.Select(v => Math.Sin(v / 50.0)).ToArray();

        var keep = Lttb.Select(x, y, x.Length, 50);

        Assert.Equal(50, keep.Length);
        Assert.Equal(0, keep[0]);
        Assert.Equal(999, keep[^1]);
        Assert.Equal(keep.Order(), keep);
        Assert.Equal(keep.Length, keep.Distinct().Count());
    }
}
