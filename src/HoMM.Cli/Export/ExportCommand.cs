using System.CommandLine;
using System.Text;
using HoMM.Cli.Common;
using HoMM.Core.Trials;
using HoMM.Reports.Loading;
using HoMM.Storage;

namespace HoMM.Cli.Export;

/// <summary>
/// <c>homm-search export &lt;study&gt; --format csv|json [--curves] [-o file] [--db]</c>: every trial of the
/// study — or, with <c>--curves</c>, every intermediate value in long format — to a file (written
/// atomically) or to standard output.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var command = new Command("export", "Write every trial of a study as CSV or JSON (number, state, value, times, fail reason, attempts, final metrics such as test/acc, info/*, parameters); --curves writes every intermediate value instead");
        var study = StoreCommand.StudyArgument();
        var db = StoreOpener.CreateDbOption();
        var format = new Option<string>("--format") { Description = "csv or json", Required = true };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<string?>("--output", "-o") { Description = "the file to write (standard output when left out)" };
        var curves = new Option<bool>("--curves") { Description = "write the learning curves instead: one row per trial, step and metric (long format)" };
        command.Arguments.Add(study);
        command.Options.Add(db);
        command.Options.Add(format);
        command.Options.Add(output);
        command.Options.Add(curves);
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(db), parse.GetValue(study)!, Enum.Parse<ExportFormat>(parse.GetValue(format)!, ignoreCase: true), parse.GetValue(output),
            parse.GetValue(curves),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    /// <param name="db">The --db value.</param>
    /// <param name="studyName">The study to export.</param>
    /// <param name="format">CSV or JSON.</param>
    /// <param name="outputPath">The file to write; null writes to <paramref name="stdout"/>.</param>
    /// <param name="curves">Whether to write the intermediate values (long format) instead of the trials.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="error">Where errors go.</param>
    /// <param name="cancellationToken">Cancels the database reads.</param>
    public static Task<int> RunAsync(
        string? db, string studyName, ExportFormat format, string? outputPath, bool curves, TextWriter stdout, TextWriter error,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(error);
        return StoreCommand.RunWithStudyAsync(db, studyName, error, async (opened, study) =>
        {
            Action<TextWriter> write;
            int count;
            if (curves)
            {
                var trials = (await opened.Store.GetTrialsAsync(study.Id, new TrialQuery(IntermediateValues: false), cancellationToken)).Trials;
                var values = new List<(FrozenTrial, IReadOnlyList<IntermediateValue>)>(trials.Count);
                foreach (var t in trials)
                    values.Add((t, await opened.Store.GetIntermediateValuesAsync(t.Id, cancellationToken: cancellationToken)));
                write = writer => WriteCurves(writer, format, study, values);
                count = trials.Count;
            }
            else
            {
                var loaded = await StudyReader.LoadAsync(opened.Store, study.Name, cancellationToken)
                    ?? throw new InvalidOperationException($"study '{study.Name}' disappeared while it was read");
                write = writer => Write(writer, format, loaded);
                count = loaded.Snapshot.Trials.Count;
            }
            if (outputPath is null)
            {
                try
                {
                    write(stdout);
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
                AtomicFile.Write(full, write);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"error: cannot write {full}: {e.Message}");
                return StoreCommand.ExitFailure;
            }
            await error.WriteLineAsync($"wrote {(curves ? "the curves of " : "")}{count} trials of '{study.Name}' to {full}");
            return StoreCommand.ExitSuccess;
        }, cancellationToken);
    }

    private static void Write(TextWriter writer, ExportFormat format, LoadedStudy loaded)
    {
        if (format == ExportFormat.Csv)
            TrialExport.WriteCsv(writer, loaded);
        else
            WriteJson(writer, stream => TrialExport.WriteJson(stream, loaded));
    }

    private static void WriteCurves(TextWriter writer, ExportFormat format, StudyRecord study, IReadOnlyList<(FrozenTrial, IReadOnlyList<IntermediateValue>)> curves)
    {
        if (format == ExportFormat.Csv)
            TrialExport.WriteCurvesCsv(writer, curves);
        else
            WriteJson(writer, stream => TrialExport.WriteCurvesJson(stream, study, curves));
    }

    /// <summary>JSON written to a stream, copied to <paramref name="writer"/> with a final newline.</summary>
    internal static void WriteJson(TextWriter writer, Action<Stream> body)
    {
        using var buffer = new MemoryStream();
        body(buffer);
        writer.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        writer.WriteLine();
    }
}
