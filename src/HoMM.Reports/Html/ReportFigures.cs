using System.Text.Json;
using HoMM.Core.Importance;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;
using HoMM.Reports.Plots;

namespace HoMM.Reports.Html;

/// <summary>A figure of a report, or, when there is nothing to draw, a note that says why.</summary>
public sealed record ReportFigure(string Id, string Title, Figure? Figure, string? Note = null);

/// <summary>The figures of a study's report (and of the dashboard's study page), in reading order.</summary>
public static class ReportFigures
{
    public static IReadOnlyList<ReportFigure> Build(StudyReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var study = report.Study;
        var complete = study.CompleteTrials.ToList();
        var figures = new List<ReportFigure>();

        figures.Add(complete.Count > 0 || study.Trials.Any(t => t.State.IsFinished())
            ? new("history", "Optimization history", OptimizationHistoryPlot.Render(OptimizationHistoryPlot.Build(study)))
            : new("history", "Optimization history", null, "no trial has finished yet"));

        if (study.IsMultiObjective)
        {
            var pareto = ParetoFrontPlot.Build(study);
            figures.Add(pareto.Points.Count > 0
                ? new("pareto", "Pareto front", ParetoFrontPlot.Render(pareto))
                : new("pareto", "Pareto front", null, "no trial has completed with every objective yet"));
            figures.Add(pareto.Points.Count > 0
                ? new("hypervolume", "Hypervolume history", ParetoFrontPlot.RenderHistory(pareto))
                : new("hypervolume", "Hypervolume history", null, "no trial has completed with every objective yet"));
        }

        var paramNames = ParamAxis.ParamNames(complete);
        var varying = paramNames.Where(n => complete.Select(t => t.Params.GetValueOrDefault(n)).Where(v => v is not null)
            .Select(v => ParamAxis.Label(v!)).Distinct(StringComparer.Ordinal).Skip(1).Any()).ToList();

        var known = report.Importances is { } given && given.Count >= study.Objectives.Count;
        var deferred = report.DeferImportance && !known && report.SearchSpace is not null && complete.Count >= 2;
        var importances = deferred ? null : EvaluateImportances(report);
        // One figure per objective: "importance" for the first (the single-objective id), "importance-k" after it.
        for (var k = 0; k < study.Objectives.Count; k++)
        {
            var id = k == 0 ? "importance" : $"importance-{k}";
            var title = study.IsMultiObjective ? $"Parameter importance: {study.Objectives[k].Name}" : "Parameter importance";
            var importance = importances is { } all && k < all.Count && all[k].Values.Any(v => v > 0) ? all[k] : null;
            if (deferred)
                figures.Add(new(id, title, null, $"computing the importances over {complete.Count} complete trials…"));
            else if (importance is not null)
                figures.Add(new(id, title, ImportancePlot.Render(ImportancePlot.Build(study, importance, k))));
            else
                figures.Add(new(id, title, null,
                    report.Importances is null && report.SearchSpace is null
                        ? "no importance was computed for this study (the report was given no search space)"
                        : "needs two complete trials and a parameter with more than one value"));
        }
        var firstImportance = importances is { Count: > 0 } i0 && i0[0].Values.Any(v => v > 0) ? i0[0] : null;

        figures.Add(complete.Count >= 2 && paramNames.Count > 0
            ? new("parallel", "Parallel coordinates", ParallelCoordinatesPlot.Render(ParallelCoordinatesPlot.Build(study)))
            : new("parallel", "Parallel coordinates", null, "needs two complete trials with parameters"));

        figures.Add(complete.Count > 0 && paramNames.Count > 0
            ? new("slice", "Slice", SlicePlot.Render(SlicePlot.Build(study)))
            : new("slice", "Slice", null, "needs a complete trial with parameters"));

        var sizes = ModelSizePlot.Build(study, report.ModelSizeByTrial);
        figures.Add(sizes.HasData
            ? new("model-size", "Objective vs model size", ModelSizePlot.Render(sizes))
            : new("model-size", "Objective vs model size", null, ModelSizePlot.NoSizesNote));

        var contourParams = ContourParams(report.ContourParams, firstImportance, varying);
        if (deferred && varying.Count >= 2 && complete.Count >= 3)
        {
            // The importances pick the contours' parameters: they come with them.
            figures.Add(new("contour", "Contour", null, "drawn once the importances are computed"));
        }
        else if (contourParams.Count < 2 || complete.Count < 3)
        {
            figures.Add(new("contour", "Contour", null, "needs two parameters that vary over three or more complete trials"));
        }
        else
        {
            for (var i = 0; i < contourParams.Count; i++)
            {
                for (var j = i + 1; j < contourParams.Count; j++)
                {
                    var info = ContourPlot.Build(study, contourParams[i], contourParams[j]);
                    figures.Add(new($"contour-{i}-{j}", $"Contour: {contourParams[i]} × {contourParams[j]}", ContourPlot.Render(info)));
                }
            }
        }

        figures.Add(study.Trials.Any(t => t.IntermediateValues.Count > 0)
            ? new("curves", "Intermediate values", LearningCurvesPlot.Render(LearningCurvesPlot.Build(study)))
            : new("curves", "Intermediate values", null, "no trial reported intermediate values"));

        figures.Add(study.Trials.Any(t => t.Started is not null)
            ? new("timeline", "Timeline", TimelinePlot.Render(TimelinePlot.Build(study, now, report.SlotByTrial, report.PausedAtByTrial)))
            : new("timeline", "Timeline", null, "no trial has started"));

        figures.Add(complete.Count > 0
            ? new("edf", "Empirical distribution", EdfPlot.Render(EdfPlot.Build(study)))
            : new("edf", "Empirical distribution", null, "no complete trial"));
        return figures;
    }

