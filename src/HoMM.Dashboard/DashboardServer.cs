using System.Net;
using HoMM.Dashboard.Api;
using HoMM.Dashboard.Assets;
using HoMM.Dashboard.Figures;
using HoMM.Dashboard.Pages;
using HoMM.Dashboard.Queue;
using HoMM.Dashboard.Security;
using HoMM.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace HoMM.Dashboard;

/// <summary>Builds the dashboard's web application over a store: Kestrel on the options' address, the API and the pages.</summary>
public static class DashboardServer
{
    /// <summary>
    /// Builds (does not start) the dashboard. <paramref name="store"/> stays the caller's: the
    /// application never disposes it.
    /// </summary>
    /// <exception cref="ArgumentException">The host is not an IP address or <c>localhost</c>.</exception>
    public static WebApplication Build(ITrialStore store, DashboardOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNotEqual(options.Port is >= 0 and <= 65535, true, nameof(options));
        var address = ParseHost(options.Host);
        var assets = DashboardAssets.Locate(options.AssetsRoot);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = assets.Root });
        builder.WebHost.UseKestrel(k => k.Listen(address, options.Port));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        // A failed start (a busy port) is thrown to whoever starts the application, which says it
        // in words; the host's own "fail:" line with a stack trace would only bury that message.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        // A body that is not JSON reaches ApiExceptionHandler, which says why (by default: an empty 400).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<AccessControl>();
        builder.Services.AddSingleton<FigureCache>();
        builder.Services.AddSingleton<TrialRowCache>();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            // plotly.js compiles its WebGL shaders with eval and injects style elements.
            headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
                                            "img-src 'self' data: blob:; worker-src blob:; frame-ancestors 'none'";
            if (context.Request.Path.StartsWithSegments("/api"))
                headers.CacheControl = "no-store";
            await next(context);
        });
        var access = app.Services.GetRequiredService<AccessControl>();
        app.Use(access.InvokeAsync);
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(assets.Pages), RequestPath = "/static" });
        app.MapStudyEndpoints();
        app.MapTrialEndpoints();
        app.MapActionEndpoints();
        if (options.OpenQueue is { } openQueue)
            app.MapQueueDashboard(openQueue, access);
        app.MapPageEndpoints(assets);
        if (options.Prewarm)
            app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(() => PrewarmAsync(app)));
        return app;
    }

    /// <summary>
    /// Reads the studies a user is likely to open first (those running, and the newest) into the
    /// row and figure caches in the background: plotting a 10,000-trial study for the first time
    /// takes many seconds, better spent before anyone waits for it.
    /// </summary>
    private static async Task PrewarmAsync(WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DashboardServer));
        try
        {
            var store = app.Services.GetRequiredService<ITrialStore>();
            var studies = await store.ListStudiesAsync(stopping);
            var newest = studies.MaxBy(s => s.Study.Created);
            foreach (var s in studies.Where(s => s == newest || s.TrialCounts.GetValueOrDefault(Core.Trials.TrialState.Running) > 0))
            {
                await app.Services.GetRequiredService<TrialRowCache>().AllAsync(s.Study, stopping);
                await app.Services.GetRequiredService<FigureCache>().GetAsync(s.Study, stopping);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || stopping.IsCancellationRequested)
        {
            // Shutting down: the caches are not needed any more.
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or KeyNotFoundException or System.Data.Common.DbException)
        {
            // Only a head start: the pages compute what they need when asked.
            logger.LogWarning(e, "could not read the studies ahead of the first page");
        }
    }

    /// <summary>The address the started application listens on, e.g. <c>http://127.0.0.1:5080</c> (the real port when 0 was asked).</summary>
    public static Uri Address(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("the server reports no address: start it first");
        return new Uri(addresses.First());
    }

    private static IPAddress ParseHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return IPAddress.Loopback;
        return IPAddress.TryParse(host.Trim('[', ']'), out var ip)
            ? ip
            : throw new ArgumentException($"--host '{host}' is not an IP address: give one this machine has (127.0.0.1, 0.0.0.0 for every interface, ::1, …) or localhost", nameof(host));
    }
}
