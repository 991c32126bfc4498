namespace HoMM.StudyFiles.Tests.Enqueue;

/// <summary>The study file's enqueue list goes through Core's TrialRules; errors are located.</summary>
public class EnqueueTests
{
    private static string WithEnqueue(string items) => StudyYaml.Valid + "\nenqueue:\n" + items;

    [Fact]
    public void Enqueue_PartialTrial_KeepsOnlyTheGivenValuesAsTheirDistributionProducesThem()
    {
        var study = StudyYaml.ParseValid(WithEnqueue("  - {order: 2, lr: 0.001}\n"));

        var trial = Assert.Single(study.EnqueuedTrials);
        Assert.Equal(2, trial.Count);
        Assert.Equal(2L, trial["order"]);
        Assert.Equal(0.001, trial["lr"]);
    }

    [Fact]
    public void Enqueue_TrialBreakingAConstraint_IsAnErrorNamingTheConstraint()
    {
        var error = StudyYaml.SingleError(WithEnqueue("  - {order: 4, order_expand: 8}\n"));

        Assert.Equal("enqueue[0]", error.Path);
        Assert.Equal("this trial breaks the constraint 'order * order_expand <= 16' (order = 4, order_expand = 8)", error.Message);
    }

    [Fact]
    public void Enqueue_ValueOutsideItsDistribution_IsMarkedAtTheValue()
    {
        var error = StudyYaml.SingleError(WithEnqueue("  - {order: 9}\n"));

        Assert.Equal("enqueue[0].order", error.Path);
        Assert.Equal("9 is not in int[1, 4]", error.Message);
        Assert.Equal(13, error.Column); // the 9
    }

    [Fact]
    public void Enqueue_StringForAFloat_IsAnError()
    {
        var error = StudyYaml.SingleError(WithEnqueue("  - {lr: fast}\n"));

        Assert.Equal("enqueue[0].lr", error.Path);
        Assert.StartsWith("expected a number in float", error.Message, StringComparison.Ordinal);
    }
}
