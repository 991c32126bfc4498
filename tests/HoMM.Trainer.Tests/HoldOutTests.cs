using HoMM.Trainer.Data;

namespace HoMM.Trainer.Tests;

public sealed class HoldOutTests
{
    [Fact]
    public void Split_SameArguments_SameDisjointSetsThatCoverEveryExample()
    {
        var (train, validation) = HoldOut.Split(60_000, 10_000, seed: 0);
        var (train2, validation2) = HoldOut.Split(60_000, 10_000, seed: 0);

        Assert.Equal(50_000, train.Length);
        Assert.Equal(10_000, validation.Length);
        Assert.Equal(train, train2);
        Assert.Equal(validation, validation2);
        Assert.Equal(Enumerable.Range(0, 60_000), train.Concat(validation).Order());
        // Drawn across the whole set, not a block at either end.
        Assert.InRange(validation[0], 0, 100);
        Assert.InRange(validation[^1], 59_900, 59_999);
    }

    [Fact]
    public void Split_OtherSplitSeed_HoldsOutOtherExamples()
    {
        var (_, a) = HoldOut.Split(1000, 100, seed: 0);
        var (_, b) = HoldOut.Split(1000, 100, seed: 1);

        Assert.NotEqual(a, b);
        Assert.InRange(a.Intersect(b).Count(), 1, 40); // about 10 in common by chance
    }

    [Theory]
    [InlineData(0)]
    [InlineData(60_000)]
    public void WithHoldOut_SizeLeavingASetEmpty_DataErrorNamesTheSetting(int size)
    {
        var e = Assert.Throws<DataException>(() => TrainingData.WithHoldOut(TestData.Train, TestData.Test, size, 0));

        Assert.Equal($"data.val_size ({size}) must be at least 1 and below the 60,000 training images, so that both the training and the validation set keep images", e.Message);
    }

    [Fact]
    public void WithHoldOut_FashionMnist_ValidationImagesAreHeldOutTrainingImagesAndTestIsUntouched()
    {
        var data = TrainingData.WithHoldOut(TestData.Train, TestData.Test, 10_000, 0);
        var (trainIndices, validationIndices) = HoldOut.Split(60_000, 10_000, 0);

        Assert.Equal(50_000, data.Train.Count);
        Assert.Same(TestData.Test, data.Test);
        foreach (var i in new[] { 0, 1234, 9_999 })
        {
            Assert.True(data.Validation.Pixels(i).SequenceEqual(TestData.Train.Pixels(validationIndices[i])));
            Assert.Equal(TestData.Train.Label(validationIndices[i]), data.Validation.Label(i));
        }
        Assert.True(data.Train.Pixels(49_999).SequenceEqual(TestData.Train.Pixels(trainIndices[49_999])));
        // Fashion-MNIST is balanced (6,000 per class); a random 10,000 keeps every class near 1,000.
        var perClass = Enumerable.Range(0, 10_000).GroupBy(data.Validation.Label).Select(g => g.Count()).ToList();
        Assert.Equal(10, perClass.Count);
        Assert.All(perClass, n => Assert.InRange(n, 880, 1120));
        Assert.Matches(@"^60000 training images, 10000 held out for validation \(split seed 0, hold-out [0-9a-f]{16}\); 10000 test images$", data.Description);
    }
}
