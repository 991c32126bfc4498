namespace HoMM.Reports.Html;

/// <summary>plotly.js is not where it should be: the dashboard's npm packages were never installed.</summary>
public sealed class PlotlyNotFoundException(string message) : FileNotFoundException(message);

/// <summary>
/// Finds <c>dashboards/node_modules/plotly.js-dist-min/plotly.min.js</c>, which scripts/bootstrap
/// installs with <c>npm ci</c>: the report inlines it so the file opens offline.
/// </summary>
public static class PlotlyScript
{
    public const string RelativePath = "dashboards/node_modules/plotly.js-dist-min/plotly.min.js";

    /// <summary>
    /// <paramref name="explicitPath"/> when given, else the first match walking up from the
    /// current directory and from the application's directory (a build under the checkout).
    /// </summary>
    /// <exception cref="PlotlyNotFoundException">Not found; the message says where it looked and what to run.</exception>
    public static string Locate(string? explicitPath = null)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath)
                ? Path.GetFullPath(explicitPath)
                : throw new PlotlyNotFoundException(
                    $"plotly.js not found at {explicitPath}. Give the path of plotly.min.js, or run scripts/bootstrap (it installs {RelativePath}).");
        }
        var tried = new List<string>();
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory }.Distinct(StringComparer.Ordinal))
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, RelativePath);
                if (File.Exists(candidate))
                    return candidate;
                if (Directory.Exists(Path.Combine(dir.FullName, "dashboards")))
                    tried.Add(candidate);
            }
        }
        var where = tried.Count > 0
            ? $"{string.Join(", ", tried)} does not exist"
            : $"no dashboards/ folder above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}";
        throw new PlotlyNotFoundException(
            $"plotly.js is needed to write a report, but {where}. Run scripts/bootstrap from the HoMM Search checkout (it runs npm ci in dashboards/).");
    }
}
