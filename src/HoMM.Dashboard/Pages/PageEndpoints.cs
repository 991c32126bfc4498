using HoMM.Dashboard.Assets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace HoMM.Dashboard.Pages;

/// <summary>
/// The pages: one HTML file per kind of page, the same for every study and trial (the page's
/// script reads the names from its address and asks the API). Scripts and styles are under /static/.
/// </summary>
public static class PageEndpoints
{
    public static IEndpointRouteBuilder MapPageEndpoints(this IEndpointRouteBuilder app, DashboardAssets assets)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(assets);
        app.MapGet("/", () => Page(assets, "index.html"));
        app.MapGet("/studies/{name}", (string name) => Page(assets, "study.html"));
        app.MapGet("/studies/{name}/trials/{number:int}", (string name, int number) => Page(assets, "trial.html"));
        app.MapGet("/studies/{name}/compare", (string name) => Page(assets, "compare.html"));
        app.MapGet("/favicon.ico", () => TypedResults.PhysicalFile(Path.Combine(assets.Pages, "favicon.svg"), "image/svg+xml"));
        // Shared with the HTML report, which inlines the same file.
        app.MapGet("/static/figures.js", () => TypedResults.PhysicalFile(Path.Combine(assets.Root, "report", "figures.js"), "text/javascript; charset=utf-8"));
        app.MapGet("/static/plotly.min.js", (HttpResponse response) =>
        {
            response.Headers.CacheControl = "public, max-age=86400";
            return TypedResults.PhysicalFile(assets.PlotlyJs, "text/javascript; charset=utf-8");
        });
        return app;
    }

    private static PhysicalFileHttpResult Page(DashboardAssets assets, string file) =>
        TypedResults.PhysicalFile(Path.Combine(assets.Pages, file), "text/html; charset=utf-8");
}
