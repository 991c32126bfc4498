using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Dashboard.Security;
using HoMM.Storage;
using HoMM.StudyFiles.Constraints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace HoMM.Dashboard.Api;

/// <summary>
/// What a user may do from the pages (contracts.md §4). The dashboard may run in another process
/// than the dispatcher, so every action is a write to the store that the dispatcher polls and
/// honours within a few seconds: a cancel request (a waiting trial is cancelled at once), a pause
/// flag, a Waiting trial; and deletions of finished trials and whole studies (<see cref="StudyDeletion"/>).
/// </summary>
public static class ActionEndpoints
{
    public static IEndpointRouteBuilder MapActionEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var actions = app.MapGroup("/api/studies/{name}").RequireActionRights();
        // "stop" is the older name of the same action.
        actions.MapPost("/trials/{number:int}/cancel", CancelTrial);
        actions.MapPost("/trials/{number:int}/stop", CancelTrial);
        actions.MapDelete("/trials/{number:int}", DeleteTrial);
        actions.MapDelete("", DeleteStudy);
        actions.MapPost("/pause", SetPaused);
        actions.MapPost("/trials", Enqueue);
        return app;
    }

    private static async Task<Results<Ok<ActionResult>, ProblemHttpResult>> CancelTrial(
        string name, int number, StopRequest request, ITrialStore store, HttpContext http, CancellationToken cancellationToken)
    {
        var (_, trial, problem) = await StudyLookup.FindTrialAsync(store, name, number, cancellationToken);
        if (trial is null)
            return problem!;
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "cancelled from the dashboard" : request.Reason.Trim();
        if (reason.Length > 500)
            return Problem(StatusCodes.Status400BadRequest, $"the reason is {reason.Length} characters long; keep it under 500");
        switch (await store.CancelAsync(trial.Id, Who(http), reason, cancellationToken))
        {
            case TrialStopOutcome.Cancelled:
                return TypedResults.Ok(new ActionResult($"trial {number} was waiting: it is cancelled and will not run", number));
            case TrialStopOutcome.Requested:
                return TypedResults.Ok(new ActionResult($"cancel requested for trial {number}: the dispatcher stops its trainer within a few seconds", number));
            default:
                var now = await store.GetTrialAsync(trial.Id, cancellationToken);
                return Problem(StatusCodes.Status409Conflict, $"trial {number} is already {Reports.Plots.PlotStyle.NameOf(now?.State ?? trial.State)}: there is nothing to cancel");
        }
    }

    /// <summary>Who acts from the dashboard: its client's address (the token, when one is needed, is the same for everyone).</summary>
    private static string Who(HttpContext http) => $"the dashboard ({http.Connection.RemoteIpAddress?.ToString() ?? "unknown client"})";

    private static async Task<Results<Ok<ActionResult>, ProblemHttpResult>> DeleteTrial(
        string name, int number, ITrialStore store, CancellationToken cancellationToken)
    {
        var (_, trial, problem) = await StudyLookup.FindTrialAsync(store, name, number, cancellationToken);
        if (trial is null)
            return problem!;
        return await store.DeleteTrialAsync(trial, cancellationToken) switch
        {
            DeletionOutcome.Deleted => TypedResults.Ok(new ActionResult($"trial {number} deleted with its folder", number)),
            DeletionOutcome.Unfinished => Problem(StatusCodes.Status409Conflict, $"trial {number} is {Reports.Plots.PlotStyle.NameOf(trial.State)}: cancel it first, then delete it"),
            _ => StudyLookup.NotFound($"trial {number} was deleted meanwhile"),
        };
    }

    private static async Task<Results<Ok<ActionResult>, ProblemHttpResult>> DeleteStudy(
        string name, ITrialStore store, CancellationToken cancellationToken)
    {
        if (await StudyLookup.FindAsync(store, name, cancellationToken) is not { } study)
            return StudyLookup.NotFound($"no study named '{name}' in this database");
        return await store.DeleteStudyAsync(study, force: false, cancellationToken) switch
        {
            DeletionOutcome.Deleted => TypedResults.Ok(new ActionResult($"study '{name}' deleted with its trials and their folders")),
            DeletionOutcome.Unfinished => Problem(StatusCodes.Status409Conflict, $"study '{name}' has running trials: stop its run or cancel them first"),
            _ => StudyLookup.NotFound($"study '{name}' was deleted meanwhile"),
        };
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

    /// <summary>
    /// A Waiting trial with the given parameters, all or some (the rest is sampled when it starts),
    /// checked by the study's <see cref="Core.Studies.TrialRules"/>: the rule of the study file's
    /// enqueue, the CLI and the driver. Problems are keyed by parameter; a broken constraint or
    /// size limit under <c>constraints</c>, and named in the detail.
    /// </summary>
    private static async Task<Results<Created<ActionResult>, ValidationProblem, ProblemHttpResult>> Enqueue(
        string name, EnqueueRequest request, ITrialStore store, DashboardOptions options, CancellationToken cancellationToken)
    {
        if (await StudyLookup.FindAsync(store, name, cancellationToken) is not { } study)
            return StudyLookup.NotFound($"no study named '{name}' in this database");
        if (request.Params.ValueKind != JsonValueKind.Object)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["params"] = [$"expected an object of parameter name → value, found {request.Params.ValueKind}"] },
                detail: "the request has no parameters object");
        }
        var stored = await store.GetStudyFileAsync(study.Id, cancellationToken);
        var rules = StudyRules.ForStored(study.SearchSpace, study.Name, stored?.Text, stored?.Path, stored?.Overrides, options.CountModel, out _);
        var check = rules.Check(request.Params.EnumerateObject().ToDictionary(p => p.Name, p => Value(p.Value), StringComparer.Ordinal));
        if (!check.IsValid)
        {
            var errors = check.Problems
                .GroupBy(p => p.Parameter ?? ConstraintsKey, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray(), StringComparer.Ordinal);
            return TypedResults.ValidationProblem(errors, detail: $"study '{name}' refuses this trial: {check.Describe()}");
        }
        var trial = await store.CreateTrialAsync(study.Id, check.Values, check.Distributions, cancellationToken);
        return TypedResults.Created($"/studies/{Uri.EscapeDataString(name)}/trials/{trial.Number}",
            new ActionResult($"trial {trial.Number} enqueued{(check.IsComplete ? "" : " (the parameters left out are sampled when it starts)")}: " +
                             "it runs before the sampler proposes new trials", trial.Number));
    }

    /// <summary>The error key of a problem that is about no single parameter (a constraint, a size limit).</summary>
    public const string ConstraintsKey = "constraints";

    /// <summary>A JSON value as the rules take it: numbers, strings, booleans; null is "not given".</summary>
    private static object? Value(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => json.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when json.TryGetInt64(out var l) => l,
        JsonValueKind.Number => json.GetDouble(),
        _ => json.Clone(), // an array or object: the rules say it is not a value of the parameter
    };

    private static ProblemHttpResult Problem(int status, string detail) =>
        TypedResults.Problem(statusCode: status, title: status == StatusCodes.Status409Conflict ? "Conflict" : "Bad Request", detail: detail);
}
