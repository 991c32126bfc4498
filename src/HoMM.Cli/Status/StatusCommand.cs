using System.CommandLine;
using System.Globalization;
using HoMM.Cli.Common;
using HoMM.Core.MultiObjective;
using HoMM.Core.Trials;
using HoMM.Reports;
using HoMM.Storage;

namespace HoMM.Cli.Status;

/// <summary>
/// <c>homm-search status [study] [--db] [--json]</c>: without a study, one line per study (trials by state,
/// best value, progress); with one, its details: best trial and parameters, compute used, the
/// running trials with their slots, and the latest failures with their reasons.
/// </summary>
public static class StatusCommand
{
    private const int RecentFailures = 5;

    public static Command Create()
    {
        var command = new Command("status", "Show the studies in a database, or one study's progress, best trial and running trials");
        var study = new Argument<string?>("study") { Description = "a study name (all studies when left out)", Arity = ArgumentArity.ZeroOrOne };
        var db = StoreOpener.CreateDbOption();
        command.Arguments.Add(study);
        var json = new Option<bool>("--json") { Description = "write the same as JSON, for scripts" };
        command.Options.Add(db);
        command.Options.Add(json);
        command.SetAction((parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            return RunAsync(parse.GetValue(db), parse.GetValue(study), output, parse.InvocationConfiguration.Error,
                TextTable.IsTerminal(output), TimeProvider.System, ct, parse.GetValue(json));
        });
        return command;
    }

    public static Task<int> RunAsync(
        string? db, string? studyName, TextWriter output, TextWriter error, bool terminal, TimeProvider time, CancellationToken cancellationToken = default,
        bool json = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(time);
        if (json)
        {
            return studyName is null
                ? StoreCommand.RunAsync(db, error, opened => StatusJson.AllStudiesAsync(opened, output, cancellationToken), cancellationToken)
                : StoreCommand.RunWithStudyAsync(db, studyName, error,
                    (opened, study) => StatusJson.OneStudyAsync(opened, study, output, time.GetUtcNow(), cancellationToken), cancellationToken);
        }
        return studyName is null
            ? StoreCommand.RunAsync(db, error, opened => AllStudiesAsync(opened, output, terminal, cancellationToken), cancellationToken)
            : StoreCommand.RunWithStudyAsync(db, studyName, error,
                (opened, study) => OneStudyAsync(opened, study, output, terminal, time.GetUtcNow(), cancellationToken), cancellationToken);
    }

    private static async Task<int> AllStudiesAsync(OpenedStore opened, TextWriter output, bool terminal, CancellationToken cancellationToken)
    {
        var studies = await opened.Store.ListStudiesAsync(cancellationToken);
        if (studies.Count == 0)
        {
            await output.WriteLineAsync($"no studies in {opened.Location.Display} yet (homm-search run <study.yaml> creates one)");
            return StoreCommand.ExitSuccess;
        }
        var table = new TextTable([
            new("study"), new("objective"), new("trials", true), new("complete", true), new("pruned", true), new("failed", true),
            new("running", true), new("paused", true), new("waiting", true), new("best", true), new("progress"),
        ]);
        foreach (var s in studies)
        {
            var counts = s.TrialCounts;
            var finished = counts.Where(c => c.Key.CountsTowardBudget()).Sum(c => c.Value);
            var progress = await StudyProgress.ReadAsync(opened.Store, s.Study.Id, finished, cancellationToken);
            table.AddRow(
                s.Study.Name,
                Display.Objectives(s.Study),
                Display.Count(s.TotalTrials),
                Display.Count(counts.GetValueOrDefault(TrialState.Complete)),
                Display.Count(counts.GetValueOrDefault(TrialState.Pruned)),
                Display.Count(counts.GetValueOrDefault(TrialState.Fail)),
                Display.Count(counts.GetValueOrDefault(TrialState.Running)),
                Display.Count(counts.GetValueOrDefault(TrialState.Paused)),
                Display.Count(counts.GetValueOrDefault(TrialState.Waiting)),
                s.Study.IsMultiObjective ? await FrontSizeAsync(opened.Store, s.Study, cancellationToken) : Display.Value(s.BestValue),
                progress.ToString());
        }
        await output.WriteLineAsync($"database {opened.Location.Display}");
        table.Write(output, terminal);
        return StoreCommand.ExitSuccess;
    }

    /// <summary>The most front members <c>status</c> lists; <c>trials --pareto</c> lists them all.</summary>
    private const int FrontRows = 10;

    /// <summary>A multi-objective study's answer: its Pareto front, each member with every objective's value.</summary>
    private static void WriteFront(StudyRecord study, IReadOnlyList<FrozenTrial> all, Action<string, string> row)
    {
        var front = ParetoFrontRule.Front(all, study.Directions);
        if (front.Count == 0)
        {
            row("front", "no trial has completed with every objective yet");
            return;
        }
        row("front", $"{front.Count} trial{(front.Count == 1 ? "" : "s")} on the Pareto front (none better in every objective)");
        foreach (var t in ParetoFrontRule.ByFirstObjective(front, study.Directions).Take(FrontRows))
        {
            row("", $"trial {t.Number}: " + string.Join(", ", study.Objectives.Select((o, i) => $"{o.Metric} = {Display.Value(t.Values![i])}"))
                    + "  (" + string.Join(", ", t.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Display.Param(p.Value)}")) + ")");
        }
        if (front.Count > FrontRows)
            row("", $"… and {front.Count - FrontRows} more: homm-search trials {study.Name} --pareto");
    }

