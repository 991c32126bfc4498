using HoMM.Core.SearchSpace;

namespace HoMM.Core.Tests.SearchSpace;

public class DistributionTests
{
    [Fact]
    public void FloatDistribution_LogWithNonPositiveLow_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatDistribution(0, 1, log: true));

    [Fact]
    public void FloatDistribution_LowAboveHigh_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatDistribution(2, 1));

    [Fact]
    public void FloatDistribution_Step_SnapsHighOntoGrid()
    {
        var d = new FloatDistribution(0, 1, step: 0.3);

        Assert.Equal(0.9, d.High, 9);
        Assert.True(d.Contains(0.6));
        Assert.False(d.Contains(0.5));
    }

    [Fact]
    public void IntDistribution_Contains_RespectsStepAndBounds()
    {
        var d = new IntDistribution(2, 11, step: 3);

        Assert.Equal(11, d.High);
        Assert.True(d.Contains(5));
        Assert.False(d.Contains(6));
        Assert.False(d.Contains(14));
        Assert.False(d.Contains(5.5));
    }

    [Fact]
    public void IntDistribution_LogWithStep_Throws() =>
        Assert.Throws<ArgumentException>(() => new IntDistribution(1, 8, log: true, step: 2));

    [Fact]
    public void CategoricalDistribution_RoundTripsChoicesThroughIndex()
    {
        var d = new CategoricalDistribution(["cls", "mean", 3L, true]);

        Assert.Equal(1, d.ToInternal("mean"));
        Assert.Equal(2, d.ToInternal(3.0));
        Assert.Equal(true, d.ToExternal(3));
        Assert.Throws<ArgumentException>(() => d.ToInternal("max"));
    }

    [Fact]
    public void CategoricalDistribution_DuplicateChoices_Throws() =>
        Assert.Throws<ArgumentException>(() => new CategoricalDistribution([1L, 1.0]));
}
