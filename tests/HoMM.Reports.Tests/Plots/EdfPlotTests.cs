using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;
using HoMM.Reports.Plots;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Plots;

public class EdfPlotTests
{
    [Fact]
    public void Build_CompleteValuesSorted_CumulativeProbabilityByRank()
    {
        var study = Study(StudyDirection.Minimize, Complete(0, 0.3), Complete(1, 0.1), Trial(2, TrialState.Pruned, 0.05), Complete(3, 0.2), Complete(4, 0.4));

        var series = EdfPlot.Build(study).Series;

        Assert.Equal([0.1, 0.2, 0.3, 0.4], series[0].SortedValues);
        Assert.False(series[0].WithPruned);
        Assert.Equal(0.25, series[0].CumulativeProbability(0));
        Assert.Equal(1.0, series[0].CumulativeProbability(3));
        // The pruned trial is not dropped silently: a second series counts it at its value.
        Assert.True(series[1].WithPruned);
        Assert.Equal([0.05, 0.1, 0.2, 0.3, 0.4], series[1].SortedValues);
    }

    [Fact]
    public void Render_PrunedTrials_FadedDottedSeriesInTheLegendToToggle()
    {
        var study = Study(StudyDirection.Minimize, Complete(0, 0.3), Complete(1, 0.1), Trial(2, TrialState.Pruned, 0.05));

        var figure = EdfPlot.Render(EdfPlot.Build(study));

        Assert.Equal(2, figure.Data.Count);
        var pruned = Assert.IsType<Scatter>(figure.Data[1]);
        Assert.Equal("pruned", pruned.LegendGroup);
        Assert.Equal("dot", pruned.Line!.Dash);
        Assert.True(pruned.Opacity < 1);
        Assert.True(figure.Layout.ShowLegend);
        Assert.Equal(0, figure.Layout.Legend!.X);
    }

    [Fact]
    public void Build_StudiesWithDifferentObjectives_Throws()
    {
        var a = Study(StudyDirection.Minimize, Complete(0, 1));
        var b = new ReportStudy("other", StudyDirection.Minimize, "loss", [Complete(0, 1)]);

        var ex = Assert.Throws<ArgumentException>(() => EdfPlot.Build([a, b]));
        Assert.Contains("'loss'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LargeStudy_StepLineWithBoundedPointsEndingAtOne()
    {
        var info = EdfPlot.Build(Synthetic(10_000, steps: 3));

        var trace = JsonDocument.Parse(FigureJson.Serialize(EdfPlot.Render(info))).RootElement.GetProperty("data")[0];

        Assert.Equal("hv", trace.GetProperty("line").GetProperty("shape").GetString());
        var y = trace.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.InRange(y.Count, 100, 1000);
        Assert.Equal(1.0, y[^1]);
        Assert.Equal(y.Order(), y);
    }
}
