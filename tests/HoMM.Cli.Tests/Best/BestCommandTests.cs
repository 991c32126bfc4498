using System.Diagnostics;
using System.Text.Json;
using HoMM.Cli.Tests.Common;
using HoMM.Cli.Tests.Validate;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Trainer;
using HoMM.Trainer.Config;
using HoMM.TrainerSettings;

namespace HoMM.Cli.Tests.Best;

/// <summary>
/// <c>best</c> on the seeded study: its best trial is 1 (val/acc 0.87, lr 0.0025, pooling mean); the
/// study file stored with it fixes dim 32, steps 200, batch 32, eval_every 50, device cpu.
/// </summary>
public sealed class BestCommandTests : SeededStoreTest
{
    /// <summary>What the dispatcher wrote to trial 1's trial.json: the stored file's trainer resolved with the trial's parameters.</summary>
    private static HommTrainerSettings DispatchedSettings()
    {
        var trainer = Assert.IsType<HommTrainerDefinition>(StudyFile.Parse(BrokenStudyCorpus.Valid).Definition!.Trainer);
        return trainer.Resolve(new Dictionary<string, object> { ["lr"] = 2.5e-3, ["pooling"] = "mean" });
    }

    [Fact]
    public async Task Best_Flags_HommTrainParsesThemToTheTrialsSettingsExactly()
    {
        var (exit, output, error) = await SeededStore.RunAsync("best", "fmnist", "--format", "flags", "--db", Db.DbPath);

        Assert.True(exit == 0, error);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // Split as a shell would (the line is meant to be pasted after `homm-train`), then parse as homm-train does.
        var args = ShellSplit(line);
        var parsed = TrainerArguments.Parse(args, _ => null)!.Settings;
        Assert.Equal(DispatchedSettings(), parsed);
        Assert.Equal(2.5e-3, parsed.Optim.Lr);
        Assert.Equal("mean", parsed.Model.Pooling);
        Assert.Equal(32, parsed.Model.Dim);
        Assert.Equal(200, parsed.Optim.Steps);
        Assert.Equal(50, parsed.EvalEvery);
        Assert.Equal("cpu", parsed.Device);
    }

    [Fact]
    public async Task Best_Yaml_ATrainerBlockThatResolvesToTheSameSettings()
    {
        var (exit, output, error) = await SeededStore.RunAsync("best", "fmnist", "--db", Db.DbPath);

        Assert.True(exit == 0, error);
        Assert.StartsWith("# study 'fmnist', trial 1: val/acc = 0.87\ntrainer:\n  model:\n    dim: 32\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("    lr: 0.0025\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        // The block pasted in place of the study file's trainer section: the same settings, now all fixed.
        var valid = BrokenStudyCorpus.Valid.ReplaceLineEndings("\n");
        var start = valid.IndexOf("trainer:\n", StringComparison.Ordinal);
        var end = valid.IndexOf("resources:", StringComparison.Ordinal);
        var file = valid[..start] + output.ReplaceLineEndings("\n")[(output.IndexOf('\n') + 1)..] + valid[end..];
        var parsed = StudyFile.Parse(file, "best.yaml");
        Assert.True(parsed.Definition is not null, string.Join("\n", parsed.Diagnostics));
        var trainer = Assert.IsType<HommTrainerDefinition>(parsed.Definition.Trainer);
        Assert.Equal(2.5e-3, trainer.Fixed["lr"]);
        Assert.Equal(DispatchedSettings(), trainer.Resolve(new Dictionary<string, object> { ["lr"] = 2.5e-3, ["pooling"] = "mean" }));
    }

    [Fact]
    public async Task Best_Json_AListOfBestTrialsWithParametersAndSettings()
    {
        var (exit, output, error) = await SeededStore.RunAsync("best", "fmnist", "--format", "json", "--db", Db.DbPath);

        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var best = Assert.Single(doc.RootElement.GetProperty("best").EnumerateArray());
        Assert.Equal(1, best.GetProperty("number").GetInt32());
        Assert.Equal(0.87, best.GetProperty("value").GetDouble());
        Assert.Equal("mean", best.GetProperty("params").GetProperty("pooling").GetString());
        Assert.Equal(DispatchedSettings(), HommTrainerSettingsJson.FromJson(best.GetProperty("settings")));
    }

    [Fact]
    public async Task Best_StudyWithoutStoredFile_FlagsRefusedJsonGivesParameters()
    {
        var (exit, _, error) = await SeededStore.RunAsync("best", "cifar", "--format", "flags", "--db", Db.DbPath);
        Assert.Equal(1, exit);
        Assert.Contains("has no stored study file", error, StringComparison.Ordinal);

        (exit, var output, error) = await SeededStore.RunAsync("best", "cifar", "--format", "json", "--db", Db.DbPath);
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var best = Assert.Single(doc.RootElement.GetProperty("best").EnumerateArray());
        Assert.Equal(0.001, best.GetProperty("params").GetProperty("lr").GetDouble());
        Assert.Equal(JsonValueKind.Null, best.GetProperty("settings").ValueKind);
    }

    /// <summary>The words bash makes of <paramref name="line"/> (quotes and all), NUL-separated.</summary>
    private static List<string> ShellSplit(string line)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("printf '%s\\0' " + line);
        using var bash = Process.Start(start)!;
        var text = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();
        Assert.Equal(0, bash.ExitCode);
        return [.. text.Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }
}
