using System.Collections.Concurrent;
using Hangfire;
using Hangfire.Dashboard;
using HoMM.Dashboard.Security;
using HoMM.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HoMM.Dashboard.Queue;

/// <summary>
/// Hangfire's own dashboard of a study's trial queue, at <c>/hangfire/{study}/</c> (the study
/// page links it as "queue"): what Hangfire holds — queued, processing and succeeded jobs, its
/// servers — beside our pages, which show what the store decided. Our rules apply: the loopback
/// Host check and the token (<see cref="AccessControl"/>) like the API, and it is read-only unless
/// the request carries the action token (a requeue or delete is harmless, the store still decides
/// who runs a trial, but it is an action all the same).
/// </summary>
internal static class QueueDashboard
{
    public const string Prefix = "/hangfire";

    public static void MapQueueDashboard(this WebApplication app, Func<long, JobStorage?> openQueue, AccessControl access)
    {
        var mounted = new ConcurrentDictionary<long, Mounted>();
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            foreach (var m in mounted.Values)
                (m.Storage as IDisposable)?.Dispose();
        });
        app.Map(Prefix, branch => branch.Run(async context =>
        {
            var path = context.Request.Path.Value ?? "";
            var slash = path.IndexOf('/', 1);
            var name = Uri.UnescapeDataString(slash < 0 ? path.TrimStart('/') : path[1..slash]);
            if (name.Length == 0)
            {
                // Each study has its queue (SQLite: a file per study); the study list links them.
                context.Response.Redirect("/");
                return;
            }
            var store = app.Services.GetService(typeof(ITrialStore)) as ITrialStore
                ?? throw new InvalidOperationException("ITrialStore is not registered");
            var study = await store.GetStudyAsync(name, context.RequestAborted);
            if (study is null)
            {
                await Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"no study named '{name}'").ExecuteAsync(context);
                return;
            }
            if (!mounted.TryGetValue(study.Id, out var queue))
            {
                // Opened once the study has a queue (it was run); never created here.
                if (openQueue(study.Id) is not { } storage)
                {
                    await Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found",
                        detail: $"study '{name}' has no queue yet: it is made when the study is first run").ExecuteAsync(context);
                    return;
                }
                queue = mounted.GetOrAdd(study.Id, _ => new Mounted(storage, Options(study.Name, access)));
                if (!ReferenceEquals(queue.Storage, storage))
                    (storage as IDisposable)?.Dispose(); // another request mounted it first
            }
            context.Request.PathBase = context.Request.PathBase.Add(new PathString("/" + Uri.EscapeDataString(name)));
            context.Request.Path = slash < 0 ? new PathString("/") : new PathString(path[slash..]);
            await new AspNetCoreDashboardMiddleware(NotFound, queue.Storage, queue.Options, DashboardRoutes.Routes).Invoke(context);
        }));
    }

    private static Task NotFound(HttpContext context) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: "no such page of the queue dashboard").ExecuteAsync(context);

    private static Hangfire.DashboardOptions Options(string studyName, AccessControl access) => new()
    {
        AppPath = "/studies/" + Uri.EscapeDataString(studyName),
        DashboardTitle = $"Queue of study {studyName}",
        DisplayStorageConnectionString = false,
        // AccessControl has already let the request in (Host header, token); Hangfire's default
        // filter (local requests only) would refuse a dashboard bound to 0.0.0.0 with a token.
        Authorization = [new ActionRights(access)],
        IsReadOnlyFunc = context => !access.CarriesToken(context.GetHttpContext().Request),
    };

    private sealed record Mounted(JobStorage Storage, Hangfire.DashboardOptions Options);

    /// <summary>
    /// Reads pass (AccessControl checked them). A POST — the live statistics the pages poll, or a
    /// command, which Hangfire refuses itself while read-only — must come from this dashboard's own
    /// pages (the same Origin rule as our actions).
    /// </summary>
    private sealed class ActionRights(AccessControl access) : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var request = context.GetHttpContext().Request;
            return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || access.ActionRefusal(request) is null;
        }
    }
}
