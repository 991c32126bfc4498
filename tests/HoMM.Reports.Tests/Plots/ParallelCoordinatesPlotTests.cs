using HoMM.Core.SearchSpace;
using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;
using HoMM.Reports.Plots;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Plots;

public class ParallelCoordinatesPlotTests
{
    private static Dictionary<string, object> P(double lr, long order, double? wd = null)
    {
        var p = new Dictionary<string, object> { ["lr"] = lr, ["order"] = order };
        if (wd is { } w)
            p["wd"] = w;
        return p;
    }

    private static readonly ReportStudy Study3 = Study(
        StudyDirection.Minimize,
        Complete(0, 0.3, P(1e-4, 2, 0.01)),
        Complete(1, 0.2, P(1e-2, 3, 0.05)),
        Trial(2, TrialState.Pruned, parameters: P(1e-3, 1, 0.02)),
        Complete(3, 0.5, P(1e-3, 1)));

    [Fact]
    public void Build_ScalesAndCategories_AreTakenFromDistributions()
    {
        var info = ParallelCoordinatesPlot.Build(Study3);

        var lr = info.Params.Single(d => d.Param.Name == "lr");
        var order = info.Params.Single(d => d.Param.Name == "order");
        Assert.Equal(ParamScale.Log, lr.Param.Scale);
        Assert.Equal(ParamScale.Categorical, order.Param.Scale);
        Assert.Equal(["1", "2", "3"], order.Param.Categories);
        Assert.Equal(ParamScale.Linear, info.Params.Single(d => d.Param.Name == "wd").Param.Scale);
    }

    [Fact]
    public void Build_TrialWithoutEveryParameter_IsSkippedAndCounted()
    {
        var info = ParallelCoordinatesPlot.Build(Study3);

        Assert.Equal([0, 1], info.TrialNumbers);
        Assert.Equal([0.3, 0.2], info.ObjectiveValues);
        Assert.Equal(1, info.SkippedTrials);
        Assert.Equal([1.0, 2.0], info.Params.Single(d => d.Param.Name == "order").Values);
    }

    [Fact]
    public void Build_ChosenParams_OnlyThoseInThatOrder()
    {
        var info = ParallelCoordinatesPlot.Build(Study3, ["order", "lr"]);

        Assert.Equal(["order", "lr"], info.Params.Select(d => d.Param.Name));
        Assert.Equal(0, info.SkippedTrials);
        Assert.Equal(3, info.TrialNumbers.Count);
    }

