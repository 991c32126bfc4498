using System.CommandLine;
using HoMM.Cli.Common;
using HoMM.Storage;

namespace HoMM.Cli.Control;

/// <summary>
/// <c>homm-search delete &lt;study&gt; [&lt;trial&gt;] --yes [--force] [--db]</c>: deletes a finished
/// trial, or the whole study, with its trial folders (<see cref="StudyDeletion"/>, the rule the
/// dashboard applies too). Without <c>--yes</c> it only says what would go.
/// </summary>
public static class DeleteCommand
{
    public static Command Create()
    {
        var command = new Command("delete", "Delete a finished trial, or a whole study, from the database together with its trial folders (needs --yes). " +
            "Exit codes: 0 deleted, 1 unknown study or trial, a trial not finished, or --yes missing, 4 database error");
        var study = StoreCommand.StudyArgument();
        var trial = new Argument<int?>("trial") { Description = "a finished trial's number; the whole study when left out", Arity = ArgumentArity.ZeroOrOne };
        var yes = new Option<bool>("--yes") { Description = "really delete (there is no undo)" };
        var force = new Option<bool>("--force") { Description = "delete a study even though trials are still Running (a run that died and left them so)" };
        var db = StoreOpener.CreateDbOption();
        command.Arguments.Add(study);
        command.Arguments.Add(trial);
        command.Options.Add(yes);
        command.Options.Add(force);
        command.Options.Add(db);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(db), parse.GetValue(study)!, parse.GetValue(trial), parse.GetValue(yes), parse.GetValue(force),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    public static Task<int> RunAsync(string? db, string studyName, int? number, bool yes, bool force, TextWriter output, TextWriter error,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        return StoreCommand.RunWithStudyAsync(db, studyName, error, async (opened, study) =>
        {
            if (number is not { } n)
            {
                var counts = await opened.Store.CountTrialsAsync(study.Id, cancellationToken);
                var what = $"study '{study.Name}' with its {counts.Values.Sum()} trials and their folders";
                if (!yes)
                {
                    await error.WriteLineAsync($"error: this would delete {what}; add --yes to do it");
                    return StoreCommand.ExitFailure;
                }
                switch (await opened.Store.DeleteStudyAsync(study, force, cancellationToken))
                {
                    case DeletionOutcome.Deleted:
                        await output.WriteLineAsync($"deleted {what}");
                        return StoreCommand.ExitSuccess;
                    case DeletionOutcome.Unfinished:
                        await error.WriteLineAsync($"error: study '{study.Name}' has {counts[Core.Trials.TrialState.Running]} running trials: stop its run (Ctrl-C) or cancel them first; " +
                                                   "--force deletes it anyway (for trials a dead run left Running)");
                        return StoreCommand.ExitFailure;
                    default:
                        await error.WriteLineAsync($"error: study '{study.Name}' was deleted meanwhile");
                        return StoreCommand.ExitFailure;
                }
            }
            if (await opened.Store.GetTrialByNumberAsync(study.Id, n, cancellationToken) is not { } trial)
            {
                await error.WriteLineAsync($"error: study '{study.Name}' has no trial {n}");
                return StoreCommand.ExitFailure;
            }
            if (!yes)
            {
                await error.WriteLineAsync($"error: this would delete trial {n} of '{study.Name}' ({Display.State(trial.State)}) and its folder; add --yes to do it");
                return StoreCommand.ExitFailure;
            }
            switch (await opened.Store.DeleteTrialAsync(trial, cancellationToken))
            {
                case DeletionOutcome.Deleted:
                    await output.WriteLineAsync($"deleted trial {n} of '{study.Name}' and its folder");
                    return StoreCommand.ExitSuccess;
                case DeletionOutcome.Unfinished:
                    await error.WriteLineAsync($"error: trial {n} is {Display.State(trial.State)}: cancel it first (homm-search cancel {study.Name} {n}), then delete it");
                    return StoreCommand.ExitFailure;
                default:
                    await error.WriteLineAsync($"error: trial {n} was deleted meanwhile");
                    return StoreCommand.ExitFailure;
            }
        }, cancellationToken, StoreAccess.ExistingOnly);
    }
}
