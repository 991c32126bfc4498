using HoMM.Reports.Html;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Html;

public class ReportFiguresTests
{
    private static StudyReport Report() => new(Synthetic(200, 5)) { SearchSpace = SyntheticSpace };

    [Fact]
    public void Build_DeferImportance_NotesInsteadOfImportanceAndContours()
    {
        var figures = ReportFigures.Build(Report() with { DeferImportance = true }, T0.AddDays(1));

        var importance = figures.Single(f => f.Id == "importance");
        Assert.Null(importance.Figure);
        Assert.StartsWith("computing the importances over ", importance.Note, StringComparison.Ordinal);
        var contour = Assert.Single(figures, f => f.Id.StartsWith("contour", StringComparison.Ordinal));
        Assert.Null(contour.Figure);
        // The cheap figures are all there.
        Assert.All(new[] { "history", "parallel", "slice", "curves", "timeline", "edf" },
            id => Assert.NotNull(figures.Single(f => f.Id == id).Figure));
    }

    [Fact]
    public void Build_WithTheEvaluatedImportance_SameFiguresAsBuildingAtOnce()
    {
        var report = Report();
        var importance = ReportFigures.EvaluateImportances(report);

        var later = ReportFigures.Build(report with { Importances = importance }, T0.AddDays(1));
        var atOnce = ReportFigures.Build(report, T0.AddDays(1));

        Assert.NotNull(importance);
        Assert.Equal(atOnce.Select(f => f.Id), later.Select(f => f.Id));
        Assert.Contains(later, f => f.Id == "contour-0-1" && f.Figure is not null);
        Assert.NotNull(later.Single(f => f.Id == "importance").Figure);
    }
}