    [Fact]
    public void Render_LogParameter_IsLog10WithPowerOfTenTicks()
    {
        var json = JsonDocument.Parse(FigureJson.Serialize(ParallelCoordinatesPlot.Render(ParallelCoordinatesPlot.Build(Study3)))).RootElement;

        var trace = json.GetProperty("data")[0];
        Assert.Equal("parcoords", trace.GetProperty("type").GetString());
        var dims = trace.GetProperty("dimensions").EnumerateArray().ToList();
        Assert.Equal("val/acc", dims[0].GetProperty("label").GetString());
        var lr = dims.Single(d => d.GetProperty("label").GetString() == "lr");
        // Minimizing: worst (0.3, lr 1e-4) first, best (0.2, lr 1e-2) last so it is drawn on top.
        Assert.Equal([0.3, 0.2], dims[0].GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([-4.0, -2.0], lr.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(["1e-4", "0.001", "0.01"], lr.GetProperty("ticktext").EnumerateArray().Select(v => v.GetString()));
        var order = dims.Single(d => d.GetProperty("label").GetString() == "order");
        Assert.Equal(["1", "2", "3"], order.GetProperty("ticktext").EnumerateArray().Select(v => v.GetString()));
        var line = trace.GetProperty("line");
        // Minimizing: plotly's Blues is dark at the low end already, so the best is darkest unreversed.
        Assert.False(line.GetProperty("reversescale").GetBoolean());
        Assert.Equal(2, line.GetProperty("color").GetArrayLength());
    }

    [Fact]
    public void Render_Maximize_BestTrialsDrawnLastWithTheirParameters()
    {
        var study = Study(StudyDirection.Maximize, Complete(0, 0.9, P(1e-2, 1)), Complete(1, 0.1, P(1e-4, 2)), Complete(2, 0.5, P(1e-3, 3)));

        var dims = JsonDocument.Parse(FigureJson.Serialize(ParallelCoordinatesPlot.Render(ParallelCoordinatesPlot.Build(study))))
            .RootElement.GetProperty("data")[0].GetProperty("dimensions");

        Assert.Equal([0.1, 0.5, 0.9], dims[0].GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([-4.0, -3.0, -2.0], dims[1].GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([1.0, 2.0, 0.0], dims[2].GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Theory]
    [InlineData(-4.2, -1.5, new[] { -4.0, -3.0, -2.0 })]
    [InlineData(-3.5, -3.2, new[] { -3.5, -3.35, -3.2 })]
    [InlineData(1.2, 2.7, new[] { 1.3010299956639813, 1.6989700043360187, 2.0, 2.3010299956639813, 2.6989700043360187 })]
    [InlineData(-3.0, -3.0, new[] { -3.0 })]
    public void LogTicks_Range_PowersOfTenOrEnds(double lo, double hi, double[] expected)
    {
        Assert.Equal(expected, LogTicks.Positions(lo, hi), new ToleranceComparer());
    }

    [Theory]
    [InlineData(1e-5, "1e-5")]
    [InlineData(0.001, "0.001")]
    [InlineData(0.02, "0.02")]
    [InlineData(0.0031622776601683794, "0.00316")]
    [InlineData(5000.0, "5000")]
    public void LogTicks_Label_WholeValueNotAMantissa(double value, string expected)
    {
        Assert.Equal(expected, LogTicks.Label(value));
    }

    private sealed class ToleranceComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-9;

        public int GetHashCode(double obj) => 0;
    }

    private static readonly CategoricalDistribution MarkupAct = new(["silu<b>", "relu"]);

    private static FrozenTrial ActTrial(int number, TrialState state, double? value, double lr, string act, double? last = null) =>
        new(number + 1000, number, state, value,
            new Dictionary<string, object> { ["lr"] = lr, ["act"] = act },
            new Dictionary<string, Distribution> { ["lr"] = Lr, ["act"] = MarkupAct },
            last is { } l ? new Dictionary<long, double> { [5] = l } : new Dictionary<long, double>(), null, null);

    private static readonly ReportStudy WithPruned = Study(
        StudyDirection.Maximize,
        ActTrial(0, TrialState.Complete, 0.5, 1e-3, "silu<b>"),
        ActTrial(1, TrialState.Complete, 0.7, 1e-2, "relu"),
        ActTrial(2, TrialState.Pruned, null, 1e-4, "relu", last: 0.1));

    [Fact]
    public void Build_PrunedTrialWithAValue_IsARowMarkedPruned()
    {
        var info = ParallelCoordinatesPlot.Build(WithPruned);

        Assert.Equal([0, 1, 2], info.TrialNumbers);
        Assert.Equal([0.5, 0.7, 0.1], info.ObjectiveValues);
        Assert.Equal([false, false, true], info.PrunedRows);
    }

    [Fact]
    public void Render_PrunedTrials_StateAxisSelectsCompleteOnesAndButtonsHideThePruned()
    {
        var json = JsonDocument.Parse(FigureJson.Serialize(ParallelCoordinatesPlot.Render(ParallelCoordinatesPlot.Build(WithPruned)))).RootElement;

        var trace = json.GetProperty("data")[0];
        var state = trace.GetProperty("dimensions").EnumerateArray().Last();
        Assert.Equal("state", state.GetProperty("label").GetString());
        // Pruned rows come first (drawn under the rest) and lie outside the selection: drawn faded.
        Assert.Equal([0.0, 1.0, 1.0], state.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([0.75, 1.0], state.GetProperty("constraintrange").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(PlotStyle.PrunedOpacity, trace.GetProperty("unselected").GetProperty("line").GetProperty("opacity").GetDouble());
        var buttons = json.GetProperty("layout").GetProperty("updatemenus")[0].GetProperty("buttons");
        Assert.Equal(["pruned: faded", "pruned: hidden"], buttons.EnumerateArray().Select(b => b.GetProperty("label").GetString()));
        Assert.Equal("unselected.line.opacity", buttons[1].GetProperty("args")[0].GetString());
        Assert.Equal(0, buttons[1].GetProperty("args")[1].GetDouble());
    }

    [Fact]
    public void Render_NoPrunedTrial_NoStateAxisNorButtons()
    {
        var json = JsonDocument.Parse(FigureJson.Serialize(ParallelCoordinatesPlot.Render(ParallelCoordinatesPlot.Build(Study3)))).RootElement;

        Assert.DoesNotContain(json.GetProperty("data")[0].GetProperty("dimensions").EnumerateArray(), d => d.GetProperty("label").GetString() == "state");
        Assert.False(json.GetProperty("layout").TryGetProperty("updatemenus", out _));
    }

    [Fact]
    public void Render_CategoryWithMarkup_TickTextPlainAsParcoordsWritesItAsText()
    {
        var figure = ParallelCoordinatesPlot.Render(ParallelCoordinatesPlot.Build(WithPruned));

        var act = ((ParCoords)figure.Data[0]).Dimensions.Single(d => d.Label == "act");
        // Escaped once more, the axis would read "silu&lt;b&gt;".
        Assert.Contains("silu<b>", act.TickText!.Strings!);
    }
}
