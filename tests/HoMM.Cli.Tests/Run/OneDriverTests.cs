using System.Diagnostics;
using HoMM.Core.Trials;
using HoMM.Storage.Sqlite;

namespace HoMM.Cli.Tests.Run;

/// <summary>One driver per study and database file, whatever path reaches the file.</summary>
public class OneDriverTests
{
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("symlink")]
    [InlineData("hardlink")]
    [InlineData("relative")]
    public async Task Run_SecondRunThroughAnotherPathToTheSameFile_IsRefusedAndTheFirstFinishesAlone(string how)
    {
        using var folder = new RunFolder();
        var study = Study(folder);
        (await SqliteTrialStore.OpenAsync(folder.Db)).Dispose(); // the database exists before the links are made
        var alias = how switch
        {
            "symlink" => Link(folder, "-s"),
            "hardlink" => Link(folder, null),
            _ => Path.GetRelativePath(folder.Dir, folder.Db) is var r && r != folder.Db ? r : throw new InvalidOperationException(),
        };

        using var first = folder.StartRun(study);
        for (var i = 0; i < 600 && folder.Events().Count == 0; i++)
            await Task.Delay(50);
        Assert.True(folder.Events().Count > 0, string.Join('\n', folder.Output));
        using var second = folder.StartRunOn(alias, study);
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await second.WaitForExitAsync(guard.Token);
        await first.WaitForExitAsync(guard.Token);

        Assert.True(second.ExitCode == 5, string.Join('\n', folder.Output));
        // A hard link is refused as soon as the database is opened: SQLite itself cannot share a file between two names.
        Assert.Contains(folder.Output, l => l.Contains(how == "hardlink" ? "through another name" : "already being run", StringComparison.Ordinal));
        Assert.True(first.ExitCode == 0, string.Join('\n', folder.Output));
        using var store = await SqliteTrialStore.OpenAsync(folder.Db);
        var trials = (await store.GetTrialsAsync((await store.GetStudyAsync("chaos"))!.Id)).Trials;
        Assert.Equal(2, trials.Count);
        foreach (var t in trials)
        {
            Assert.Equal(TrialState.Complete, t.State);
            Assert.Single(await store.GetAttemptsAsync(t.Id));
        }
    }

    // Runs about 10 s unless stopped: long enough for a second run to start while the first drives.
    private static string Study(RunFolder folder) => folder.WriteBashStudy("chaos", """
        echo "start $HOMM_TRIAL_NUMBER $$" >> "$EVENTS"
        for s in $(seq 1 50); do
          if read -t 0.2 line; then exit 0; fi
        done
        echo "{\"final\":{\"val/acc\":$1}}"
        """, maxTrials: 2, slots: 2);

    private static string Link(RunFolder folder, string? flag)
    {
        var alias = Path.Combine(folder.Dir, "alias.db");
        var args = flag is null ? new[] { folder.Db, alias } : [flag, folder.Db, alias];
        using var ln = Process.Start("ln", args)!;
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
        return alias;
    }
}
