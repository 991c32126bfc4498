using System.Text;
using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Dashboard.Security;
using HoMM.Reports.Html;
using HoMM.Reports.Loading;
using HoMM.Reports.Plots;
using HoMM.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace HoMM.Dashboard.Api;

/// <summary>Reads of trials: one trial (parameters, curves, attempts, attrs, folder), its log tail, its files, and a comparison.</summary>
public static class TrialEndpoints
{
    /// <summary>Files listed per trial folder at most (a trainer may write thousands of samples).</summary>
    private const int MaxListedFiles = 500;

    public const string LogFileName = "trainer.log";

    public static IEndpointRouteBuilder MapTrialEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/studies/{name}");
        api.MapGet("/trials/{number:int}", GetTrial);
        api.MapGet("/trials/{number:int}/log", GetLog);
        api.MapGet("/trials/{number:int}/files/{**path}", GetFile);
        api.MapGet("/compare", Compare);
        return app;
    }

    private static async Task<Results<Ok<TrialDetail>, ProblemHttpResult>> GetTrial(
        string name, int number, ITrialStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var (_, trial, problem) = await StudyLookup.FindTrialAsync(store, name, number, cancellationToken);
        if (trial is null)
            return problem!;
        var (detail, _) = await DetailAsync(store, trial, time, cancellationToken);
        return TypedResults.Ok(detail);
    }

    private static async Task<Results<Ok<CompareResponse>, ProblemHttpResult>> Compare(
        string name, string? trials, ITrialStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var numbers = new SortedSet<int>();
        foreach (var part in (trials ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                return BadRequest($"trials must be trial numbers separated by commas, e.g. ?trials=3,8; '{part}' is not one");
            numbers.Add(n);
        }
        if (numbers.Count is < 2 or > 20)
            return BadRequest($"compare needs 2 to 20 distinct trials (?trials=3,8), got {numbers.Count}");
        if (await StudyLookup.FindAsync(store, name, cancellationToken) is not { } study)
            return StudyLookup.NotFound($"no study named '{name}' in this database");

        var details = new List<TrialDetail>();
        var curves = new List<(int Number, IReadOnlyList<IntermediateValue> Values)>();
        foreach (var n in numbers)
        {
            if (await store.GetTrialByNumberAsync(study.Id, n, cancellationToken) is not { } trial)
                return StudyLookup.NotFound($"study '{name}' has no trial {n}");
            var (detail, values) = await DetailAsync(store, trial, time, cancellationToken, figures: false);
            details.Add(detail);
            curves.Add((n, values));
        }
        var paramNames = study.SearchSpace.Parameters.Select(p => p.Name)
            .Concat(details.SelectMany(d => d.Params.Select(p => p.Name)))
            .Distinct(StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new CompareResponse(details, paramNames, MetricFigures(curves, study.ObjectiveMetric)));
    }

    private static async Task<Results<Ok<LogTail>, ProblemHttpResult>> GetLog(
        string name, int number, long? bytes, ITrialStore store, CancellationToken cancellationToken)
    {
        var want = bytes ?? 64 * 1024;
        if (want is < 1 or > 4 * 1024 * 1024)
            return BadRequest($"bytes must be between 1 and 4194304 (4 MiB), not {want}");
        var (_, trial, problem) = await StudyLookup.FindTrialAsync(store, name, number, cancellationToken);
        if (trial is null)
            return problem!;
        var dir = await TrialDirAsync(store, trial, cancellationToken);
        if (dir is null)
            return TypedResults.Ok(new LogTail(null, false, 0, "", false, "this trial has no folder yet (no trial_dir attribute): it has not been started"));
        var path = Path.Combine(dir, LogFileName);
        var stream = SafePath.OpenRead(dir, LogFileName, out var refusal);
        if (stream is null)
        {
            return TypedResults.Ok(new LogTail(path, false, 0, "", false,
                refusal is null ? $"{path} does not exist (yet) on the dashboard's machine" : $"not shown: {refusal}"));
        }
        await using (stream)
            return TypedResults.Ok(await TailAsync(path, stream, want, cancellationToken));
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetFile(
        string name, int number, string path, ITrialStore store, HttpResponse response, CancellationToken cancellationToken)
    {
        var (_, trial, problem) = await StudyLookup.FindTrialAsync(store, name, number, cancellationToken);
        if (trial is null)
            return problem!;
        if (await TrialDirAsync(store, trial, cancellationToken) is not { } dir)
            return StudyLookup.NotFound($"trial {number} has no folder (no trial_dir attribute)");
        var stream = SafePath.OpenRead(dir, path, out var refusal);
        if (refusal is not null)
            return BadRequest(refusal);
        if (stream is null)
            return StudyLookup.NotFound($"trial {number}'s folder has no file '{path}'");
        // Files a trainer wrote are never rendered on the dashboard's origin (an .html or .svg
        // there could run script with the dashboard's rights): text is shown as text, the rest downloaded.
        response.Headers.XContentTypeOptions = "nosniff";
        var text = Path.GetExtension(path) is ".log" or ".txt" or ".json" or ".jsonl" or ".yaml" or ".yml" or ".csv";
        return TypedResults.File(stream, text ? "text/plain; charset=utf-8" : "application/octet-stream",
            fileDownloadName: text ? null : Path.GetFileName(path), enableRangeProcessing: true);
    }

    /// <summary>The trial's folder (contracts.md §3: system attr <c>trial_dir</c>), or null before its first attempt.</summary>
    private static async Task<string?> TrialDirAsync(ITrialStore store, FrozenTrial trial, CancellationToken cancellationToken) =>
        new TrialExtras(trial.Number, await store.GetTrialAttrsAsync(trial.Id, AttrScope.System, cancellationToken), []).TrialDir;

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request", detail: detail);

    private static async Task<(TrialDetail Detail, IReadOnlyList<IntermediateValue> Values)> DetailAsync(
        ITrialStore store, FrozenTrial trial, TimeProvider time, CancellationToken cancellationToken, bool figures = true)
    {
        var values = await store.GetIntermediateValuesAsync(trial.Id, cancellationToken: cancellationToken);
        var attempts = await store.GetAttemptsAsync(trial.Id, cancellationToken);
        var user = await store.GetTrialAttrsAsync(trial.Id, AttrScope.User, cancellationToken);
        var system = await store.GetTrialAttrsAsync(trial.Id, AttrScope.System, cancellationToken);
        var extras = new TrialExtras(trial.Number, system, attempts);
        var dir = extras.TrialDir;
        // A trial folder replaced by a link lists nothing: the link could lead anywhere.
        var files = dir is not null && SafePath.RealFolder(dir, out _) is { } real ? ListFiles(real) : [];
        var parameters = trial.Params.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new ParamValue(p.Key, p.Value, trial.Distributions.TryGetValue(p.Key, out var d) ? d.ToString() : ""))
            .ToList();
        var metrics = values.Select(v => v.Metric).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var detail = new TrialDetail(
            TrialRow.From(trial, extras.TestAccuracy),
            parameters,
            metrics,
            attempts.Select(AttemptInfo.From).ToList(),
            user,
            system,
            dir,
            files,
            Checkpoint(system, dir, files),
            system.ContainsKey(SystemAttrs.ControlStop),
            time.GetUtcNow().ToUnixTimeMilliseconds(),
            figures ? MetricFigures([(trial.Number, values)], objective: null) : EmptyArray,
            extras.Notes);
        return (detail, values);
    }

    private static readonly JsonElement EmptyArray = JsonSerializer.Deserialize<JsonElement>("[]");

    /// <summary>One figure per metric (the objective first), a line per trial.</summary>
    private static JsonElement MetricFigures(IReadOnlyList<(int Number, IReadOnlyList<IntermediateValue> Values)> trials, string? objective)
    {
        var metrics = trials.SelectMany(t => t.Values.Select(v => v.Metric)).Distinct(StringComparer.Ordinal)
            .OrderBy(m => m == objective ? 0 : 1).ThenBy(m => m, StringComparer.Ordinal).ToList();
        var figures = metrics.Select((metric, i) =>
        {
            var info = MetricCurvesPlot.Build(metric, trials.Select(t => (t.Number,
                (IReadOnlyDictionary<long, double>)t.Values.Where(v => v.Metric == metric).ToDictionary(v => v.Step, v => v.Value))));
            return new ReportFigure($"metric-{i}", metric, MetricCurvesPlot.Render(info));
        });
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
            ReportFigures.WriteJson(json, figures);
        // Deserialize, not JsonDocument.Parse: the element owns its memory (no pooled buffer left undisposed).
        return JsonSerializer.Deserialize<JsonElement>(buffer.ToArray());
    }

    private static List<FileInfoItem> ListFiles(string dir)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        return new DirectoryInfo(dir).EnumerateFiles("*", options)
            .Take(MaxListedFiles)
            .Select(f => new FileInfoItem(Path.GetRelativePath(dir, f.FullName).Replace('\\', '/'), f.Length,
                new DateTimeOffset(f.LastWriteTimeUtc).ToUnixTimeMilliseconds()))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The trial's checkpoint: the path a system attribute names ("checkpoint…", from the trainer's
    /// checkpoint lines), else the newest checkpoint-like file in the trial's folder.
    /// </summary>
    private static CheckpointInfo? Checkpoint(IReadOnlyDictionary<string, JsonElement> system, string? dir, List<FileInfoItem> files)
    {
        long? step = null;
        string? path = null;
        foreach (var (key, value) in system.Where(a => a.Key.StartsWith(SystemAttrs.Checkpoint, StringComparison.Ordinal)).OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (value.ValueKind == JsonValueKind.String && path is null)
                path = value.GetString();
            else if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var s))
                step = s;
            else if (value.ValueKind == JsonValueKind.Object)
            {
                if (value.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String)
                    path ??= p.GetString();
                if (value.TryGetProperty("step", out var st) && st.TryGetInt64(out var s2))
                    step = s2;
            }
        }
        if (path is not null)
        {
            var full = dir is not null && !Path.IsPathRooted(path) ? Path.Combine(dir, path) : path;
            var info = new FileInfo(full);
            return new CheckpointInfo(full, info.Exists, info.Exists ? info.Length : null,
                info.Exists ? new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeMilliseconds() : null, step, "reported by the trainer");
        }
        var found = files.Where(f => f.Path.Contains("checkpoint", StringComparison.OrdinalIgnoreCase)
                                     || Path.GetExtension(f.Path) is ".ckpt" or ".pt" or ".pth")
            .MaxBy(f => f.Modified);
        return found is null || dir is null ? null
            : new CheckpointInfo(Path.Combine(dir, found.Path), true, found.Size, found.Modified, step, "found in the trial's folder");
    }

    /// <summary>The last <paramref name="bytes"/> of the log, starting at a whole line.</summary>
    private static async Task<LogTail> TailAsync(string path, FileStream stream, long bytes, CancellationToken cancellationToken)
    {
        var size = stream.Length;
        var start = Math.Max(0, size - bytes);
        stream.Seek(start, SeekOrigin.Begin);
        var buffer = new byte[size - start];
        // The trainer may be writing (or a new attempt truncating) while we read.
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        if (start > 0 && text.IndexOf('\n', StringComparison.Ordinal) is var nl and >= 0)
            text = text[(nl + 1)..];
        return new LogTail(path, true, size, text, start > 0, null);
    }
}
