using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;
using HoMM.Reports.Plots;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Plots;

public class SlicePlotTests
{
    private static readonly ReportStudy Study4 = Study(
        StudyDirection.Maximize,
        Complete(0, 0.5, new Dictionary<string, object> { ["lr"] = 1e-3, ["act"] = "relu", ["wd"] = 0.01 }),
        Complete(1, 0.6, new Dictionary<string, object> { ["lr"] = 1e-2, ["act"] = "gelu" }),
        Trial(2, TrialState.Fail, parameters: new Dictionary<string, object> { ["lr"] = 1e-4, ["act"] = "gelu" }),
        Complete(3, 0.7, new Dictionary<string, object> { ["lr"] = 1e-4, ["act"] = "gelu", ["wd"] = 0.02 }));

    [Fact]
    public void Build_EachParameter_HasTheCompleteTrialsThatSetIt()
    {
        var info = SlicePlot.Build(Study4);

        Assert.Equal(["lr", "act", "wd"], info.Params.Select(p => p.Param.Name));
        var act = info.Params[1];
        Assert.Equal(ParamScale.Categorical, act.Param.Scale);
        Assert.Equal(["gelu", "relu"], act.Param.Categories);
        Assert.Equal([1.0, 0.0, 0.0], act.Values);
        Assert.Equal([0, 1, 3], act.TrialNumbers);
        var wd = info.Params[2];
        Assert.Equal([0, 3], wd.TrialNumbers);
        Assert.Equal([0.5, 0.7], wd.ObjectiveValues);
    }

    [Fact]
    public void Render_OneSubplotPerParameter_LogAndCategoryAxes()
    {
        var json = JsonDocument.Parse(FigureJson.Serialize(SlicePlot.Render(SlicePlot.Build(Study4)))).RootElement;

        var data = json.GetProperty("data");
        Assert.Equal(3, data.GetArrayLength());
        Assert.Equal("x2", data[1].GetProperty("xaxis").GetString());
        Assert.Equal("y3", data[2].GetProperty("yaxis").GetString());
        var layout = json.GetProperty("layout");
        Assert.Equal("log", layout.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal(["gelu", "relu"], layout.GetProperty("xaxis2").GetProperty("ticktext").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("y", layout.GetProperty("yaxis3").GetProperty("matches").GetString());
        Assert.Equal(["lr", "act", "wd"], layout.GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()));
    }

    [Fact]
    public void Render_ParameterNameWithMarkup_IsEscaped()
    {
        var study = Study(StudyDirection.Maximize, Complete(0, 0.5, new Dictionary<string, object> { ["<b>x</b>"] = 0.5 }));

        var json = JsonDocument.Parse(FigureJson.Serialize(SlicePlot.Render(SlicePlot.Build(study)))).RootElement;

        Assert.Equal("&lt;b&gt;x&lt;/b&gt;", json.GetProperty("layout").GetProperty("annotations")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void Build_PrunedTrials_KeptApartAtTheirLastValue()
    {
        var study = Study(
            StudyDirection.Maximize,
            Complete(0, 0.5, new Dictionary<string, object> { ["lr"] = 1e-3 }),
            Trial(1, TrialState.Pruned, parameters: new Dictionary<string, object> { ["lr"] = 1e-2 }, intermediate: new Dictionary<long, double> { [1] = 0.2, [2] = 0.3 }),
            Trial(2, TrialState.Pruned, parameters: new Dictionary<string, object> { ["lr"] = 1e-4 }));

        var lr = Assert.Single(SlicePlot.Build(study).Params);

        Assert.Equal([0], lr.TrialNumbers);
        // Trial 2 reported nothing: there is no value to place it at.
        Assert.Equal([1], lr.Pruned.TrialNumbers);
        Assert.Equal([0.3], lr.Pruned.ObjectiveValues);
        Assert.Equal([1e-2], lr.Pruned.Values);
    }

    [Fact]
    public void Render_PrunedTrials_FadedTraceWithOneLegendEntryToToggleThem()
    {
        var pruned = new Dictionary<long, double> { [3] = 0.1 };
        var study = Study(
            StudyDirection.Maximize,
            Complete(0, 0.5, new Dictionary<string, object> { ["lr"] = 1e-3, ["wd"] = 0.01 }),
            Complete(1, 0.6, new Dictionary<string, object> { ["lr"] = 2e-3, ["wd"] = 0.02 }),
            Trial(2, TrialState.Pruned, parameters: new Dictionary<string, object> { ["lr"] = 1e-2, ["wd"] = 0.05 }, intermediate: pruned));

        var figure = SlicePlot.Render(SlicePlot.Build(study));

        var prunedTraces = figure.Data.Where(t => t.LegendGroup == "pruned").Cast<XYTrace>().ToList();
        Assert.Equal(2, prunedTraces.Count);
        Assert.Equal([true, false], prunedTraces.Select(t => t.ShowLegend == true));
        Assert.All(prunedTraces, t => Assert.Equal(PlotStyle.PrunedOpacity, t.Marker!.Opacity));
        Assert.True(figure.Layout.ShowLegend);
        // The legend sits on the left, away from plotly's toolbar at the top right.
        Assert.Equal("left", figure.Layout.Legend!.XAnchor);
    }

    [Fact]
    public void Render_LogParameter_TicksWrittenOutInFull()
    {
        var study = Study(
            StudyDirection.Maximize,
            Complete(0, 0.5, new Dictionary<string, object> { ["lr"] = 0.007 }),
            Complete(1, 0.6, new Dictionary<string, object> { ["lr"] = 0.03 }));

        var x = SlicePlot.Render(SlicePlot.Build(study)).Layout.XAxis!;

        Assert.Equal(AxisType.Log, x.Type);
        // Not plotly's "7 8 9 0.01 2 3": each tick reads as the number it marks.
        Assert.Equal(["0.01", "0.02"], x.TickText!.Strings);
        Assert.Equal([0.01, 0.02], x.TickVals!.Numbers!.Select(v => Math.Round(v, 6)));
    }
}
