using HoMM.Storage;
using HoMM.Storage.Sqlite;

namespace HoMM.Cli.Tests.Run;

/// <summary>Several trials per GPU (resources.trials_per_gpu) through a real run, with nvidia-smi faked on PATH.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SharedGpuRunTests
{
    private static string Executable(string path, string body)
    {
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>A folder with an nvidia-smi that lists an idle H100 (80 GB) and an A10 (24 GB, 4 GB in use); put it first on PATH.</summary>
    private static string FakeGpus(RunFolder folder)
    {
        var bin = Directory.CreateDirectory(Path.Combine(folder.Dir, "bin")).FullName;
        Executable(Path.Combine(bin, "nvidia-smi"), """
            echo "0, NVIDIA H100 80GB HBM3, 81559, 1"
            echo "1, NVIDIA A10, 23028, 4113"
            """);
        return bin;
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Run_TwoTrialsPerGpuOnTwoFakeGpus_EachTrialSeesTheGpuOfItsSlot()
    {
        using var folder = new RunFolder();
        var bin = FakeGpus(folder);
        // Reports the CUDA_VISIBLE_DEVICES it was given, stays a moment so the four run side by side.
        var trainer = Executable(Path.Combine(folder.Dir, "gpu-trainer.sh"), """
            echo "{\"info\":{\"cuda\":\"$CUDA_VISIBLE_DEVICES\"}}"
            sleep 2
            echo "{\"step\":1,\"metrics\":{\"val/acc\":0.5}}"
            echo "{\"final\":{\"val/acc\":0.5},\"step\":1}"
            """);
        var study = Path.Combine(folder.Dir, "shared.yaml");
        File.WriteAllText(study, $$"""
            name: shared
            objective: {metric: val/acc, direction: maximize}
            search_space:
              x: {type: float, low: 0.0, high: 1.0}
            sampler: {kind: random, seed: 1}
            budget: {max_trials: 4, max_parallel: 4}
            trainer:
              command: [{{trainer}}, "{x}"]
            resources: {gpus: auto, trials_per_gpu: 2}
            """);
        folder.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");

        using (var run = folder.StartRun(study))
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await run.WaitForExitAsync(guard.Token);
            Assert.True(run.ExitCode == 0, string.Join('\n', folder.Output));
        }

        Assert.Contains(folder.Output, l => l.Contains("4 slots (gpu0.0: ", StringComparison.Ordinal));
        using var store = await SqliteTrialStore.OpenAsync(folder.Db);
        var record = (await store.GetStudyAsync("shared"))!;
        var slots = new List<string>();
        foreach (var t in (await store.GetTrialsAsync(record.Id)).Trials)
        {
            var attrs = await store.GetTrialAttrsAsync(t.Id, AttrScope.System);
            var slot = attrs[SystemAttrs.Slot].GetString()!;
            slots.Add(slot);
            // gpu<N>.<j>: the trainer was given GPU N.
            Assert.Equal(slot[3..slot.IndexOf('.', StringComparison.Ordinal)], attrs[SystemAttrs.InfoPrefix + "cuda"].GetString());
        }
        Assert.Equal(["gpu0.0", "gpu0.1", "gpu1.0", "gpu1.1"], slots.Order());
    }

    [Fact]
    public async Task Validate_TrialsPerGpuAutoWithTwoFakeGpus_PrintsEachGpusTrialsAndTheEstimate()
    {
        using var folder = new RunFolder();
        var bin = FakeGpus(folder);
        var cli = Path.Combine(AppContext.BaseDirectory, "homm-search.dll");
        var study = Path.Combine(folder.Dir, "auto.yaml");
        File.WriteAllText(study, """
            name: auto
            objective: {metric: val/acc, direction: maximize}
            search_space:
              dim: {type: int, low: 64, high: 512, step: 64}
              order: {type: int, low: 1, high: 3}
            constraints:
              - dim * order <= 768
            sampler: {kind: random, seed: 1}
            budget: {max_trials: 4}
            trainer:
              model: {layers: 4, patch: 4, order_expand: 4}
              optim: {lr: 0.001, steps: 100, batch: 512}
              data: {dataset: fashion-mnist}
            resources: {gpus: auto, trials_per_gpu: auto}
            """);
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [cli, "validate", study])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");

        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(guard.Token);

        Assert.True(process.ExitCode == 0, output + await error);
        var line = output.Split('\n').Single(l => l.TrimStart().StartsWith("slots here", StringComparison.Ordinal));
        // dim 384 × order 2 (or 256 × 3) at batch 512 is the largest trial the constraint allows.
        Assert.Matches(@"slots here +gpu0 \(80 GiB\): \d+ trials, gpu1 \(22 GiB\): \d+ trials?, estimate \d+\.\d GiB/trial \(the largest trial the search space and its rules allow: dim (384, order 2|256, order 3);", line);
    }
}
