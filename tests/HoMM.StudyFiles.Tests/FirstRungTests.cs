namespace HoMM.StudyFiles.Tests;

/// <summary>asha and hyperband's first rung against the built-in trainer's evaluations and warm-up: warnings at pruner.min_resource.</summary>
public class FirstRungTests
{
    private static IReadOnlyList<Diagnostics.StudyFileDiagnostic> RungWarnings(string pruner, string optim = "optim: {lr: 1.0e-3, steps: 200, batch: 32}")
    {
        var yaml = StudyYaml.With("pruner:", pruner);
        var lines = yaml.Split('\n').ToList();
        lines[lines.FindIndex(l => l.TrimStart().StartsWith("optim:", StringComparison.Ordinal))] = "  " + optim;
        var result = StudyYaml.Parse(string.Join('\n', lines));
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        return [.. result.Warnings.Where(w => w.Path == "pruner.min_resource")];
    }

    [Fact]
    public void Parse_FirstRungBetweenEvaluations_WarnsWhereItIsJudged()
    {
        var warning = Assert.Single(RungWarnings("pruner: {kind: asha, min_resource: 30, reduction_factor: 3}"));

        Assert.Equal(11, warning.Line);
        Assert.Contains("the first rung (step 30) falls between evaluations (trainer eval_every: 50), so trials are judged at step 50", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FirstRungBeforeTheWarmUpEnds_Warns()
    {
        var warning = Assert.Single(RungWarnings("pruner: {kind: hyperband, min_resource: 50, reduction_factor: 3}",
            "optim: {lr: 1.0e-3, steps: 200, batch: 32, warmup: 100}"));

        Assert.Contains("before the learning-rate warm-up ends (trainer optim.warmup: 100)", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FirstRungOnAnEvaluationAfterTheWarmUp_NoWarning() =>
        Assert.Empty(RungWarnings("pruner: {kind: asha, mode: promote, min_resource: 50, reduction_factor: 2}",
            "optim: {lr: 1.0e-3, steps: 200, batch: 32, warmup: 20}"));
}
