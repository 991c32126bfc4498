using System.CommandLine;
using HoMM.Cli.Common;
using HoMM.Cli.Export;
using HoMM.Core.MultiObjective;
using HoMM.Core.Trials;
using HoMM.Reports.Loading;
using HoMM.Reports.Plots;
using HoMM.Storage;

namespace HoMM.Cli.Trials;

/// <summary>
/// <c>homm-search trials &lt;study&gt; [--db] [--state ...] [--sort ...] [--limit N]</c>: the study's
/// trials as a table (number, state, value, duration, start, parameters, fail reason), or with
/// <c>--json</c> as the export's trial objects (for scripts).
/// </summary>
public static class TrialsCommand
{
    public static Command Create()
    {
        var command = new Command("trials", "List a study's trials as a table");
        var study = StoreCommand.StudyArgument();
        var db = StoreOpener.CreateDbOption();
        var states = new Option<string[]>("--state")
        {
            Description = $"only trials in these states: {string.Join(", ", TrialStateNames.All)} (repeat the option or separate with commas)",
            AllowMultipleArgumentsPerToken = true,
        };
        var sort = new Option<string>("--sort")
        {
            Description = "number (default), value (best first), duration (longest first) or started (latest first)",
            DefaultValueFactory = _ => "number",
        };
        sort.AcceptOnlyFromAmong("number", "value", "duration", "started");
        var limit = new Option<int?>("--limit") { Description = "show at most this many trials (after sorting)" };
        var pareto = new Option<bool>("--pareto") { Description = "only the Pareto front: complete trials no other beats in every objective" };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
                r.AddError("--limit must be at least 1");
        });
        command.Arguments.Add(study);
        command.Options.Add(db);
        command.Options.Add(states);
        command.Options.Add(sort);
        var json = new Option<bool>("--json") { Description = "write the trials as JSON (the objects of export --format json), for scripts" };
        command.Options.Add(limit);
        command.Options.Add(json);
        command.Options.Add(pareto);
        command.SetAction((parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var options = new TrialsOptions(parse.GetValue(states) ?? [], Enum.Parse<TrialOrder>(parse.GetValue(sort)!, ignoreCase: true), parse.GetValue(limit))
            {
                Json = parse.GetValue(json),
                Pareto = parse.GetValue(pareto),
            };
            return RunAsync(parse.GetValue(db), parse.GetValue(study)!, options, output, parse.InvocationConfiguration.Error,
                TextTable.IsTerminal(output), TimeProvider.System, ct);
        });
        return command;
    }

    public static Task<int> RunAsync(
        string? db, string studyName, TrialsOptions options, TextWriter output, TextWriter error, bool terminal, TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(time);
        if (!TryParseStates(options.States, out var states, out var problem))
        {
            error.WriteLine($"error: {problem}");
            return Task.FromResult(StoreCommand.ExitFailure);
        }
        return StoreCommand.RunWithStudyAsync(db, studyName, error, async (opened, study) =>
        {
            var now = time.GetUtcNow();
            if (options.Json)
            {
                var loaded = await StudyReader.LoadAsync(opened.Store, study.Name, cancellationToken)
                    ?? throw new InvalidOperationException($"study '{study.Name}' disappeared while it was read");
                var chosen = loaded.Snapshot.Trials.Where(t => states is null || states.Contains(t.State)).ToList();
                var selected = TrialOrdering.Sort(options.Pareto ? ParetoFrontRule.Front(chosen, study.Directions) : chosen, options.Sort, study.Direction, now);
                ExportCommand.WriteJson(output, stream =>
                {
                    using var writer = TrialExport.Writer(stream);
                    writer.WriteStartObject();
                    TrialExport.WriteStudy(writer, study);
                    var marks = ParetoMarks.For(study, loaded.Snapshot.Trials);
                    writer.WriteStartArray("trials");
                    foreach (var t in options.Limit is { } n ? selected.Take(n) : selected)
                        TrialExport.WriteTrial(writer, t, TrialExport.Extras(loaded, t), marks);
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                });
                return StoreCommand.ExitSuccess;
            }
            var page = await opened.Store.GetTrialsAsync(study.Id, new TrialQuery(States: states, IntermediateValues: false), cancellationToken);
            var candidates = options.Pareto ? ParetoFrontRule.Front(page.Trials, study.Directions) : page.Trials;
            IEnumerable<FrozenTrial> trials = TrialOrdering.Sort(candidates, options.Sort, study.Direction, now);
            if (options.Limit is { } limit)
                trials = trials.Take(limit);
            var shown = trials.ToList();
            if (shown.Count == 0)
            {
                await output.WriteLineAsync(options.Pareto
                    ? $"study '{study.Name}' has no complete trial with every objective yet, so no Pareto front"
                    : states is null
                    ? $"study '{study.Name}' has no trials yet"
                    : $"study '{study.Name}' has no {string.Join(" or ", states.Select(Display.State))} trials");
                return StoreCommand.ExitSuccess;
            }
            var final = await StudyFinalMetrics.ReadAsync(opened.Store, study.Id, cancellationToken);
            Table(study, shown, final, now).Write(output, terminal);
            // Notes below the table: a column would be too wide to read.
            var notes = await opened.Store.GetTrialAttrOfStudyAsync(study.Id, AttrScope.System, SystemAttrs.Notes, cancellationToken);
            foreach (var t in shown)
            {
                if (notes.TryGetValue(t.Id, out var n))
                {
                    foreach (var note in TrialNotes.Read(n))
                        await output.WriteLineAsync($"note: trial {t.Number}: {note}");
                }
            }
            if (shown.Count < candidates.Count)
                await output.WriteLineAsync($"{shown.Count} of {candidates.Count} trials shown (--limit)");
            return StoreCommand.ExitSuccess;
        }, cancellationToken);
    }

    private static TextTable Table(StudyRecord study, IReadOnlyList<FrozenTrial> trials, StudyFinalMetrics final, DateTimeOffset now)
    {
        var paramNames = ParamAxis.ParamNames(trials);
        var withReason = trials.Any(t => t.FailReason is not null);
        // The test accuracy beside the objective, when the trainer reports one.
        var withTest = trials.Any(t => final.TestAccuracy(t) is not null);
        // One value column per objective (a multi-objective trial's vector; Value is its first).
        var columns = new List<TextColumn> { new("#", true), new("state") };
        columns.AddRange(study.Objectives.Select(o => new TextColumn(o.Metric, true)));
        if (withTest)
            columns.Add(new(TestMetrics.Accuracy, true));
        columns.AddRange([new("duration", true), new("started (UTC)")]);
        columns.AddRange(paramNames.Select(n => new TextColumn(n, true)));
        if (withReason)
            columns.Add(new("reason"));
        var table = new TextTable(columns);
        foreach (var t in trials)
        {
            var cells = new List<string> { Display.Count(t.Number), Display.State(t.State) };
            if (study.IsMultiObjective)
                cells.AddRange(study.Objectives.Select((_, i) => Display.Value(t.Values is { } v ? v[i] : i == 0 ? t.Value : null)));
            else
                cells.Add(Display.Value(t.Value));
            if (withTest)
                cells.Add(Display.Value(final.TestAccuracy(t)));
            cells.AddRange([Display.Duration(Display.RunTime(t, now)), Display.Time(t.Started)]);
            cells.AddRange(paramNames.Select(n => Display.Param(t.Params.GetValueOrDefault(n))));
            if (withReason)
                cells.Add(t.FailReason ?? "");
            table.AddRow([.. cells]);
        }
        return table;
    }

    /// <summary>State names as the reports write them ("failed"), with "fail" accepted too; commas separate several.</summary>
    internal static bool TryParseStates(IReadOnlyList<string> values, out IReadOnlySet<TrialState>? states, out string? problem)
    {
        states = null;
        problem = null;
        var names = values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (names.Count == 0)
            return true;
        var set = new HashSet<TrialState>();
        foreach (var name in names)
        {
            if (!TrialStateNames.TryParse(name, out var state))
            {
                problem = $"--state {name}: unknown state; use {string.Join(", ", TrialStateNames.All)}";
                return false;
            }
            set.Add(state);
        }
        states = set;
        return true;
    }
}

/// <summary>What <c>trials</c> shows: the states to keep (empty: all), the order, and how many.</summary>
public sealed record TrialsOptions(IReadOnlyList<string> States, TrialOrder Sort = TrialOrder.Number, int? Limit = null)
{
    /// <summary>JSON for scripts instead of the table.</summary>
    public bool Json { get; init; }
    /// <summary>Only the Pareto front (<see cref="HoMM.Core.MultiObjective.ParetoFrontRule"/>); with one objective, the trials that tie the best value.</summary>
    public bool Pareto { get; init; }
}
