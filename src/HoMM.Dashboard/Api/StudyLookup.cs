using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HoMM.Dashboard.Api;

/// <summary>Reads shared by the endpoints: a study by name, its list row, its trials by number.</summary>
internal static class StudyLookup
{

    /// <summary>
    /// The study a route's <c>{name}</c> names. Kestrel decodes a path but keeps <c>%2F</c> as it
    /// is (a slash would change the route), so a study named "a/b" arrives as "a%2Fb".
    /// </summary>
    public static Task<StudyRecord?> FindAsync(ITrialStore store, string name, CancellationToken cancellationToken) =>
        store.GetStudyAsync(name.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase), cancellationToken);

    /// <summary>The trial <paramref name="number"/> of the study <paramref name="name"/>, or the 404 that says which is missing.</summary>
    public static async Task<(StudyRecord? Study, FrozenTrial? Trial, ProblemHttpResult? Problem)> FindTrialAsync(
        ITrialStore store, string name, int number, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, name, cancellationToken) is not { } study)
            return (null, null, NotFound($"no study named '{name}' in this database"));
        if (await store.GetTrialByNumberAsync(study.Id, number, cancellationToken) is not { } trial)
            return (study, null, NotFound($"study '{name}' has no trial {number}"));
        return (study, trial, null);
    }

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: what);

    public static async Task<StudyListItem> SummarizeAsync(ITrialStore store, StudySummary summary, CancellationToken cancellationToken)
    {
        var study = summary.Study;
        var attrs = await store.GetStudyAttrsAsync(study.Id, AttrScope.System, cancellationToken);
        var paused = attrs.TryGetValue(SystemAttrs.ControlPaused, out var p) && p.ValueKind == JsonValueKind.True;
        var counts = StateCounts.From(summary.TrialCounts);
        var state = paused ? "paused"
            : counts.Running > 0 ? "running"
            // Trials paused at a rung (mode: promote) wait for a promotion: the study is not finished.
            : counts.Waiting > 0 || counts.Paused > 0 ? "waiting"
            : counts.Total > 0 ? "finished"
            : "empty";
        return new StudyListItem(study.Id, study.Name, Direction(study.Direction), study.ObjectiveMetric, counts,
            summary.BestValue, state, paused, study.Created.ToUnixTimeMilliseconds());
    }

    public static async Task<StudyListItem> SummarizeAsync(ITrialStore store, StudyRecord study, CancellationToken cancellationToken)
    {
        var counts = await store.CountTrialsAsync(study.Id, cancellationToken);
        var best = await store.GetBestTrialAsync(study.Id, cancellationToken);
        return await SummarizeAsync(store, new StudySummary(study, counts, best?.Value), cancellationToken);
    }

    public static string Direction(StudyDirection direction) => direction == StudyDirection.Minimize ? "minimize" : "maximize";
}
