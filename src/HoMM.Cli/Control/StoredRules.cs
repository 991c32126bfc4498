using HoMM.Cli.Common;
using HoMM.Cli.Run;
using HoMM.Core.Studies;
using HoMM.Storage;
using HoMM.StudyFiles.Constraints;

namespace HoMM.Cli.Control;

/// <summary>The trial rules of a stored study for the commands that add trials to it (enqueue, import).</summary>
internal static class StoredRules
{
    /// <summary>
    /// The rules of the study file stored with <paramref name="study"/> (<see cref="StudyRules.ForStored"/>);
    /// when only its search space can be checked, a "note:" line on <paramref name="error"/> says why.
    /// </summary>
    public static async Task<TrialRules> ReadAsync(OpenedStore opened, StudyRecord study, TextWriter error, CancellationToken cancellationToken)
    {
        var stored = await opened.Store.GetStudyFileAsync(study.Id, cancellationToken);
        var rules = StudyRules.ForStored(study.SearchSpace, study.Name, stored?.Text, stored?.Path, stored?.Overrides, TrainerLocator.CountModel, out var note);
        if (note is not null)
            await error.WriteLineAsync($"note: {note}");
        return rules;
    }
}
