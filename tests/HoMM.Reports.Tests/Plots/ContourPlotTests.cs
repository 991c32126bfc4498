using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;
using HoMM.Reports.Plots;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Plots;

public class ContourPlotTests
{
    private static ReportStudy Plane(int n, Func<double, double, double> objective, double wdMax = 0.1)
    {
        var rng = new Random(3);
        var trials = new FrozenTrial[n];
        for (var i = 0; i < n; i++)
        {
            var lr = Math.Pow(10, -5 + 4 * rng.NextDouble());
            var wd = wdMax * rng.NextDouble();
            trials[i] = Complete(i, objective(Math.Log10(lr), wd), new Dictionary<string, object> { ["lr"] = lr, ["wd"] = wd });
        }
        return Study(StudyDirection.Minimize, trials);
    }

    [Fact]
    public void Build_ObjectiveRisingWithLogLr_GridRisesAlongX()
    {
        var info = ContourPlot.Build(Plane(400, (logLr, _) => logLr), "lr", "wd", new ContourOptions { GridSize = 20 });

        var grid = Assert.IsType<ContourGrid>(info.Grid);
        Assert.Equal(20, grid.X.Count);
        Assert.Equal(20, grid.Z.Count);
        Assert.All(grid.Z, row => Assert.Equal(20, row.Count));
        // Grid x is in parameter units, spaced evenly in log10.
        Assert.Equal(grid.X[1] / grid.X[0], grid.X[2] / grid.X[1], 6);
        var middle = grid.Z[10];
        Assert.True(middle[0] < middle[10] && middle[10] < middle[19], $"{middle[0]} < {middle[10]} < {middle[19]}");
        Assert.InRange(middle[10], -3.4, -2.6); // log10 lr at the middle of [-5, -1] is -3
    }

    [Fact]
    public void Build_TrialsInOneCorner_FarCellsAreEmpty()
    {
        var study = Plane(300, (logLr, wd) => logLr + wd);
        // One far-away trial stretches the axes; the opposite corner has no trial near it.
        var trials = study.Trials.Where(t => (double)t.Params["lr"] < 1e-3 && (double)t.Params["wd"] < 0.05)
            .Append(Complete(999, 0, new Dictionary<string, object> { ["lr"] = 0.1, ["wd"] = 0.1 }))
            .ToArray();

        var grid = ContourPlot.Build(Study(StudyDirection.Minimize, trials), "lr", "wd", new ContourOptions { GridSize = 30 }).Grid!;

        Assert.False(double.IsNaN(grid.Z[2][2]));
        Assert.True(double.IsNaN(grid.Z[2][27]), "bottom-right has no trial near it");
        Assert.True(double.IsNaN(grid.Z[27][2]), "top-left has no trial near it");
    }

    [Fact]
    public void Build_TwoCategoricalParams_GridIsTheMeanPerCell()
    {
        var study = Study(
            StudyDirection.Maximize,
            Complete(0, 1, new Dictionary<string, object> { ["order"] = 1L, ["act"] = "gelu" }),
            Complete(1, 3, new Dictionary<string, object> { ["order"] = 1L, ["act"] = "gelu" }),
            Complete(2, 5, new Dictionary<string, object> { ["order"] = 3L, ["act"] = "relu" }),
            Complete(3, 7, new Dictionary<string, object> { ["order"] = 2L, ["act"] = "relu" }));

        var grid = ContourPlot.Build(study, "order", "act").Grid!;

        Assert.Equal([0.0, 1, 2], grid.X);
        Assert.Equal([0.0, 1], grid.Y);
        Assert.Equal(2, grid.Z[0][0]);
        Assert.True(double.IsNaN(grid.Z[0][1]));
        Assert.Equal(7, grid.Z[1][1]);
        Assert.Equal(5, grid.Z[1][2]);
    }

    [Fact]
    public void Build_OnlyTrialsWithBothParams_AndSameNameTwiceThrows()
    {
        var study = Study(
            StudyDirection.Maximize,
            Complete(0, 1, new Dictionary<string, object> { ["lr"] = 1e-3, ["wd"] = 0.01 }),
            Complete(1, 2, new Dictionary<string, object> { ["lr"] = 1e-2 }));

        var info = ContourPlot.Build(study, "lr", "wd");

        Assert.Equal([0], info.TrialNumbers);
        Assert.Null(info.Grid); // too few trials to estimate anything
        Assert.Throws<ArgumentException>(() => ContourPlot.Build(study, "lr", "lr"));
    }

    [Fact]
    public void Render_NumericPair_IsContourOnLogAxisWithTrialsOnTop()
    {
        var info = ContourPlot.Build(Plane(50, (a, b) => a * b), "lr", "wd");

        var json = JsonDocument.Parse(FigureJson.Serialize(ContourPlot.Render(info))).RootElement;

        var data = json.GetProperty("data");
        Assert.Equal("contour", data[0].GetProperty("type").GetString());
        Assert.False(data[0].GetProperty("connectgaps").GetBoolean());
        Assert.Equal(info.Grid!.Y.Count, data[0].GetProperty("z").GetArrayLength());
        Assert.Equal("scatter", data[1].GetProperty("type").GetString());
        Assert.Equal("log", json.GetProperty("layout").GetProperty("xaxis").GetProperty("type").GetString());
    }

    [Fact]
    public void Render_WithoutInterpolation_IsAColouredScatter()
    {
        var info = ContourPlot.Build(Plane(50, (a, b) => a), "lr", "wd", new ContourOptions { Interpolate = false });

        var data = JsonDocument.Parse(FigureJson.Serialize(ContourPlot.Render(info))).RootElement.GetProperty("data");

        Assert.Equal(1, data.GetArrayLength());
        Assert.Equal(50, data[0].GetProperty("marker").GetProperty("color").GetArrayLength());
    }

    [Fact]
    public void Build_TenThousandTrials_GridEveryCellNearDataIsFilled()
    {
        var info = ContourPlot.Build(Plane(10_000, (a, b) => a + 10 * b), "lr", "wd");

        Assert.Equal(10_000, info.Values.Count);
        Assert.DoesNotContain(info.Grid!.Z.SelectMany(r => r), double.IsNaN);
    }

    [Fact]
    public void Build_FivePoints_CellsFarFromEveryTrialAreMasked()
    {
        var points = new[] { (1e-5, 0.0), (1e-1, 0.1), (1e-3, 0.05), (1e-5, 0.1), (1e-4, 0.02) };
        var trials = points.Select((p, i) => Complete(i, i, new Dictionary<string, object> { ["lr"] = p.Item1, ["wd"] = p.Item2 })).ToArray();

        var grid = ContourPlot.Build(Study(StudyDirection.Minimize, trials), "lr", "wd", new ContourOptions { GridSize = 40 }).Grid!;

        // No trial near the bottom-right corner (lr 0.1, wd 0): no invented value there.
        Assert.True(double.IsNaN(grid.Z[0][39]));
        // Cells at the trials keep their estimate.
        Assert.False(double.IsNaN(grid.Z[0][0]));
        Assert.False(double.IsNaN(grid.Z[39][39]));
        var masked = grid.Z.SelectMany(r => r).Count(double.IsNaN);
        Assert.InRange(masked, 40 * 40 / 3, 40 * 40 - 1);
    }
}
