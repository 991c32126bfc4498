using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;
using HoMM.Reports.Html;
using HoMM.Reports.Plots;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Plots;

public class ModelSizePlotTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(1);

    [Fact]
    public void Build_Maximize_FrontIsTheBestValueAtEachSizeOrSmaller()
    {
        var study = Study(StudyDirection.Maximize,
            Complete(0, 0.80), Complete(1, 0.70), Complete(2, 0.85), Complete(3, 0.84), Complete(4, 0.90), Complete(5, 0.86));
        var sizes = new Dictionary<int, ModelSize>
        {
            [0] = new(1e6, null), [1] = new(1e6, null), [2] = new(4e6, null), [3] = new(2e6, null), [4] = new(16e6, null), [5] = new(8e6, null),
        };

        var info = ModelSizePlot.Build(study, sizes);

        Assert.Equal(6, info.Params.Points.Count);
        // At 1M the better of the two; 2M improves; 4M improves; 8M (0.86) improves; 16M improves.
        Assert.Equal([0, 3, 2, 5, 4], info.Params.Front.Select(p => p.Number));
        Assert.Empty(info.Flops.Points);
        Assert.Equal(0, info.CompleteWithoutSize);
        Assert.True(info.HasData);
    }

    [Fact]
    public void Build_Minimize_FrontKeepsOnlyLowerValues()
    {
        var study = Study(StudyDirection.Minimize, Complete(0, 0.5), Complete(1, 0.6), Complete(2, 0.3));
        var sizes = new Dictionary<int, ModelSize> { [0] = new(null, 1e9), [1] = new(null, 2e9), [2] = new(null, 3e9) };

        var info = ModelSizePlot.Build(study, sizes);

        Assert.Equal([0, 2], info.Flops.Front.Select(p => p.Number));
        Assert.Equal([1e9, 2e9, 3e9], info.Flops.Points.Select(p => p.Size));
    }

    [Fact]
    public void Build_OnlyCompleteTrialsWithASize_OthersCounted()
    {
        var study = Study(StudyDirection.Maximize,
            Complete(0, 0.8), Complete(1, 0.7), Trial(2, TrialState.Pruned, 0.2), Trial(3, TrialState.Fail), Complete(4, double.NaN));
        var sizes = new Dictionary<int, ModelSize> { [0] = new(1e6, 2e8), [2] = new(1e6, 2e8), [3] = new(5e6, 1e9) };

        var info = ModelSizePlot.Build(study, sizes);

        Assert.Equal([0], info.Params.Points.Select(p => p.Number));
        Assert.Equal([0], info.Flops.Points.Select(p => p.Number));
        // Trial 1 completed without a recorded size; 4 has no finite value, so it is no complete trial to place.
        Assert.Equal(1, info.CompleteWithoutSize);
    }

    [Fact]
    public void Build_NoSizes_HasNoData()
    {
        var info = ModelSizePlot.Build(Study(StudyDirection.Maximize, Complete(0, 0.8)), null);

        Assert.False(info.HasData);
        Assert.Equal(1, info.CompleteWithoutSize);
    }

    [Fact]
    public void Render_BothMeasures_TwoLogSubplotsSharingTheObjectiveRange()
    {
        var study = Study(StudyDirection.Maximize, Complete(0, 0.8), Complete(1, 0.9));
        var sizes = new Dictionary<int, ModelSize> { [0] = new(1e6, 2e8), [1] = new(4e6, 8e8) };

        var json = JsonDocument.Parse(FigureJson.Serialize(ModelSizePlot.Render(ModelSizePlot.Build(study, sizes)))).RootElement;

        var data = json.GetProperty("data");
        Assert.Equal(4, data.GetArrayLength());
        Assert.Equal([1e6, 4e6], data[0].GetProperty("x").EnumerateArray().Select(x => x.GetDouble()));
        Assert.Equal("x2", data[2].GetProperty("xaxis").GetString());
        Assert.Equal("hv", data[1].GetProperty("line").GetProperty("shape").GetString());
        var layout = json.GetProperty("layout");
        Assert.Equal("log", layout.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("log", layout.GetProperty("xaxis2").GetProperty("type").GetString());
        Assert.Equal("parameters (info/params)", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("y", layout.GetProperty("yaxis2").GetProperty("matches").GetString());
        Assert.False(layout.TryGetProperty("annotations", out _));
    }

    [Fact]
    public void Render_OneMeasureMissingAndTrialsWithoutSize_SaysSoInTheFigure()
    {
        var study = Study(StudyDirection.Maximize, Complete(0, 0.8), Complete(1, 0.9), Complete(2, 0.7));
        var sizes = new Dictionary<int, ModelSize> { [0] = new(1e6, null), [1] = new(4e6, null) };

        var json = JsonDocument.Parse(FigureJson.Serialize(ModelSizePlot.Render(ModelSizePlot.Build(study, sizes)))).RootElement;

        Assert.Equal(2, json.GetProperty("data").GetArrayLength());
        Assert.False(json.GetProperty("layout").TryGetProperty("xaxis2", out _));
        Assert.Equal("no trial reported info/flops · 1 complete trial without a recorded size not shown",
            json.GetProperty("layout").GetProperty("annotations")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void ReportFigures_NoTrialWithASize_ANoteInsteadOfTheFigure()
    {
        var figures = ReportFigures.Build(new StudyReport(Synthetic(20)), Now);

        var figure = Assert.Single(figures, f => f.Id == "model-size");
        Assert.Null(figure.Figure);
        Assert.Equal(ModelSizePlot.NoSizesNote, figure.Note);
    }
}
