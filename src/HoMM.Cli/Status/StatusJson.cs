using System.Text.Json;
using HoMM.Cli.Common;
using HoMM.Cli.Export;
using HoMM.Core.Trials;
using HoMM.Reports;
using HoMM.Reports.Html;
using HoMM.Reports.Loading;
using HoMM.Storage;

namespace HoMM.Cli.Status;

/// <summary>
/// <c>status --json</c>: what <c>status</c> shows, for scripts. States are named as in <c>trials</c>
/// (<see cref="TrialStateNames"/>), trials are written as the export writes them, times are ISO 8601 UTC.
/// </summary>
internal static class StatusJson
{
    public static async Task<int> AllStudiesAsync(OpenedStore opened, TextWriter output, CancellationToken cancellationToken)
    {
        var studies = await opened.Store.ListStudiesAsync(cancellationToken);
        var progress = new List<StudyProgress>(studies.Count);
        foreach (var s in studies)
            progress.Add(await StudyProgress.ReadAsync(opened.Store, s.Study.Id, s.TrialCounts.Where(c => c.Key.CountsTowardBudget()).Sum(c => c.Value), cancellationToken));
        ExportCommand.WriteJson(output, stream =>
        {
            using var json = TrialExport.Writer(stream);
            json.WriteStartObject();
            json.WriteString("database", opened.Location.Display);
            json.WriteStartArray("studies");
            for (var i = 0; i < studies.Count; i++)
            {
                var s = studies[i];
                json.WriteStartObject();
                json.WriteString("name", s.Study.Name);
                json.WriteString("direction", Display.Direction(s.Study.Direction));
                json.WriteString("objective", s.Study.ObjectiveMetric);
                json.WriteNumber("trials", s.TotalTrials);
                WriteCounts(json, s.TrialCounts);
                if (s.BestValue is { } best && double.IsFinite(best))
                    json.WriteNumber("best_value", best);
                else
                    json.WriteNull("best_value");
                WriteProgress(json, progress[i]);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
        return StoreCommand.ExitSuccess;
    }

    public static async Task<int> OneStudyAsync(OpenedStore opened, StudyRecord study, TextWriter output, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var store = opened.Store;
        var loaded = await StudyReader.LoadAsync(store, study.Name, cancellationToken)
            ?? throw new InvalidOperationException($"study '{study.Name}' disappeared while it was read");
        var all = loaded.Snapshot.Trials;
        var totals = new TrialTotals(loaded.Snapshot, now);
        var progress = await StudyProgress.ReadAsync(store, study.Id, all.Count(t => t.State.CountsTowardBudget()), cancellationToken);
        var best = loaded.Snapshot.BestTrial();
        ExportCommand.WriteJson(output, stream =>
        {
            using var json = TrialExport.Writer(stream);
            json.WriteStartObject();
            TrialExport.WriteStudy(json, study);
            json.WriteString("database", opened.Location.Display);
            json.WriteString("created", study.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteNumber("trials", all.Count);
            WriteCounts(json, Enum.GetValues<TrialState>().ToDictionary(s => s, s => all.Count(t => t.State == s)));
            WriteProgress(json, progress);
            json.WriteNumber("compute_s", totals.TotalCompute.TotalSeconds);
            if (best is null)
            {
                json.WriteNull("best");
            }
            else
            {
                json.WritePropertyName("best");
                TrialExport.WriteTrial(json, best, TrialExport.Extras(loaded, best));
            }
            json.WriteStartArray("running");
            foreach (var t in all.Where(t => t.State == TrialState.Running))
            {
                var extras = TrialExport.Extras(loaded, t);
                json.WriteStartObject();
                json.WriteNumber("number", t.Number);
                WriteString(json, "slot", extras.Slot);
                WriteString(json, "node", extras.Node);
                if (extras.LastAttempt is { Pid: { } pid })
                    json.WriteNumber("pid", pid);
                else
                    json.WriteNull("pid");
                json.WriteNumber("attempt", extras.Attempts.Count);
                if (Display.RunTime(t, now) is { } elapsed)
                    json.WriteNumber("elapsed_s", elapsed.TotalSeconds);
                else
                    json.WriteNull("elapsed_s");
                if (t.LastStep is { } step)
                {
                    json.WriteNumber("step", step);
                    var last = t.IntermediateValues[step];
                    if (double.IsFinite(last))
                        json.WriteNumber("last_value", last);
                    else
                        json.WriteString("last_value", TrialExport.Number(last));
                }
                else
                {
                    json.WriteNull("step");
                    json.WriteNull("last_value");
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
        return StoreCommand.ExitSuccess;
    }

    /// <summary>"states": every state's count by its name, zeros included.</summary>
    private static void WriteCounts(Utf8JsonWriter json, IReadOnlyDictionary<TrialState, int> counts)
    {
        json.WriteStartObject("states");
        foreach (var state in TrialStateNames.InLifeOrder)
            json.WriteNumber(state.Name(), counts.GetValueOrDefault(state));
        json.WriteEndObject();
    }

    private static void WriteProgress(Utf8JsonWriter json, StudyProgress progress)
    {
        json.WriteStartObject("progress");
        json.WriteNumber("finished", progress.Finished);
        if (progress.MaxTrials is { } max)
            json.WriteNumber("max_trials", max);
        else
            json.WriteNull("max_trials");
        json.WriteBoolean("paused", progress.Paused);
        json.WriteEndObject();
    }

    private static void WriteString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
            json.WriteNull(name);
        else
            json.WriteString(name, value);
    }
}
