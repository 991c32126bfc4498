using HoMM.ImageData.Index;
using HoMM.Trainer.Data;

namespace HoMM.Trainer.Tests;

/// <summary>homm-train's Fashion-MNIST hold-out: the image folders' rule (<see cref="StratifiedHoldOut"/>) on the IDX labels.</summary>
public sealed class HoldOutTests
{
    private static int[] Labels(ImageDataset set) => [.. Enumerable.Range(0, set.Count).Select(set.Label)];

    [Theory]
    [InlineData(0)]
    [InlineData(60_000)]
    public void WithHoldOut_SizeLeavingASetEmpty_DataErrorNamesTheSetting(int size)
    {
        var e = Assert.Throws<DataException>(() => TrainingData.WithHoldOut(TestData.Train, TestData.Test, size, 0));

        Assert.Equal($"data.val_size ({size}) must be at least 1 and below the 60,000 training images, so that both the training and the validation set keep images", e.Message);
    }

    [Fact]
    public void WithHoldOut_FashionMnist_1000HeldOutTrainingImagesPerClassAndTheTestSetUntouched()
    {
        var data = TrainingData.WithHoldOut(TestData.Train, TestData.Test, 10_000, 0);
        var (trainIndices, validationIndices) = StratifiedHoldOut.Split(Labels(TestData.Train), 10, 10_000, 0);

        Assert.Equal(50_000, data.Train.Count);
        Assert.Equal(10_000, data.Validation.Count);
        Assert.Same(TestData.Test, data.Test);
        Assert.Equal(Enumerable.Range(0, 60_000), trainIndices.Concat(validationIndices).Order());
        foreach (var i in new[] { 0, 1234, 9_999 })
        {
            Assert.True(data.Validation.Pixels(i).SequenceEqual(TestData.Train.Pixels(validationIndices[i])));
            Assert.Equal(TestData.Train.Label(validationIndices[i]), data.Validation.Label(i));
        }
        Assert.True(data.Train.Pixels(49_999).SequenceEqual(TestData.Train.Pixels(trainIndices[49_999])));
        // Stratified: Fashion-MNIST has 6,000 training images per class, so each class gives 1,000.
        Assert.All(Labels(data.Validation).GroupBy(l => l), g => Assert.Equal(1000, g.Count()));
        Assert.Matches(@"^60000 training images, 10000 held out for validation \(split seed 0, hold-out [0-9a-f]{16}\); 10000 test images$", data.Description);
    }

    [Fact]
    public void WithHoldOut_SameSeed_SameSplit_OtherSeed_OtherSplit()
    {
        var a = TrainingData.WithHoldOut(TestData.Train, TestData.Test, 10_000, 0);
        var b = TrainingData.WithHoldOut(TestData.Train, TestData.Test, 10_000, 0);
        var c = TrainingData.WithHoldOut(TestData.Train, TestData.Test, 10_000, 1);

        Assert.Equal(a.Description, b.Description);
        Assert.NotEqual(a.Description, c.Description);
        Assert.True(a.Validation.Pixels(17).SequenceEqual(b.Validation.Pixels(17)));
    }
}
