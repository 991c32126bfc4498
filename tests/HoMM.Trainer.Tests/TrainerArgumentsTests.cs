using System.Text.Json;
using HoMM.TrainerSettings;
using HoMM.Trainer.Config;

namespace HoMM.Trainer.Tests;

public sealed class TrainerArgumentsTests
{
    private static string? NoEnvironment(string name) => null;

    [Fact]
    public void Parse_TrialJson_ReadsSettingsResumeAndTrialDir()
    {
        var dir = TestData.TempDirectory();
        var settings = TestData.Small(steps: 300, evalEvery: 50);
        var config = Path.Combine(dir, "trial.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            study = "s",
            trial_id = 1,
            trial_number = 0,
            attempt = 2,
            resume = true,
            trial_dir = "/tmp/somewhere",
            @params = new { lr = 0.001 },
            settings = HommTrainerSettingsJson.ToJson(settings),
        }));

        var parsed = TrainerArguments.Parse(["--config", config], NoEnvironment)!;

        Assert.Equal(settings, parsed.Settings);
        Assert.True(parsed.Resume);
        Assert.Equal("/tmp/somewhere", parsed.TrialDirectory);
    }

    [Fact]
    public void Parse_Flags_OverrideDefaultsInKebabOrSnakeCase()
    {
        var parsed = TrainerArguments.Parse(["--dim", "48", "--order-expand", "3", "--order_expand=5", "--lr", "3e-4", "--threads", "2", "--data", "/d"], NoEnvironment)!;

        Assert.Equal(48, parsed.Settings.Model.Dim);
        Assert.Equal(5, parsed.Settings.Model.OrderExpand);
        Assert.Equal(3e-4, parsed.Settings.Optim.Lr);
        Assert.Equal(2, parsed.Settings.Threads);
        Assert.Equal("/d", parsed.DataPath);
        Assert.False(parsed.Resume);
    }

    [Fact]
    public void Parse_HommResumeEnvironment_Resumes() =>
        Assert.True(TrainerArguments.Parse([], name => name == "HOMM_RESUME" ? "1" : null)!.Resume);

    [Fact]
    public void Parse_UnknownFlag_SuggestsTheSetting()
    {
        var ex = Assert.Throws<ConfigException>(() => TrainerArguments.Parse(["--oder", "2"], NoEnvironment));

        Assert.Contains("unknown option '--oder' (did you mean --order?)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidValues_ListsEveryProblem()
    {
        var ex = Assert.Throws<ConfigException>(() => TrainerArguments.Parse(["--steps", "0", "--pooling", "max", "--patch", "40", "--dataset", "imagefolder"], NoEnvironment));

        Assert.Contains("optim.steps: must be an integer ≥ 1 and ≤ 1000000000 (got 0)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("model.pooling: must be one of cls, mean (got 'max')", ex.Message, StringComparison.Ordinal);
        Assert.Contains("model.patch: patch (40) is larger than the images (28 px)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ConfigWithoutSettings_SaysWhatIsMissing()
    {
        var config = Path.Combine(TestData.TempDirectory(), "trial.json");
        File.WriteAllText(config, """{"params":{"lr":0.1}}""");

        var ex = Assert.Throws<ConfigException>(() => TrainerArguments.Parse(["--config", config], NoEnvironment));

        Assert.Contains("no \"settings\" object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NonIntegerForIntegerSetting_Fails()
    {
        var ex = Assert.Throws<ConfigException>(() => TrainerArguments.Parse(["--dim", "6.5"], NoEnvironment));

        Assert.Contains("--dim takes a whole number, not '6.5'", ex.Message, StringComparison.Ordinal);
    }
}
