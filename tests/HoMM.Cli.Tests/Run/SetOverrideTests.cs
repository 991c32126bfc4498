using System.CommandLine;
using HoMM.Cli.Common;
using HoMM.Cli.Run;
using HoMM.Cli.Tests.Common;
using HoMM.Cli.Validate;
using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;
using HoMM.Storage;
using HoMM.Storage.Sqlite;
using HoMM.StudyFiles;

namespace HoMM.Cli.Tests.Run;

/// <summary><c>--set key.path=value</c> on validate and run (docs/running.md).</summary>
public class SetOverrideTests
{
    private static string Quickstart(RunFolder folder)
    {
        var path = Path.Combine(folder.Dir, "quickstart.yaml");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(Repository.Root, "studies", "quickstart.yaml")));
        return path;
    }

    private static (int Exit, string Output, string Error) Invoke(Command command, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = command.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Validate_SetBeforeAndAfterTheStudyFile_BothApplyAndTheFileIsStillTheArgument()
    {
        using var folder = new RunFolder();
        var study = Quickstart(folder);

        var (exit, output, error) = Invoke(ValidateCommand.Create(),
            "--set", "budget.max_trials=3", study, "--set", "trainer.optim.steps=100", "--set", "trainer.optim.warmup=10");

        Assert.True(exit == 0, error);
        Assert.StartsWith($"ok: {study} with --set budget.max_trials=3 --set trainer.optim.steps=100 --set trainer.optim.warmup=10", output, StringComparison.Ordinal);
        Assert.Contains("budget      3 trials", output, StringComparison.Ordinal);
        Assert.Contains("warmup 10, steps 100", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MisspeltSetting_Exits2NamingTheSetArgument()
    {
        using var folder = new RunFolder();
        var study = Quickstart(folder);

        var (exit, _, error) = Invoke(ValidateCommand.Create(), study, "--set", "trainer.optim.stepz=50");

        Assert.Equal(ValidateCommand.ExitInvalid, exit);
        Assert.Contains("--set trainer.optim.stepz=50: error: trainer.optim.stepz: unknown key 'stepz'; did you mean 'steps'?", error, StringComparison.Ordinal);
        Assert.Contains($"{study} with --set trainer.optim.stepz=50 is not valid: 1 error", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SetChangesAFixedSetting_Exits5AsIfTheFileHadChanged()
    {
        using var folder = new RunFolder();
        var study = Quickstart(folder);
        using (var opened = await StoreOpener.OpenAsync(folder.Db, StoreAccess.CreateIfMissing))
            await StudyOpener.OpenOrCreateAsync(opened.Store, StudyFile.LoadOrThrow(study)); // as the first run does
        var error = new StringWriter();

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(study, folder.Db, null, null) { Overrides = ["trainer.model.dim=64"] },
            new StringWriter(), error, TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitConflict, exit);
        Assert.Contains("trainer.model.dim 32 → 64", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--fork <new-name>", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SetDataPathThatIsMissing_Exits3NamingItAndWritesNothing()
    {
        using var folder = new RunFolder();
        var study = Quickstart(folder);
        var error = new StringWriter();
        var missing = Path.Combine(folder.Dir, "no-data-here");

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(study, folder.Db, null, null) { Overrides = [$"trainer.data.path={missing}"] },
            new StringWriter(), error, TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitCannotRun, exit);
        Assert.Contains($"trainer.data.path {missing} (fashion-mnist) does not exist", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Db));
    }

    [Fact]
    public async Task OpenOrCreateAsync_SetDataPath_IsNotIdentityAndTheOverridesAreStoredWithTheStudy()
    {
        using var folder = new RunFolder();
        var study = Quickstart(folder);
        using var opened = await StoreOpener.OpenAsync(folder.Db, StoreAccess.CreateIfMissing);
        string[] first = ["budget.max_trials=3", "trainer.optim.steps=100", "trainer.optim.warmup=10"];
        var (record, created) = await StudyOpener.OpenOrCreateAsync(opened.Store, StudyFile.Load(study, first).GetDefinitionOrThrow());
        Assert.True(created);

        // Another machine: the data elsewhere, the same identity.
        var moved = StudyFile.Load(study, [.. first, $"trainer.data.path={folder.Dir}"]).GetDefinitionOrThrow();
        var (again, createdAgain) = await StudyOpener.OpenOrCreateAsync(opened.Store, moved);

        Assert.False(createdAgain);
        Assert.Equal(record.Id, again.Id);
        // What a cluster worker and status read back: the file with the creating run's overrides.
        var stored = (await opened.Store.GetStudyFileAsync(record.Id))!;
        Assert.Equal(first, stored.Overrides);
        var definition = StudyFile.ParseStored(stored.Text, stored.Path, record.Name, stored.Overrides).GetDefinitionOrThrow();
        Assert.Equal(3, definition.Budget.MaxTrials);
        Assert.Equal(first, definition.Overrides);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Run_QuickstartShrunkBySet_TrialsCompleteWithTheOverriddenSteps()
    {
        using var folder = new RunFolder();
        var study = Quickstart(folder);

        using (var run = folder.StartRun(study, "--set", "trainer.optim.steps=20", "--set", "trainer.optim.warmup=2", "--set", "trainer.eval_every=10",
                   "--set", "budget.max_trials=2", "--set", "resources.cpu_slots=1", "--set", "budget.max_parallel=1"))
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await run.WaitForExitAsync(guard.Token);
            Assert.True(run.ExitCode == 0, string.Join('\n', folder.Output));
        }

        using var store = await SqliteTrialStore.OpenAsync(folder.Db);
        var record = (await store.GetStudyAsync("quickstart"))!;
        var trials = (await store.GetTrialsAsync(record.Id)).Trials;
        Assert.Equal(2, trials.Count);
        Assert.All(trials, t =>
        {
            Assert.Equal(TrialState.Complete, t.State);
            Assert.Equal([10L, 20L], t.IntermediateValues.Keys.Order());
        });
    }
}
