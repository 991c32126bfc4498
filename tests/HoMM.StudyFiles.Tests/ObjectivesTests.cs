using HoMM.Core.Trials;

namespace HoMM.StudyFiles.Tests;

/// <summary><c>objectives:</c> — several objectives, each located when wrong.</summary>
public class ObjectivesTests
{
    private static string Objectives(string list, string pruner = "pruner: {kind: median}", string sampler = "sampler: {kind: nsga2, seed: 1}") =>
        StudyYaml.With("objective:", "objectives: " + list)
            .Replace("pruner: {kind: median}", pruner, StringComparison.Ordinal)
            .Replace("sampler: {kind: tpe, seed: 1}", sampler, StringComparison.Ordinal);

    [Fact]
    public void Parse_AccuracyAndFlops_GivesBothInOrderWithTheFirstAsObjective()
    {
        var definition = StudyYaml.ParseValid(Objectives("[{metric: val/acc, direction: maximize}, {metric: info/flops, direction: minimize}]"));

        Assert.True(definition.IsMultiObjective);
        Assert.Equal([new ObjectiveDefinition("val/acc", StudyDirection.Maximize), new ObjectiveDefinition("info/flops", StudyDirection.Minimize)], definition.Objectives);
        Assert.Equal(definition.Objectives[0], definition.Objective);
    }

    [Fact]
    public void Parse_SingleObjective_HasOneObjective()
    {
        var definition = StudyYaml.ParseValid(StudyYaml.Valid);
        Assert.False(definition.IsMultiObjective);
        Assert.Equal([definition.Objective], definition.Objectives);
    }

    [Fact]
    public void Parse_UnknownInfoValue_IsLocatedWithTheClosest()
    {
        var error = StudyYaml.SingleError(Objectives("[{metric: val/acc, direction: maximize}, {metric: info/flop, direction: minimize}]"));
        Assert.Equal("objectives[1].metric", error.Path);
        Assert.Equal(2, error.Line);
        Assert.Contains("did you mean 'info/flops'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MetricTwice_IsRefused()
    {
        var error = StudyYaml.SingleError(Objectives("[{metric: val/acc, direction: maximize}, {metric: val/acc, direction: minimize}]"));
        Assert.Equal("objectives[1].metric", error.Path);
        Assert.Contains("already an objective", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BuiltInTrainerMetricItDoesNotReport_IsLocated()
    {
        var error = StudyYaml.SingleError(Objectives("[{metric: val/accuracy, direction: maximize}, {metric: info/params, direction: minimize}]"));
        Assert.Equal("objectives[0].metric", error.Path);
        Assert.Contains("does not report 'val/accuracy'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SingleObjectiveSampler_IsRefusedAtTheSamplerKind()
    {
        var error = StudyYaml.SingleError(Objectives("[{metric: val/acc, direction: maximize}, {metric: info/flops, direction: minimize}]", sampler: "sampler: {kind: cmaes, seed: 1}"));
        Assert.Equal("sampler.kind", error.Path);
        Assert.Contains("models one objective and this study has 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InfoFirst_IsRefused()
    {
        var error = StudyYaml.SingleError(Objectives("[{metric: info/flops, direction: minimize}, {metric: val/acc, direction: maximize}]"));
        Assert.Equal("objectives[0].metric", error.Path);
        Assert.Contains("put a trainer metric such as val/acc first", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ObjectiveAndObjectives_IsRefused()
    {
        var yaml = StudyYaml.Valid.Replace("objective: {metric: val/acc, direction: maximize}",
            "objective: {metric: val/acc, direction: maximize}\nobjectives: [{metric: val/acc, direction: maximize}]", StringComparison.Ordinal);
        var error = StudyYaml.SingleError(yaml);
        Assert.Equal("objective", error.Path);
        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SingleInfoObjective_IsRefused()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("objective:", "objective: {metric: info/flops, direction: minimize}"));
        Assert.Equal("objective.metric", error.Path);
        Assert.Contains("info value", error.Message, StringComparison.Ordinal);
    }
}
