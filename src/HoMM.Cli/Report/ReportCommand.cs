using System.CommandLine;
using System.Globalization;
using HoMM.Cli.Common;
using HoMM.Reports.Html;
using HoMM.Reports.Loading;

namespace HoMM.Cli.Report;

/// <summary>
/// <c>homm-search report &lt;study&gt; [--db] [-o report.html]</c>: one self-contained HTML file
/// (plotly.js inlined) with the study's summary, best trial and every plot; it opens offline.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var command = new Command("report", "Write a study's HTML report: summary, best trial and every plot, in one file that opens offline");
        var study = StoreCommand.StudyArgument();
        var db = StoreOpener.CreateDbOption();
        var output = new Option<string?>("--output", "-o") { Description = "the HTML file to write (default: <study>.html in the current directory)" };
        var plotly = new Option<string?>("--plotly") { Description = "plotly.min.js to inline (default: dashboards/node_modules, installed by scripts/bootstrap)" };
        command.Arguments.Add(study);
        command.Options.Add(db);
        command.Options.Add(output);
        command.Options.Add(plotly);
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(db), parse.GetValue(study)!, parse.GetValue(output), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error,
            TimeProvider.System, new ReportOptions { PlotlyJsPath = parse.GetValue(plotly) }, ct));
        return command;
    }

    public static Task<int> RunAsync(
        string? db, string studyName, string? outputPath, TextWriter output, TextWriter error, TimeProvider time, ReportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(time);
        return StoreCommand.RunWithStudyAsync(db, studyName, error, async (opened, study) =>
        {
            var loaded = await StudyReader.LoadAsync(opened.Store, study.Name, cancellationToken)
                ?? throw new InvalidOperationException($"study '{study.Name}' disappeared from {opened.Location.Display} while it was read");
            var path = Path.GetFullPath(outputPath ?? DefaultFileName(study.Name));
            var report = loaded.ToReport([new("database", opened.Location.Display)]);
            try
            {
                var writer = new ReportWriter(time, options);
                AtomicFile.Write(path, file => writer.Write(report, file));
            }
            catch (PlotlyNotFoundException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return StoreCommand.ExitFailure;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"error: cannot write {path}: {e.Message}");
                return StoreCommand.ExitFailure;
            }
            var size = new FileInfo(path).Length / 1e6;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"wrote {path} ({loaded.Snapshot.Trials.Count} trials, {size:0.0} MB); open it in a browser, it needs no network"));
            return StoreCommand.ExitSuccess;
        }, cancellationToken);
    }

    /// <summary>The study's name as a file name: characters a file system may refuse become '_'.</summary>
    internal static string DefaultFileName(string studyName)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat(['/', '\\', ':', '*', '?', '"', '<', '>', '|']).ToHashSet();
        var safe = new string(studyName.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray()).Trim('.', ' ');
        return (safe.Length == 0 ? "study" : safe) + ".html";
    }
}
