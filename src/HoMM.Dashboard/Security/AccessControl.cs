using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HoMM.Dashboard.Security;

/// <summary>
/// Who may read and act. With a token, every API call (and every page of the queue dashboard) must carry it (bearer header or the
/// cookie set when a page is opened with <c>?token=…</c>); without one, reads are open and actions
/// are allowed only on a loopback binding. A loopback binding also refuses foreign Host headers:
/// a web page elsewhere could otherwise reach 127.0.0.1 through a DNS name it controls.
/// </summary>
internal sealed class AccessControl(DashboardOptions options)
{
    public const string CookieName = "homm_token";
    public const string QueryName = "token";

    private readonly byte[]? token = options.Token is { Length: > 0 } t ? Encoding.UTF8.GetBytes(t) : null;

    public bool HasToken => token is not null;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (options.IsLoopback && !IsLoopbackHostHeader(context.Request.Host.Host))
        {
            await Refuse(context, StatusCodes.Status403Forbidden,
                $"this dashboard is bound to {options.Host} and answers only to localhost addresses, not to '{context.Request.Host.Host}'");
            return;
        }
        if (token is not null && context.Request.Query.TryGetValue(QueryName, out var given) && !context.Request.Path.StartsWithSegments("/api"))
        {
            // A page opened with ?token=… (the link the command prints): remember it in a cookie
            // the browser sends back only to this site, and drop it from the address bar.
            if (!Matches(given.ToString()))
            {
                await Refuse(context, StatusCodes.Status401Unauthorized, "the token in the address is not this dashboard's token");
                return;
            }
            context.Response.Cookies.Append(CookieName, given.ToString(), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                IsEssential = true,
            });
            var query = QueryString.Create(context.Request.Query.Where(q => q.Key != QueryName)
                .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v))));
            context.Response.Redirect(context.Request.PathBase + context.Request.Path + query);
            return;
        }
        if (token is not null && NeedsToken(context.Request.Path) && !IsAuthorized(context.Request))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Refuse(context, StatusCodes.Status401Unauthorized,
                "this dashboard needs its token: open the link homm-search dashboard printed, or send 'Authorization: Bearer <token>'");
            return;
        }
        await next(context);
    }

    /// <summary>What carries data and so needs the token when there is one: the API, and Hangfire's
    /// queue dashboard (its pages are rendered on the server, with the jobs in them).</summary>
    private static bool NeedsToken(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments(Queue.QueueDashboard.Prefix);

    /// <summary>Whether the request carries this dashboard's token (false when it has none).</summary>
    public bool CarriesToken(HttpRequest request) => token is not null && IsAuthorized(request);

    /// <summary>The reason actions are refused, or null when the request may act.</summary>
    public string? ActionRefusal(HttpRequest request)
    {
        if (token is null && !options.IsLoopback)
        {
            return $"actions are disabled: this dashboard is bound to {options.Host} without a token. " +
                   "Restart it with --token <secret> (or on 127.0.0.1) to stop, pause or enqueue trials.";
        }
        // Cross-site requests: a page elsewhere may POST here, but its Origin gives it away.
        if (request.Headers.Origin is { Count: > 0 } origin
            && (!Uri.TryCreate(origin.ToString(), UriKind.Absolute, out var uri)
                || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)))
            return $"actions are accepted only from this dashboard's own pages, not from {origin}";
        return null;
    }

    private bool IsAuthorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Matches(header["Bearer ".Length..].Trim()))
            return true;
        return request.Cookies.TryGetValue(CookieName, out var cookie) && Matches(cookie);
    }

    private bool Matches(string candidate) =>
        token is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), token);

    private static bool IsLoopbackHostHeader(string host) =>
        host.Length == 0 || DashboardOptions.IsLoopbackHost(host) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    private static Task Refuse(HttpContext context, int status, string message) =>
        Results.Problem(statusCode: status, title: ReasonPhrase(status), detail: message).ExecuteAsync(context);

    private static string ReasonPhrase(int status) => ((HttpStatusCode)status).ToString();
}

internal static class AccessControlExtensions
{
    /// <summary>Refuses an action (403) when <see cref="AccessControl.ActionRefusal"/> says so.</summary>
    public static RouteGroupBuilder RequireActionRights(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var access = context.HttpContext.RequestServices.GetService(typeof(AccessControl)) as AccessControl
                ?? throw new InvalidOperationException("AccessControl is not registered");
            return access.ActionRefusal(context.HttpContext.Request) is { } refusal
                ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: refusal)
                : await next(context);
        });
}
