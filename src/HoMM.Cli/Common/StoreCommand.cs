using System.CommandLine;
using HoMM.Storage;

namespace HoMM.Cli.Common;

/// <summary>
/// The frame of a command that reads a study: open the database (never creating it), find the
/// study, run the body; every way it can go wrong ends in one message on the error stream and an
/// exit code, never a stack trace.
/// </summary>
internal static class StoreCommand
{
    public const int ExitSuccess = 0;

    /// <summary>Unknown study, bad option value, or the output could not be written.</summary>
    public const int ExitFailure = 1;

    /// <summary>The <c>study</c> argument of every command that works on one study.</summary>
    public static Argument<string> StudyArgument() => new("study") { Description = "the study's name (homm-search status lists them)" };

    /// <summary>
    /// Opens <paramref name="db"/> (a missing file is an error; read-only unless <paramref name="access"/>
    /// is <see cref="StoreAccess.ExistingOnly"/>, for stop and enqueue, which write) and runs <paramref name="body"/> on it.
    /// </summary>
    public static async Task<int> RunAsync(
        string? db, TextWriter error, Func<OpenedStore, Task<int>> body, CancellationToken cancellationToken, StoreAccess access = StoreAccess.ReadOnly)
    {
        OpenedStore opened;
        try
        {
            opened = await StoreOpener.OpenAsync(db, access, cancellationToken: cancellationToken);
        }
        catch (StoreOpenException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return StoreOpener.ExitStoreError;
        }
        using (opened)
        {
            try
            {
                return await body(opened);
            }
            catch (Exception e) when (opened.Kind == StoreKind.Sqlite && StoreDamagedException.IsDamage(e))
            {
                // A damaged page the open's checks did not reach (readers do not run quick_check).
                await error.WriteLineAsync($"error: {StoreOpener.Damaged(opened.Location.Value, e)}");
                return StoreOpener.ExitStoreError;
            }
        }
    }

    /// <summary>As <see cref="RunAsync"/>, for the study named <paramref name="studyName"/>; an unknown name lists the known ones.</summary>
    public static Task<int> RunWithStudyAsync(
        string? db, string studyName, TextWriter error, Func<OpenedStore, StudyRecord, Task<int>> body, CancellationToken cancellationToken,
        StoreAccess access = StoreAccess.ReadOnly) =>
        RunAsync(db, error, async opened =>
        {
            if (await opened.Store.GetStudyAsync(studyName, cancellationToken) is { } study)
                return await body(opened, study);
            await error.WriteLineAsync($"error: {await UnknownStudyMessageAsync(opened, studyName, cancellationToken)}");
            return ExitFailure;
        }, cancellationToken, access);

    /// <summary>"no study 'x' in &lt;db&gt;; its studies: a, b" (or that it has none).</summary>
    public static async Task<string> UnknownStudyMessageAsync(OpenedStore opened, string studyName, CancellationToken cancellationToken)
    {
        var names = (await opened.Store.ListStudiesAsync(cancellationToken)).Select(s => s.Study.Name).ToList();
        var known = names.Count == 0
            ? "it has no studies yet (homm-search run <study.yaml> creates one)"
            : $"its studies: {string.Join(", ", names)}";
        return $"no study '{studyName}' in {opened.Location.Display}; {known}";
    }
}
