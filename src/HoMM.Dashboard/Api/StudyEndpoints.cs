using HoMM.Dashboard.Figures;
using HoMM.Dashboard.Security;
using HoMM.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace HoMM.Dashboard.Api;

/// <summary>Reads of studies: the list, one study, its trials (incrementally with <c>?after=</c>) and its figures.</summary>
public static class StudyEndpoints
{
    public static IEndpointRouteBuilder MapStudyEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/studies");
        api.MapGet("/", ListStudies);
        api.MapGet("/{name}", GetStudy);
        api.MapGet("/{name}/trials", GetTrials);
        api.MapGet("/{name}/figures", GetFigures);
        return app;
    }

    private static async Task<Ok<StudyListItem[]>> ListStudies(ITrialStore store, CancellationToken cancellationToken)
    {
        var studies = await store.ListStudiesAsync(cancellationToken);
        var items = new StudyListItem[studies.Count];
        for (var i = 0; i < studies.Count; i++)
            items[i] = await StudyLookup.SummarizeAsync(store, studies[i], cancellationToken);
        return TypedResults.Ok(items);
    }

    private static async Task<Results<Ok<StudyDetail>, ProblemHttpResult>> GetStudy(
        string name, ITrialStore store, AccessControl access, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await StudyLookup.FindAsync(store, name, cancellationToken) is not { } study)
            return StudyLookup.NotFound($"no study named '{name}' in this database");
        var summary = await StudyLookup.SummarizeAsync(store, study, cancellationToken);
        var best = await store.GetBestTrialAsync(study.Id, cancellationToken);
        var refusal = access.ActionRefusal(request);
        return TypedResults.Ok(new StudyDetail(
            summary,
            best?.Number,
            study.SearchSpace.Parameters.Select(ParameterInfo.From).ToList(),
            await store.GetStudyAttrsAsync(study.Id, AttrScope.User, cancellationToken),
            refusal is null,
            refusal,
            await TrialFolders.DiskUsageAsync(store, study.Id, cancellationToken)));
    }

    private static async Task<Results<Ok<TrialsResponse>, ProblemHttpResult>> GetTrials(
        string name, long? after, ITrialStore store, TrialRowCache rows, TimeProvider time, CancellationToken cancellationToken)
    {
        if (after < 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request", detail: $"after must be a cursor ≥ 0 from an earlier answer, not {after}");
        if (await StudyLookup.FindAsync(store, name, cancellationToken) is not { } study)
            return StudyLookup.NotFound($"no study named '{name}' in this database");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (after is null or 0)
        {
            var (cursor, all) = await rows.AllAsync(study, cancellationToken);
            return TypedResults.Ok(new TrialsResponse(cursor, now, all));
        }
        // The table needs no curves: leaving intermediate values out keeps the read small.
        var page = await store.GetTrialsAsync(study.Id, new TrialQuery(after.Value, IntermediateValues: false), cancellationToken);
        return TypedResults.Ok(new TrialsResponse(page.Cursor, now, await TrialRow.FromAsync(store, study.Id, page.Trials, cancellationToken))
        {
            Deleted = page.DeletedNumbers,
        });
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetFigures(
        string name, ITrialStore store, FigureCache figures, CancellationToken cancellationToken)
    {
        if (await StudyLookup.FindAsync(store, name, cancellationToken) is not { } study)
            return StudyLookup.NotFound($"no study named '{name}' in this database");
        var set = await figures.GetAsync(study, cancellationToken);
        return TypedResults.File(set.Json, "application/json");
    }
}
