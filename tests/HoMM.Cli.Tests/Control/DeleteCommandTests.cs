using HoMM.Cli.Control;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Sqlite;

namespace HoMM.Cli.Tests.Control;

/// <summary>
/// <c>delete</c>: two studies in one database, each with trial folders as run leaves them
/// (<c>runs/&lt;study&gt;/trial-&lt;n&gt;/</c>, recorded in the trial's <c>trial_dir</c>).
/// </summary>
public sealed class DeleteCommandTests : IDisposable
{
    private static readonly FloatDistribution X = new(0, 1);
    private readonly string _dir = Directory.CreateTempSubdirectory("homm-delete-").FullName;

    private string Db => Path.Combine(_dir, "homm.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Delete_Study_RemovesItsRowsAndFoldersAndNothingOfAnother()
    {
        await SeedAsync("doomed", states: [TrialState.Complete, TrialState.Fail, TrialState.Waiting]);
        await SeedAsync("kept", states: [TrialState.Complete, TrialState.Pruned]);
        File.WriteAllText(Path.Combine(_dir, "runs", "doomed", "run.log"), "log");

        var (exit, output, error) = await RunAsync("doomed", null, yes: true);

        Assert.True(exit == 0, error);
        Assert.Contains("deleted study 'doomed' with its 3 trials", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "runs", "doomed")));
        Assert.True(Directory.Exists(Path.Combine(_dir, "runs", "kept", "trial-0")));
        Assert.True(Directory.Exists(Path.Combine(_dir, "runs", "kept", "trial-1")));
        using var store = await SqliteTrialStore.OpenAsync(Db);
        Assert.Null(await store.GetStudyAsync("doomed"));
        var kept = (await store.GetStudyAsync("kept"))!;
        var trials = (await store.GetTrialsAsync(kept.Id)).Trials;
        Assert.Equal([TrialState.Complete, TrialState.Pruned], trials.Select(t => t.State));
        Assert.Equal(2, (await store.GetTrialAttrOfStudyAsync(kept.Id, AttrScope.System, SystemAttrs.TrialDir)).Count);
    }

    [Fact]
    public async Task Delete_WithoutYes_SaysWhatWouldGoAndDeletesNothing()
    {
        await SeedAsync("doomed", states: [TrialState.Complete]);

        var (exit, _, error) = await RunAsync("doomed", null, yes: false);

        Assert.Equal(1, exit);
        Assert.Contains("this would delete study 'doomed' with its 1 trials and their folders; add --yes", error, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(_dir, "runs", "doomed", "trial-0")));
        using var store = await SqliteTrialStore.OpenAsync(Db);
        Assert.NotNull(await store.GetStudyAsync("doomed"));
    }

    [Fact]
    public async Task Delete_FinishedTrial_GoesWithItsFolderUnfinishedOneRefused()
    {
        await SeedAsync("s", states: [TrialState.Complete, TrialState.Running]);

        var (exit, output, error) = await RunAsync("s", 0, yes: true);
        Assert.True(exit == 0, error);
        Assert.Contains("deleted trial 0 of 's' and its folder", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "runs", "s", "trial-0")));

        (exit, _, error) = await RunAsync("s", 1, yes: true);
        Assert.Equal(1, exit);
        Assert.Contains("trial 1 is running: cancel it first (homm-search cancel s 1)", error, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(_dir, "runs", "s", "trial-1")));

        (exit, _, error) = await RunAsync("s", null, yes: true);
        Assert.Equal(1, exit);
        Assert.Contains("has 1 running trials", error, StringComparison.Ordinal);
        using var store = await SqliteTrialStore.OpenAsync(Db);
        var study = (await store.GetStudyAsync("s"))!;
        Assert.Equal([1], (await store.GetTrialsAsync(study.Id)).Trials.Select(t => t.Number));
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(string study, int? trial, bool yes)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await DeleteCommand.RunAsync(Db, study, trial, yes, force: false, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task SeedAsync(string name, TrialState[] states)
    {
        using var store = await SqliteTrialStore.OpenAsync(Db);
        var study = await store.CreateStudyAsync(new NewStudy(name, StudyDirection.Maximize, "val/acc", new SearchSpaceDefinition([new ParameterSpec("x", X)])));
        foreach (var state in states)
        {
            var t = await store.CreateTrialAsync(study.Id, new Dictionary<string, object> { ["x"] = 0.5 }, new Dictionary<string, Distribution> { ["x"] = X });
            if (state == TrialState.Waiting)
                continue;
            var dir = Path.Combine(_dir, "runs", name, $"trial-{t.Number}");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "trainer.log"), "x");
            Assert.True(await store.TryStartAsync(t.Id));
            await store.SetTrialAttrAsync(t.Id, AttrScope.System, SystemAttrs.TrialDir, dir);
            await store.ReportAsync(t.Id, 1, "val/acc", 0.5);
            if (state != TrialState.Running)
                Assert.True(await store.TrySetStateAsync(t.Id, state, TrialState.Running, state == TrialState.Fail ? null : 0.5, state == TrialState.Fail ? "x" : null));
        }
    }
}
