using HoMM.Trainer.Data;
using HoMM.Trainer.Training;

namespace HoMM.Trainer.Tests;

public sealed class BatchOrderTests
{
    [Fact]
    public void Batch_OneEpoch_CoversEveryExampleOnceWithSmallerLastBatch()
    {
        var order = new BatchOrder(count: 10, batch: 4, seed: 1);

        var batches = Enumerable.Range(0, order.StepsPerEpoch).Select(s => order.Batch(s).ToArray()).ToList();

        Assert.Equal(3, order.StepsPerEpoch);
        Assert.Equal([4, 4, 2], batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 10), batches.SelectMany(b => b).Order());
    }

    [Fact]
    public void Batch_DependsOnlyOnSeedAndStep()
    {
        var straight = new BatchOrder(100, 8, seed: 7);
        var all = Enumerable.Range(0, 40).Select(s => straight.Batch(s).ToArray()).ToList();
        var resumed = new BatchOrder(100, 8, seed: 7);

        Assert.Equal(all[27], resumed.Batch(27).ToArray());
        Assert.Equal(all[3], resumed.Batch(3).ToArray());
        Assert.NotEqual(all[0], all[13]);                       // epoch 1 is a new permutation
        Assert.NotEqual(all[0], new BatchOrder(100, 8, seed: 8).Batch(0).ToArray());
    }

    [Theory]
    [InlineData(0, 0.1)]      // warm-up: lr·1/10
    [InlineData(9, 1.0)]      // last warm-up step reaches the peak
    [InlineData(10, 1.0)]     // cosine starts at the peak
    [InlineData(60, 0.5)]     // half-way through the decay
    [InlineData(110, 0.0)]    // the end
    public void LearningRate_WarmupThenCosine(long step, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.At(step, peak: 1.0, warmup: 10, steps: 110), 1e-12);
}
