using System.CommandLine;
using System.Text;
using HoMM.Cli.Common;
using HoMM.Reports.Loading;
using HoMM.Storage;

namespace HoMM.Cli.Export;

/// <summary>
/// <c>homm-search export &lt;study&gt; --format csv|json [-o file] [--db]</c>: every trial of the
/// study, to a file (written atomically) or to standard output.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var command = new Command("export", "Write every trial of a study as CSV or JSON (number, state, value, times, fail reason, final metrics such as test/acc, parameters)");
        var study = new Argument<string>("study") { Description = "the study's name (homm-search status lists them)" };
        var db = StoreOpener.CreateDbOption();
        var format = new Option<string>("--format") { Description = "csv or json", Required = true };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<string?>("--output", "-o") { Description = "the file to write (standard output when left out)" };
        command.Arguments.Add(study);
        command.Options.Add(db);
        command.Options.Add(format);
        command.Options.Add(output);
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(db), parse.GetValue(study)!, Enum.Parse<ExportFormat>(parse.GetValue(format)!, ignoreCase: true), parse.GetValue(output),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    /// <param name="db">The --db value.</param>
    /// <param name="studyName">The study to export.</param>
    /// <param name="format">CSV or JSON.</param>
    /// <param name="outputPath">The file to write; null writes to <paramref name="stdout"/>.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="error">Where errors go.</param>
    /// <param name="cancellationToken">Cancels the database reads.</param>
    public static Task<int> RunAsync(
        string? db, string studyName, ExportFormat format, string? outputPath, TextWriter stdout, TextWriter error,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(error);
        return StoreCommand.RunWithStudyAsync(db, studyName, error, async (opened, study) =>
        {
            var trials = (await opened.Store.GetTrialsAsync(study.Id, new TrialQuery(IntermediateValues: false), cancellationToken)).Trials;
            var final = await StudyFinalMetrics.ReadAsync(opened.Store, study.Id, cancellationToken);
            if (outputPath is null)
            {
                try
                {
                    Write(stdout, format, study, trials, final);
                    await stdout.FlushAsync(cancellationToken);
                }
                catch (IOException e)
                {
                    // `export … > /dev/full`: a partial export must not look like a whole one.
                    await error.WriteLineAsync($"error: cannot write to standard output: {e.Message}");
                    return StoreCommand.ExitFailure;
                }
                return StoreCommand.ExitSuccess;
            }
            var full = Path.GetFullPath(outputPath);
            try
            {
                AtomicFile.Write(full, writer => Write(writer, format, study, trials, final));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"error: cannot write {full}: {e.Message}");
                return StoreCommand.ExitFailure;
            }
            await error.WriteLineAsync($"wrote {trials.Count} trials of '{study.Name}' to {full}");
            return StoreCommand.ExitSuccess;
        }, cancellationToken);
    }

    private static void Write(TextWriter writer, ExportFormat format, StudyRecord study, IReadOnlyList<Core.Trials.FrozenTrial> trials, StudyFinalMetrics final)
    {
        if (format == ExportFormat.Csv)
        {
            TrialExport.WriteCsv(writer, trials, final);
            return;
        }
        using var buffer = new MemoryStream();
        TrialExport.WriteJson(buffer, study, trials, final);
        writer.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        writer.WriteLine();
    }
}
