using System.CommandLine;
using HoMM.Cli.Common;
using HoMM.Storage;

namespace HoMM.Cli.Control;

/// <summary>
/// <c>homm-search cancel &lt;study&gt; &lt;trial&gt; [--reason TEXT] [--db]</c> (alias <c>stop</c>):
/// cancels one trial. A waiting trial ends at once; a running one gets a cancel request its
/// dispatcher honours within a few seconds (the trainer's process group is stopped). Either way it
/// ends Cancelled ("cancelled by &lt;user&gt;@&lt;host&gt; (cli): …"), is never run again and no
/// sampler sees it (<see cref="TrialStop"/>, the rule the dashboard's Cancel applies too).
/// </summary>
public static class StopCommand
{
    public static Command Create()
    {
        var command = new Command("cancel", "Cancel a trial: a waiting one at once, a running one within a few seconds (its trainer is stopped); it ends Cancelled and never runs again. " +
            "Exit codes: 0 cancelled or cancel requested, 1 unknown study or trial, or the trial had already finished, 4 database error");
        command.Aliases.Add("stop");
        var study = StoreCommand.StudyArgument();
        var trial = new Argument<int>("trial") { Description = "the trial's number (homm-search trials lists them)" };
        var reason = new Option<string?>("--reason") { Description = "why, shown with the trial (default: no reason given)" };
        var db = StoreOpener.CreateDbOption();
        command.Arguments.Add(study);
        command.Arguments.Add(trial);
        command.Options.Add(reason);
        command.Options.Add(db);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(db), parse.GetValue(study)!, parse.GetValue(trial), parse.GetValue(reason),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    /// <summary>Who cancels from this command line: the user and the machine.</summary>
    internal static string Who => $"{Environment.UserName}@{Environment.MachineName} (cli)";

    public static Task<int> RunAsync(string? db, string studyName, int number, string? reason, TextWriter output, TextWriter error,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        return StoreCommand.RunWithStudyAsync(db, studyName, error, async (opened, study) =>
        {
            if (await opened.Store.GetTrialByNumberAsync(study.Id, number, cancellationToken) is not { } trial)
            {
                await error.WriteLineAsync($"error: study '{study.Name}' has no trial {number}");
                return StoreCommand.ExitFailure;
            }
            switch (await opened.Store.CancelAsync(trial.Id, Who, reason, cancellationToken))
            {
                case TrialStopOutcome.Cancelled:
                    await output.WriteLineAsync($"trial {number} was waiting: it is cancelled and will not run ({TrialStop.Reason(Who, reason)})");
                    return StoreCommand.ExitSuccess;
                case TrialStopOutcome.Requested:
                    await output.WriteLineAsync($"cancel requested for trial {number}: its dispatcher stops its trainer within a few seconds");
                    return StoreCommand.ExitSuccess;
                default:
                    var now = await opened.Store.GetTrialAsync(trial.Id, cancellationToken);
                    await error.WriteLineAsync($"error: trial {number} is already {Display.State(now?.State ?? trial.State)}: there is nothing to cancel");
                    return StoreCommand.ExitFailure;
            }
        }, cancellationToken, StoreAccess.ExistingOnly);
    }
}
