using HoMM.StudyFiles.Constraints;
using HoMM.StudyFiles.Trainer;
using HoMM.TrainerSettings;

namespace HoMM.StudyFiles.Tests.Constraints;

/// <summary>The built-in trainer's <c>info/flops</c> and <c>info/params</c> objectives are known from the parameters: the counter's values.</summary>
public class KnownObjectivesTests
{
    private static readonly Func<HommTrainerSettings, ModelSize> Counter = s =>
    {
        var shape = HommShape.Of(s, classes: 10, channels: 1, imageSize: 28);
        return new ModelSize(HommComplexity.Parameters(shape), HommComplexity.Flops(shape));
    };

    private static StudyDefinition Parse(string objectives) => StudyYaml.ParseValid(
        StudyYaml.With("objective:", "objectives: " + objectives));

    [Fact]
    public void For_AccuracyFlopsAndParams_KnowsTheCounterValuesOfTheLastTwo()
    {
        var definition = Parse("[{metric: val/acc, direction: maximize}, {metric: info/flops, direction: minimize}, {metric: info/params, direction: minimize}]");
        var rules = StudyRules.For(definition, Counter);
        var p = new Dictionary<string, object> { ["lr"] = 1e-3, ["order"] = 3L, ["order_expand"] = 4L, ["pooling"] = "mean" };
        var size = Counter(Assert.IsType<HommTrainerDefinition>(definition.Trainer).Resolve(p));

        Assert.Equal(3, rules.KnownObjectives.Count);
        Assert.Null(rules.KnownObjectives[0]);
        Assert.Equal(size.Flops, rules.KnownObjectives[1]!(p));
        Assert.Equal(size.Parameters, rules.KnownObjectives[2]!(p));
        // A bigger model costs more: the value follows the parameters.
        var bigger = new Dictionary<string, object>(p) { ["order_expand"] = 5L };
        Assert.True(rules.KnownObjectives[1]!(bigger) > rules.KnownObjectives[1]!(p));
    }

    [Fact]
    public void For_NoCounterOrNoCostObjective_KnowsNothing()
    {
        var definition = Parse("[{metric: val/acc, direction: maximize}, {metric: info/flops, direction: minimize}]");
        Assert.Empty(StudyRules.For(definition, countModel: null).KnownObjectives);
        var timing = StudyRules.For(Parse("[{metric: val/acc, direction: maximize}, {metric: info/ms_per_step, direction: minimize}]"), Counter);
        Assert.All(timing.KnownObjectives, Assert.Null);
    }
}
