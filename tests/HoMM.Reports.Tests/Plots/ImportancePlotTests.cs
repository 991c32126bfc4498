using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;
using HoMM.Reports.Plots;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Plots;

public class ImportancePlotTests
{
    private static readonly StudySnapshot Empty = Study(StudyDirection.Maximize);

    [Fact]
    public void Build_SortsMostImportantFirst_TiesByName()
    {
        var info = ImportancePlot.Build(Empty, new Dictionary<string, double> { ["wd"] = 0.1, ["lr"] = 0.7, ["order"] = 0.1, ["batch"] = 0.05 });

        Assert.Equal(["lr", "order", "wd", "batch"], info.Params.Select(p => p.Name));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Build_InvalidImportance_ThrowsNamingTheParameter(double value)
    {
        var ex = Assert.Throws<ArgumentException>(() => ImportancePlot.Build(Empty, new Dictionary<string, double> { ["lr"] = value }));
        Assert.Contains("'lr'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HorizontalBars_MostImportantOnTop()
    {
        var info = ImportancePlot.Build(Empty, new Dictionary<string, double> { ["wd"] = 0.2, ["lr"] = 0.795, ["order"] = 0.005 });

        var bar = JsonDocument.Parse(FigureJson.Serialize(ImportancePlot.Render(info))).RootElement.GetProperty("data")[0];

        Assert.Equal("bar", bar.GetProperty("type").GetString());
        Assert.Equal("h", bar.GetProperty("orientation").GetString());
        // plotly stacks categories bottom-up, so the last one is drawn on top.
        Assert.Equal(["order", "wd", "lr"], bar.GetProperty("y").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["<0.01", "0.20", "0.80"], bar.GetProperty("text").EnumerateArray().Select(v => v.GetString()));
    }
}
