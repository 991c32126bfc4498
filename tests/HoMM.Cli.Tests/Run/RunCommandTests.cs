using System.Diagnostics;
using HoMM.Cli.Common;
using HoMM.Cli.Run;
using HoMM.Cli.Tests.Common;
using HoMM.Dispatch.Driver;
using HoMM.StudyFiles;
using HoMM.TrainerSettings;

namespace HoMM.Cli.Tests.Run;

public class RunCommandTests
{
    [Fact]
    public async Task RunAsync_ImagenetStudyWithoutTheData_SaysWhatIsMissingAndWritesNothing()
    {
        using var folder = new RunFolder();
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await RunCommand.RunAsync(
            new RunCommand.RunRequest(Path.Combine(Repository.Root, "studies", "imagenet-homm-s.yaml"), folder.Db, null, null),
            output, error, TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitCannotRun, exit);
        Assert.Contains("trainer.data.path /data/imagenet", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("one sub-folder per class", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Db));
    }

    [Fact]
    public async Task RunAsync_FixedTrainerSettingChanged_Exits5ListingTheChangesAndSuggestingFork()
    {
        using var folder = new RunFolder();
        var quickstart = File.ReadAllText(Path.Combine(Repository.Root, "studies", "quickstart.yaml"));
        var study = Path.Combine(folder.Dir, "quickstart.yaml");
        File.WriteAllText(study, quickstart);
        using (var opened = await StoreOpener.OpenAsync(folder.Db, StoreAccess.CreateIfMissing))
            await StudyOpener.OpenOrCreateAsync(opened.Store, StudyFile.LoadOrThrow(study)); // as the first run does
        File.WriteAllText(study, quickstart.Replace("dim: 32", "dim: 128", StringComparison.Ordinal).Replace("steps: 800", "steps: 5000", StringComparison.Ordinal));
        var error = new StringWriter();

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(study, folder.Db, null, null), new StringWriter(), error, TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitConflict, exit);
        Assert.Contains("trainer.model.dim 32 → 128; trainer.optim.steps 800 → 5000", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--fork <new-name>", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InvalidStudyFile_PrintsTheLocatedErrorsAndExits2()
    {
        using var folder = new RunFolder();
        var study = Path.Combine(folder.Dir, "bad.yaml");
        File.WriteAllText(study, "name: bad\nobjective: {metric: val/acc, direction: upward}\n");
        var error = new StringWriter();

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(study, folder.Db, null, null), new StringWriter(), error, TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitInvalid, exit);
        Assert.Contains("bad.yaml:2:", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Db));
    }

    [Fact]
    public async Task RunAsync_NoLocalWorkerWithSqlite_Exits3AndWritesNothing()
    {
        using var folder = new RunFolder();
        var study = folder.WriteStudy(maxTrials: 2, slots: 1);
        var error = new StringWriter();

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(study, folder.Db, null, null, NoLocalWorker: true), new StringWriter(), error, TimeProvider.System, CancellationToken.None);

        Assert.Equal(RunCommand.ExitCannotRun, exit);
        Assert.Contains("--no-local-worker needs a PostgreSQL --db", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Db));
    }

    [Fact]
    public async Task Run_HommTrainMissing_Exits3WithoutCreatingTheDatabase()
    {
        using var folder = new RunFolder();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder.Dir };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "homm-search.dll"), "run", Path.Combine(Repository.Root, "studies", "quickstart.yaml"), "--db", folder.Db })
            info.ArgumentList.Add(a);
        info.Environment[TrainerLocator.EnvironmentVariable] = Path.Combine(folder.Dir, "no-such-homm-train");

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await stdout;
        await process.WaitForExitAsync();

        Assert.Equal(RunCommand.ExitCannotRun, process.ExitCode);
        Assert.Contains("the built-in trainer homm-train was not found", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Db));
    }

    [Fact]
    public void CannotRunHere_GpusAutoWithoutAGpu_SaysSo()
    {
        using var folder = new RunFolder();
        var path = folder.WriteStudy(maxTrials: 2, slots: 1);
        File.WriteAllText(path, File.ReadAllText(path).Replace("resources: {cpu_slots: 1}", "resources: {gpus: auto}", StringComparison.Ordinal));
        var definition = StudyFile.LoadOrThrow(path);

        var lack = RunCommand.CannotRunHere(definition, new RunCommand.RunRequest(path, folder.Db, null, null), StoreKind.Sqlite, hommTrain: null, detectGpus: () => []);

        Assert.NotNull(lack);
        Assert.Contains("nvidia-smi lists no GPU", lack, StringComparison.Ordinal);
        Assert.Null(RunCommand.CannotRunHere(definition, new RunCommand.RunRequest(path, folder.Db, null, null), StoreKind.Sqlite, hommTrain: null, detectGpus: () => [new HoMM.Dispatch.Slots.GpuInfo(0, "NVIDIA H100 80GB HBM3", 81559, 1)]));
    }
}
