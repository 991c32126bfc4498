using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;
using HoMM.Reports.Plots;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Plots;

public class ImportancePlotTests
{
    private static readonly ReportStudy Empty = Study(StudyDirection.Maximize);

    [Fact]
    public void Build_SortsMostImportantFirst_TiesByName()
    {
        var info = ImportancePlot.Build(Empty, new Dictionary<string, double> { ["wd"] = 0.1, ["lr"] = 0.7, ["order"] = 0.1, ["batch"] = 0.05 });

        Assert.Equal(["lr", "order", "wd", "batch"], info.Params.Select(p => p.Name));
    }

    [Fact]
    public void Build_FromSearchSpace_OnlyLrMatters_RanksLrFirst()
    {
        // The objective depends on lr alone; wd, order and batch are noise-free bystanders.
        var rng = new Random(7);
        var trials = Enumerable.Range(0, 200).Select(i =>
        {
            var lr = Math.Pow(10, -5 + 4 * rng.NextDouble());
            var p = new Dictionary<string, object>
            {
                ["lr"] = lr, ["wd"] = 0.1 * rng.NextDouble(), ["order"] = (long)rng.Next(1, 4), ["batch"] = (long)rng.Next(16, 513),
            };
            return Complete(i, -Math.Pow(Math.Log10(lr) + 3, 2), p);
        }).ToArray();

        var info = ImportancePlot.Build(Study(StudyDirection.Maximize, trials), SyntheticSpace);

        Assert.Equal("lr", info.Params[0].Name);
        Assert.True(info.Params[0].Importance > 0.8, $"lr explains {info.Params[0].Importance:P0}");
        Assert.Equal(4, info.Params.Count);
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

    [Fact]
    public void Render_Title_SaysHowManyCompleteTrialsTheImportancesRestOn()
    {
        var study = Study(StudyDirection.Maximize, Complete(0, 0.5), Complete(1, 0.6), Trial(2, TrialState.Pruned, 0.1), Complete(3, double.NaN));

        var info = ImportancePlot.Build(study, new Dictionary<string, double> { ["lr"] = 1 });

        Assert.Equal(2, info.TrialCount);
        Assert.Equal("Parameter importance (from 2 complete trials)", ImportancePlot.Render(info).Layout.Title!.Text);
    }
}