    private static async Task<string> FrontSizeAsync(ITrialStore store, StudyRecord study, CancellationToken cancellationToken)
    {
        var trials = (await store.GetTrialsAsync(study.Id, new TrialQuery(States: new HashSet<TrialState> { TrialState.Complete }, IntermediateValues: false), cancellationToken)).Trials;
        return $"front of {ParetoFrontRule.Front(trials, study.Directions).Count}";
    }

    private static async Task<int> OneStudyAsync(
        OpenedStore opened, StudyRecord study, TextWriter output, bool terminal, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var store = opened.Store;
        var all = (await store.GetTrialsAsync(study.Id, new TrialQuery(IntermediateValues: false), cancellationToken)).Trials;
        var snapshot = new ReportStudy(study.Name, study.Direction, study.ObjectiveMetric, all);
        var summary = new Reports.Html.TrialTotals(snapshot, now);
        var finished = all.Count(t => t.State.CountsTowardBudget());
        var progress = await StudyProgress.ReadAsync(store, study.Id, finished, cancellationToken);

        void Row(string label, string value) => output.WriteLine($"{label,-11}{value}");
        Row("study", study.Name);
        Row(study.IsMultiObjective ? "objectives" : "objective", Display.Objectives(study));
        Row("database", opened.Location.Display);
        Row("created", Display.Time(study.Created) + " UTC");
        Row("trials", all.Count == 0
            ? "none yet"
            : $"{all.Count}: " + string.Join(", ", summary.CountByState.Select(c => $"{c.Value} {Display.State(c.Key)}")));
        Row("progress", progress.ToString());
        if (study.IsMultiObjective)
        {
            WriteFront(study, all, Row);
        }
        else if (snapshot.BestTrial() is { } best)
        {
            // The test accuracy beside the objective, when the trainer reported one in its final line.
            var attrs = await store.GetTrialAttrsAsync(best.Id, AttrScope.System, cancellationToken);
            var test = new Reports.Loading.TrialExtras(best.Number, attrs, []).TestAccuracy is { } a
                ? $", {TestMetrics.Accuracy} = {Display.Value(a)}"
                : "";
            Row("best", $"trial {best.Number}: {study.ObjectiveMetric} = {Display.Value(best.Value)}{test}");
            foreach (var (name, value) in best.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
                Row("", $"{name} = {Display.Param(value)}");
        }
        else
        {
            Row("best", "no trial has completed yet");
        }
        Row("compute", $"{Display.Duration(summary.TotalCompute)} over all trials");
        // What the trial folders hold now: checkpoints.keep decides how much of it stays.
        var disk = await TrialFolders.DiskUsageAsync(store, study.Id, cancellationToken);
        Row("disk", $"{Display.Bytes(disk)} in the trial folders");
        if (summary.FirstStart is { } first && summary.LastEnd is { } last)
            Row("ran", $"{Display.Time(first)} → {Display.Time(last)} UTC");

        await RunningTrialsAsync(store, study, output, terminal, now, cancellationToken);

        var failures = all.Where(t => t.State == TrialState.Fail).OrderByDescending(t => t.Number).Take(RecentFailures).ToList();
        if (failures.Count > 0)
        {
            output.WriteLine();
            output.WriteLine(failures.Count == 1 ? "latest failure" : $"latest {failures.Count} failures");
            var table = new TextTable([new("#", true), new("finished (UTC)"), new("reason")]);
            foreach (var t in failures)
                table.AddRow(Display.Count(t.Number), Display.Time(t.Finished), t.FailReason ?? "(no reason recorded)");
            table.Write(output, terminal);
        }
        return StoreCommand.ExitSuccess;
    }

    private static async Task RunningTrialsAsync(
        ITrialStore store, StudyRecord study, TextWriter output, bool terminal, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Read again with the objective's values: only the running trials, so this stays cheap.
        var running = (await store.GetTrialsAsync(study.Id, new TrialQuery(States: new HashSet<TrialState> { TrialState.Running }), cancellationToken)).Trials;
        output.WriteLine();
        if (running.Count == 0)
        {
            output.WriteLine("running    none");
            return;
        }
        output.WriteLine($"running trials ({running.Count})");
        var table = new TextTable([
            new("#", true), new("slot"), new("node"), new("pid", true), new("attempt", true), new("started (UTC)"), new("elapsed", true),
            new("step", true), new($"last {study.ObjectiveMetric}", true),
        ]);
        foreach (var t in running)
        {
            var attempt = (await store.GetAttemptsAsync(t.Id, cancellationToken)).LastOrDefault();
            var attrs = await store.GetTrialAttrsAsync(t.Id, AttrScope.System, cancellationToken);
            var slot = new Reports.Loading.TrialExtras(t.Number, attrs, attempt is null ? [] : [attempt]).Slot;
            var step = t.LastStep;
            table.AddRow(
                Display.Count(t.Number),
                slot ?? "",
                attempt?.Node ?? "",
                attempt?.Pid?.ToString(CultureInfo.InvariantCulture) ?? "",
                attempt is null ? "" : Display.Count(attempt.Number),
                Display.Time(t.Started),
                Display.Duration(Display.RunTime(t, now)),
                step?.ToString(CultureInfo.InvariantCulture) ?? "",
                step is { } s ? Display.Value(t.IntermediateValues[s]) : "");
        }
        table.Write(output, terminal);
    }
}
