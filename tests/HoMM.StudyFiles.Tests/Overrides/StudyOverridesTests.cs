using HoMM.StudyFiles.Diagnostics;
using HoMM.StudyFiles.Trainer;

namespace HoMM.StudyFiles.Tests.Overrides;

public class StudyOverridesTests
{
    private static StudyFileResult Parse(string yaml, params string[] overrides) => StudyFile.Parse(yaml, "test.yaml", overrides);

    private static StudyDefinition ParseValid(string yaml, params string[] overrides)
    {
        var result = Parse(yaml, overrides);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        return result.Definition!;
    }

    private static HommTrainerDefinition Homm(StudyDefinition d) => Assert.IsType<HommTrainerDefinition>(d.Trainer);

    [Fact]
    public void Parse_SettingOverrides_ReplaceTheFilesValuesAsYamlScalars()
    {
        var definition = ParseValid(StudyYaml.Valid, "trainer.optim.steps=500", "budget.max_trials=3", "trainer.data.path=/tmp/some data", "budget.timeout=90m");

        Assert.Equal(500L, Convert.ToInt64(Homm(definition).Fixed["steps"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("/tmp/some data", Homm(definition).Fixed["path"]);
        Assert.Equal(3, definition.Budget.MaxTrials);
        Assert.Equal(TimeSpan.FromMinutes(90), definition.Budget.Timeout);
        Assert.Equal(["trainer.optim.steps=500", "budget.max_trials=3", "trainer.data.path=/tmp/some data", "budget.timeout=90m"], definition.Overrides);
    }

    [Fact]
    public void Parse_SameKeyTwice_TheLaterWins()
    {
        var definition = ParseValid(StudyYaml.Valid, "budget.max_trials=3", "budget.max_trials=7");

        Assert.Equal(7, definition.Budget.MaxTrials);
    }

    [Fact]
    public void Parse_MissingSectionsAndKeys_AreAdded()
    {
        var yaml = StudyYaml.Without("resources:");

        var definition = ParseValid(yaml, "resources.cpu_slots=3", "trainer.threads=2");

        Assert.Equal(3, definition.Resources.CpuSlots);
        Assert.Equal(2L, Convert.ToInt64(Homm(definition).Fixed["threads"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Parse_FlowListValue_ReplacesTheWholeValue()
    {
        var definition = ParseValid(StudyYaml.Valid, "search_space.pooling=[mean]");

        var pooling = definition.SearchSpace.Find("pooling")!;
        Assert.Equal(new object[] { "mean" }, ((HoMM.Core.SearchSpace.CategoricalDistribution)pooling.Distribution).Choices);
        // In place: the declaration order of the search space is the file's.
        Assert.Equal(["lr", "order", "order_expand", "pooling"], definition.SearchSpace.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Parse_QuotedNumber_IsTextAndRefusedWhereANumberIsExpected()
    {
        var error = Assert.Single(Parse(StudyYaml.Valid, "trainer.optim.steps='50'").Errors);

        Assert.Equal("--set trainer.optim.steps='50'", error.File);
        Assert.Equal("trainer.optim.steps", error.Path);
        Assert.Contains("'50'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MisspeltKey_NamesTheOverrideAndSuggestsTheSetting()
    {
        var error = Assert.Single(Parse(StudyYaml.Valid, "trainer.optim.stepz=50").Errors);

        Assert.Equal("--set trainer.optim.stepz=50: error: trainer.optim.stepz: unknown key 'stepz'; did you mean 'steps'? Valid keys here: lr, wd, warmup, steps, batch, clip",
            error.ToString());
        Assert.Equal(0, error.Line);
    }

    [Fact]
    public void Parse_ValueOutOfRange_NamesTheOverride()
    {
        var error = Assert.Single(Parse(StudyYaml.Valid, "trainer.model.order=99").Errors);

        Assert.StartsWith("--set trainer.model.order=99: error: trainer.model.order: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OverrideBreaksARuleAcrossSettings_TheFilesCheckReportsIt()
    {
        // warmup lives in the file, steps comes from --set: the cross-setting rule still holds.
        var yaml = StudyYaml.With("optim:", "  optim: {lr: 1.0e-3, warmup: 100, steps: 200, batch: 32}");

        var error = Assert.Single(Parse(yaml, "trainer.optim.steps=50").Errors);

        Assert.Contains("warmup (100) must be shorter than steps (50)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("trainer.optim.steps", "has no '='")]
    [InlineData("trainer..steps=5", "has an empty key")]
    [InlineData("=5", "has an empty key")]
    [InlineData("trainer.optim.steps.x=5", "trainer.optim.steps is the integer 200, not a mapping, so it has no key 'x'")]
    [InlineData("trainer.optim.lr=[1,", "trainer.optim.lr")]
    public void Parse_MalformedOverride_IsOneErrorNamingIt(string text, string expected)
    {
        var error = Assert.Single(Parse(StudyYaml.Valid, text).Errors);

        Assert.Equal("--set " + text, error.File);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyValue_IsNull()
    {
        var error = Assert.Single(Parse(StudyYaml.Valid, "budget.max_trials=").Errors);

        Assert.Contains("found empty (null)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AliasedMapping_OnlyTheOverriddenPlaceChanges()
    {
        var yaml = StudyYaml.With("order:", "  order: &range {type: int, low: 1, high: 4}").Replace("order_expand: {type: int, low: 1, high: 8}", "order_expand: *range", StringComparison.Ordinal);

        var definition = ParseValid(yaml, "search_space.order.high=3");

        Assert.Equal(3, ((HoMM.Core.SearchSpace.IntDistribution)definition.SearchSpace.Find("order")!.Distribution).High);
        Assert.Equal(4, ((HoMM.Core.SearchSpace.IntDistribution)definition.SearchSpace.Find("order_expand")!.Distribution).High);
    }

    [Fact]
    public void Parse_ErrorsInFileAndOverrides_FileErrorsComeFirstThenTheOverridesInOrder()
    {
        var yaml = StudyYaml.With("budget:", "budget: {max_trials: 0}");

        var errors = Parse(yaml, "b", "a").Errors;

        Assert.Equal(["test.yaml", "--set b", "--set a"], errors.Select(e => e.File));
    }

    [Fact]
    public void Parse_NoOverrides_DefinitionHasNone()
    {
        Assert.Empty(ParseValid(StudyYaml.Valid).Overrides);
    }
}
