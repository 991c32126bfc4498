using HoMM.Dispatch.Protocol;

namespace HoMM.Dispatch.Tests.Protocol;

public class StepOrderTests
{
    private static MetricsReported Line(long step, params string[] metrics) =>
        new(step, metrics.ToDictionary(m => m, _ => 0.5, StringComparer.Ordinal));

    [Fact]
    public void Check_GrowingSteps_InOrderWithoutNote()
    {
        var order = new StepOrder();

        Assert.True(order.Check(Line(1, "val/acc", "train/loss")).IsInOrder);
        var check = order.Check(Line(5, "val/acc"));

        Assert.True(check.IsInOrder);
        Assert.Null(check.Note(1));
    }

    [Fact]
    public void Check_EachMetricHasItsOwnSteps()
    {
        var order = new StepOrder();
        order.Check(Line(10, "train/loss"));

        // val/acc's first report may come at a step below train/loss's latest.
        Assert.True(order.Check(Line(5, "val/acc")).IsInOrder);
    }

    [Fact]
    public void Check_LowerAndSameStep_NamesTheStepAndThePreviousOne()
    {
        var order = new StepOrder();
        order.Check(Line(200, "val/acc"));
        order.Check(Line(150, "train/loss"));

        var check = order.Check(Line(150, "val/acc", "train/loss"));

        Assert.False(check.IsInOrder);
        Assert.False(check.InOrderFor("val/acc"));
        Assert.Equal(
            "attempt 3: the trainer reported step 150 of train/loss a second time; val/acc after step 200 " +
            "(a step must grow within an attempt; its values are stored, the last one at a step kept, and the pruner ignored this line)",
            check.Note(3));
    }

    [Fact]
    public void Check_OneMetricLate_OthersStillInOrderAndAdvance()
    {
        var order = new StepOrder();
        order.Check(Line(100, "val/acc", "train/loss"));
        order.Check(Line(300, "train/loss"));

        var check = order.Check(Line(200, "val/acc", "train/loss"));

        Assert.True(check.InOrderFor("val/acc"));
        Assert.False(check.InOrderFor("train/loss"));
        // val/acc moved on to 200: 200 again is late now.
        Assert.False(order.Check(Line(200, "val/acc")).InOrderFor("val/acc"));
    }
}
