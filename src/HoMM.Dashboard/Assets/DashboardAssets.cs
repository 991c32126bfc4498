using HoMM.Reports.Html;

namespace HoMM.Dashboard.Assets;

/// <summary>The dashboard's front-end files: <c>dashboards/dashboard/</c> (pages, scripts, styles),
/// <c>dashboards/report/figures.js</c> (figure drawing shared with the HTML report) and plotly.js
/// from <c>dashboards/node_modules</c> (installed by scripts/bootstrap).</summary>
public sealed record DashboardAssets(string Root, string Pages, string PlotlyJs)
{
    public const string PagesFolder = "dashboard";

    /// <summary>
    /// <paramref name="root"/> (a <c>dashboards/</c> folder) when given, else the first
    /// <c>dashboards/dashboard/index.html</c> walking up from the current and application directories.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No pages; the message says where it looked.</exception>
    /// <exception cref="PlotlyNotFoundException">plotly.js is not installed (run scripts/bootstrap).</exception>
    public static DashboardAssets Locate(string? root = null)
    {
        root ??= Find();
        var full = Path.GetFullPath(root);
        var pages = Path.Combine(full, PagesFolder);
        if (!File.Exists(Path.Combine(pages, "index.html")))
            throw new DirectoryNotFoundException($"{pages}/index.html does not exist: give the dashboards/ folder of a HoMM Search checkout.");
        var plotly = PlotlyScript.Locate(Path.Combine(full, "node_modules", "plotly.js-dist-min", "plotly.min.js"));
        return new DashboardAssets(full, pages, plotly);
    }

    private static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory }.Distinct(StringComparer.Ordinal))
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "dashboards");
                if (File.Exists(Path.Combine(candidate, PagesFolder, "index.html")))
                    return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            $"the dashboard's pages (dashboards/{PagesFolder}/index.html) were not found above {Environment.CurrentDirectory} " +
            $"or {AppContext.BaseDirectory}: run homm-search from the HoMM Search checkout.");
    }
}
