using HoMM.Reports.Figures;
using HoMM.Reports.Plots;

namespace HoMM.Reports.Tests.Plots;

public class MetricCurvesPlotTests
{
    [Fact]
    public void Build_UnorderedStepsWithNaN_SortedFiniteSeriesInTrialOrder()
    {
        var info = MetricCurvesPlot.Build("train/loss",
        [
            (7, new Dictionary<long, double> { [300] = 0.2, [100] = 0.9, [200] = double.NaN }),
            (3, new Dictionary<long, double> { [100] = 1.1 }),
        ]);

        Assert.Equal([3, 7], info.Series.Select(s => s.TrialNumber));
        Assert.Equal([100L, 300L], info.Series[1].Steps);
        Assert.Equal([0.9, 0.2], info.Series[1].Values);
    }

    [Fact]
    public void Render_TwoTrials_OneNamedLinePerTrialAndEscapedTitle()
    {
        var info = MetricCurvesPlot.Build("<b>acc</b>",
        [
            (1, new Dictionary<long, double> { [1] = 0.1, [2] = 0.2 }),
            (2, new Dictionary<long, double> { [1] = 0.3 }),
        ]);

        var figure = MetricCurvesPlot.Render(info);

        Assert.Equal(["trial 1", "trial 2"], figure.Data.Select(t => t.Name));
        Assert.Equal(ScatterModes.Markers, Assert.IsType<Scatter>(figure.Data[1]).Mode);
        Assert.Equal("&lt;b&gt;acc&lt;/b&gt;", figure.Layout.Title!.Text);
        Assert.True(figure.Layout.ShowLegend);
    }
}
