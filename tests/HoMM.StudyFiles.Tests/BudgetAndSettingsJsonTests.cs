using HoMM.StudyFiles.Trainer;
using HoMM.TrainerSettings;

namespace HoMM.StudyFiles.Tests;

public class BudgetAndSettingsJsonTests
{
    [Fact]
    public void Budget_TrialTimeoutAndRetries_AreRead()
    {
        var study = StudyYaml.ParseValid(StudyYaml.Valid.Replace(
            "budget: {max_trials: 10, max_parallel: 2, timeout: 1h}",
            "budget: {max_trials: 10, max_parallel: 2, timeout: 1h, trial_timeout: 90s, retries: 3}", StringComparison.Ordinal));

        Assert.Equal(TimeSpan.FromSeconds(90), study.Budget.TrialTimeout);
        Assert.Equal(3, study.Budget.Retries);
    }

    [Fact]
    public void Budget_Defaults_NoTrialTimeoutOneRetry()
    {
        var study = StudyYaml.ParseValid(StudyYaml.Valid);

        Assert.Null(study.Budget.TrialTimeout);
        Assert.Equal(1, study.Budget.Retries);
    }

    [Theory]
    [InlineData("", 5)]
    [InlineData(", max_consecutive_failures: 3", 3)]
    [InlineData(", max_consecutive_failures: 0", null)]
    [InlineData(", max_consecutive_failures: null", null)]
    public void Budget_MaxConsecutiveFailures_DefaultsToFiveAndZeroOrNullDisables(string yaml, int? expected)
    {
        var study = StudyYaml.ParseValid(StudyYaml.Valid.Replace("timeout: 1h}", $"timeout: 1h{yaml}}}", StringComparison.Ordinal));

        Assert.Equal(expected, study.Budget.MaxConsecutiveFailures);
    }

    [Fact]
    public void Budget_NegativeMaxConsecutiveFailures_IsLocatedError()
    {
        var error = StudyYaml.SingleError(StudyYaml.Valid.Replace(
            "timeout: 1h}", "timeout: 1h, max_consecutive_failures: -2}", StringComparison.Ordinal));

        Assert.Equal("budget.max_consecutive_failures", error.Path);
    }

    [Fact]
    public void Budget_NegativeRetries_IsLocatedError()
    {
        var error = StudyYaml.SingleError(StudyYaml.Valid.Replace(
            "timeout: 1h}", "timeout: 1h, retries: -1}", StringComparison.Ordinal));

        Assert.Equal("budget.retries", error.Path);
    }

    [Fact]
    public void SettingsJson_RoundTrip_KeepsEveryValueWithSnakeCaseKeys()
    {
        var trainer = (HommTrainerDefinition)StudyYaml.ParseValid(StudyYaml.Valid).Trainer;
        var settings = trainer.Resolve(new Dictionary<string, object> { ["lr"] = 2e-3, ["order"] = 3L, ["order_expand"] = 4L, ["pooling"] = "mean" });

        var json = HommTrainerSettingsJson.ToJson(settings);

        Assert.Equal(4, json.GetProperty("model").GetProperty("order_expand").GetInt32());
        Assert.Equal(2e-3, json.GetProperty("optim").GetProperty("lr").GetDouble());
        Assert.Equal(50, json.GetProperty("eval_every").GetInt32());
        Assert.Equal(settings, HommTrainerSettingsJson.FromJson(json));
    }

    [Fact]
    public void SettingsJson_MissingKey_Throws()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{"model":{"dim":4}}""");

        Assert.Throws<System.Text.Json.JsonException>(() => HommTrainerSettingsJson.FromJson(doc.RootElement));
    }
}
