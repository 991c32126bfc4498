using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Dashboard.Security;
using HoMM.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace HoMM.Dashboard.Api;

/// <summary>
/// What a user may do from the pages (contracts.md §4). The dashboard may run in another process
/// than the dispatcher, so every action is a write to the store that the dispatcher polls and
/// honours within a few seconds: a stop request, a pause flag, a Waiting trial.
/// </summary>
public static class ActionEndpoints
{
    public static IEndpointRouteBuilder MapActionEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var actions = app.MapGroup("/api/studies/{name}").RequireActionRights();
        actions.MapPost("/trials/{number:int}/stop", StopTrial);
        actions.MapPost("/pause", SetPaused);
        actions.MapPost("/trials", Enqueue);
        return app;
    }

    private static async Task<Results<Ok<ActionResult>, ProblemHttpResult>> StopTrial(
        string name, int number, StopRequest request, ITrialStore store, CancellationToken cancellationToken)
    {
        var (_, trial, problem) = await StudyLookup.FindTrialAsync(store, name, number, cancellationToken);
        if (trial is null)
            return problem!;
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "stopped from the dashboard" : request.Reason.Trim();
        if (reason.Length > 500)
            return Problem(StatusCodes.Status400BadRequest, $"the reason is {reason.Length} characters long; keep it under 500");
        // The store refuses writes to a finished trial: there is nothing left to stop.
        if (trial.State.IsFinished() || !await store.SetTrialAttrAsync(trial.Id, AttrScope.System, SystemAttrs.ControlStop, JsonSerializer.SerializeToElement(reason), cancellationToken))
        {
            var now = await store.GetTrialAsync(trial.Id, cancellationToken);
            return Problem(StatusCodes.Status409Conflict, $"trial {number} is already {Reports.Plots.PlotStyle.NameOf(now?.State ?? trial.State)}: there is nothing to stop");
        }
        return TypedResults.Ok(new ActionResult($"stop requested for trial {number}: the dispatcher stops it within a few seconds", number));
    }

    private static async Task<Results<Ok<ActionResult>, ProblemHttpResult>> SetPaused(
        string name, PauseRequest request, ITrialStore store, CancellationToken cancellationToken)
    {
        if (await StudyLookup.FindAsync(store, name, cancellationToken) is not { } study)
            return StudyLookup.NotFound($"no study named '{name}' in this database");
        await store.SetStudyAttrAsync(study.Id, AttrScope.System, SystemAttrs.ControlPaused, JsonSerializer.SerializeToElement(request.Paused), cancellationToken);
        return TypedResults.Ok(new ActionResult(request.Paused
            ? $"study '{name}' paused: no new trial starts; running trials go on"
            : $"study '{name}' resumed"));
    }

    private static async Task<Results<Created<ActionResult>, ValidationProblem, ProblemHttpResult>> Enqueue(
        string name, EnqueueRequest request, ITrialStore store, CancellationToken cancellationToken)
    {
        if (await StudyLookup.FindAsync(store, name, cancellationToken) is not { } study)
            return StudyLookup.NotFound($"no study named '{name}' in this database");
        var validated = EnqueueValidator.Validate(study.SearchSpace, request.Params, out var errors);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, detail: $"the parameters do not fit study '{name}''s search space");
        var trial = await store.CreateTrialAsync(study.Id, validated.Values, validated.Distributions, cancellationToken);
        return TypedResults.Created($"/studies/{Uri.EscapeDataString(name)}/trials/{trial.Number}",
            new ActionResult($"trial {trial.Number} enqueued: it runs before the sampler proposes new trials", trial.Number));
    }

    private static ProblemHttpResult Problem(int status, string detail) =>
        TypedResults.Problem(statusCode: status, title: status == StatusCodes.Status409Conflict ? "Conflict" : "Bad Request", detail: detail);
}