    /// <summary>Writes figures as the pages read them: an array of <c>{id, title, figure?, note?}</c>
    /// (the report's payload and the dashboard's figures endpoint).</summary>
    public static void WriteJson(Utf8JsonWriter json, IEnumerable<ReportFigure> figures)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(figures);
        json.WriteStartArray();
        foreach (var f in figures)
        {
            json.WriteStartObject();
            json.WriteString("id", f.Id);
            json.WriteString("title", f.Title);
            if (f.Figure is { } figure)
            {
                json.WritePropertyName("figure");
                FigureJson.Serialize(json, figure);
            }
            if (f.Note is { } note)
                json.WriteString("note", note);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>
    /// The importances per objective (the study's order): the given ones, the rest evaluated from
    /// the search space when there is one (each objective's values alone,
    /// <see cref="ImportancePlot.ForObjective"/>); null when nothing can be evaluated (no space, fewer
    /// than two complete trials) and none was given. An objective whose importances are all zero
    /// gets a note, not a figure. The slow part of <see cref="Build"/> (seconds for 10,000 trials
    /// per objective): a caller that deferred it computes it here and builds again with
    /// <see cref="StudyReport.Importances"/> set.
    /// </summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>>? EvaluateImportances(StudyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var given = report.Importances ?? [];
        var objectives = report.Study.Objectives.Count;
        if (given.Count >= objectives)
            return given;
        if (report.SearchSpace is null || report.Study.CompleteTrials.Take(2).Count() < 2)
            return report.Importances;
        var result = new List<IReadOnlyDictionary<string, double>>(given);
        for (var k = given.Count; k < objectives; k++)
            result.Add(ParameterImportance.Evaluate(ImportancePlot.ForObjective(report.Study.Trials, k), report.SearchSpace));
        return result;
    }

    /// <summary>The most important varying parameters (by importance when known, else in study order).</summary>
    private static List<string> ContourParams(int count, IReadOnlyDictionary<string, double>? importance, IReadOnlyList<string> varying)
    {
        var ranked = importance is { Count: > 0 }
            ? varying.OrderByDescending(n => importance.GetValueOrDefault(n)).ToList()
            : varying.ToList();
        return ranked.Take(Math.Max(0, count)).ToList();
    }
}
