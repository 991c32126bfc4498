using HoMM.Core.Pruners;
using HoMM.StudyFiles.Trainer;

namespace HoMM.StudyFiles.Tests;

/// <summary><c>pruner: {mode: promote}</c>: offered only to trainers that can resume, with rungs below a known full run.</summary>
public class PromoteModeTests
{
    private const string CommandStudy = """
        name: custom
        objective: {metric: val/acc, direction: maximize}
        search_space:
          lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
        pruner: {kind: asha, mode: promote, min_resource: 10, reduction_factor: 3, max_resource: 270}
        budget: {max_trials: 10}
        trainer:
          command: [python3, train.py, --lr, "{lr}"]
        """;

    [Fact]
    public void Parse_BuiltInTrainer_PromotesBelowItsSteps()
    {
        var study = StudyYaml.ParseValid(StudyYaml.With("pruner:", "pruner: {kind: asha, mode: promote, min_resource: 10, reduction_factor: 3}"));

        Assert.True(study.Pruner.Promotes);
        Assert.True(study.Trainer.CanResume);
        var schedule = Assert.IsType<AshaPromotion>(study.Pruner.PromotionSchedule(study.Trainer.FullRunSteps));
        Assert.Equal([10L, 30L, 90L], schedule.Rungs); // steps: 200
    }

    [Fact]
    public void Parse_CustomTrainerWithoutResumable_LocatedErrorAtMode()
    {
        var error = StudyYaml.SingleError(CommandStudy);

        Assert.Equal("pruner.mode", error.Path);
        Assert.Equal(5, error.Line);
        Assert.Contains("resumable: true", error.Message, StringComparison.Ordinal);
        Assert.Contains("docs/custom-trainer.md", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CustomTrainerThatSaysItResumes_IsOfferedPromotion()
    {
        var study = StudyYaml.ParseValid(CommandStudy + "\n  resumable: true\n");

        Assert.True(Assert.IsType<CommandTrainerDefinition>(study.Trainer).Resumable);
        Assert.Equal(270, study.Pruner.PromotionSchedule(study.Trainer.FullRunSteps)!.MaxResource);
    }

    [Fact]
    public void Parse_CustomTrainerWithoutMaxResource_SaysToGiveIt()
    {
        var error = StudyYaml.SingleError(CommandStudy.Replace(", max_resource: 270", "", StringComparison.Ordinal) + "\n  resumable: true\n");

        Assert.Equal("pruner.mode", error.Path);
        Assert.Contains("give max_resource", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SearchedStepsWithoutMaxResource_SaysToGiveIt()
    {
        var yaml = StudyYaml.With("pruner:", "pruner: {kind: hyperband, mode: promote, min_resource: 10}")
            .Replace("  order: {type: int, low: 1, high: 4}", "  order: {type: int, low: 1, high: 4}\n  steps: {type: int, low: 100, high: 400}", StringComparison.Ordinal);

        var error = StudyYaml.SingleError(yaml);

        Assert.Equal("pruner.mode", error.Path);
        Assert.Contains("steps is searched", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MaxResourceInStopMode_LocatedError()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("pruner:", "pruner: {kind: asha, max_resource: 100}"));

        Assert.Equal("pruner.max_resource", error.Path);
        Assert.Contains("mode: promote only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WrappedPromotingPruner_IsRefused()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("pruner:", "pruner: {kind: patient, patience: 2, pruner: {kind: asha, mode: promote}}"));

        Assert.Equal("pruner.pruner.mode", error.Path);
    }
}
