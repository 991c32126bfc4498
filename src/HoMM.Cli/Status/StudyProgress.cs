using System.Text.Json;
using HoMM.Dispatch.Driver;
using HoMM.Storage;
using HoMM.StudyFiles;

namespace HoMM.Cli.Status;

/// <summary>How far a study is: finished trials against its budget, and whether it is paused.</summary>
internal sealed record StudyProgress(int Finished, int? MaxTrials, bool Paused)
{
    public static async Task<StudyProgress> ReadAsync(ITrialStore store, long studyId, int finished, CancellationToken cancellationToken)
    {
        var attrs = await store.GetStudyAttrsAsync(studyId, AttrScope.System, cancellationToken);
        var paused = attrs.TryGetValue(SystemAttrs.ControlPaused, out var p) && p.ValueKind == JsonValueKind.True;
        int? max = null;
        // The budget is the study file's (run stores its text in the study); a study created by hand (or by an older run) has none.
        if (await store.GetStudyFileAsync(studyId, cancellationToken) is { } stored
            && StudyFile.ParseStored(stored.Text, stored.Path, $"#{studyId}", stored.Overrides).Definition is { } definition)
            max = definition.Budget.MaxTrials;
        // Imported trials (a fork's history, homm-search import) ran elsewhere: they do not spend the budget.
        var imported = (await store.GetTrialAttrOfStudyAsync(studyId, AttrScope.System, SystemAttrs.Imported, cancellationToken)).Count;
        return new StudyProgress(finished - imported, max, paused);
    }

    public override string ToString()
    {
        var text = MaxTrials is { } max and > 0
            ? $"{Finished}/{max} ({Math.Min(100, 100 * Finished / max)}%)"
            : $"{Finished} finished";
        return Paused ? text + ", paused" : text;
    }
}
