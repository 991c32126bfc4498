using HoMM.ImageData.Index;
using HoMM.ImageData.Loading;
using HoMM.ImageData.Transforms;

namespace HoMM.ImageData.Tests;

public class LoaderTests
{
    private static readonly ImageTransformOptions Small = new() { ImageSize = 16, RandAugmentProbability = 0.5, RandomResizedCrop = true };

    private static ImageIndexFixture Fixture(int classes = 3, int perClass = 7) => new(classes, perClass);

    private static List<(long Index, long Epoch, float[] Images, long[] Labels, float[] Targets, int[] Samples)> Take(ImageLoader loader, int batches)
    {
        var result = new List<(long, long, float[], long[], float[], int[])>();
        for (var i = 0; i < batches; i++)
        {
            var b = loader.Next() ?? throw new InvalidOperationException("ended early");
            result.Add((b.Index, b.Epoch, b.Images.ToArray(), b.Labels.ToArray(), b.SoftTargets.ToArray(), b.Samples.ToArray()));
        }

        return result;
    }

    private static void AssertSame(
        List<(long Index, long Epoch, float[] Images, long[] Labels, float[] Targets, int[] Samples)> a,
        List<(long Index, long Epoch, float[] Images, long[] Labels, float[] Targets, int[] Samples)> b)
    {
        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Index, b[i].Index);
            Assert.Equal(a[i].Samples, b[i].Samples);
            Assert.Equal(a[i].Labels, b[i].Labels);
            Assert.True(a[i].Images.AsSpan().SequenceEqual(b[i].Images), $"batch {a[i].Index}: image bytes differ");
            Assert.Equal(a[i].Targets, b[i].Targets);
        }
    }

    [Fact]
    public void Training_AnyWorkerCount_SameBatchesAcrossEpochs()
    {
        using var data = Fixture();
        var options = new ImageLoaderOptions { BatchSize = 4, Seed = 11, Workers = 1, QueueDepth = 2, Mix = new MixOptions() };

        List<(long, long, float[], long[], float[], int[])> one, three;
        using (var loader = ImageLoader.ForTraining(data.Index.Train, Small, options))
            one = Take(loader, 12); // 21 images → 5 batches per epoch: crosses two epoch boundaries
        using (var loader = ImageLoader.ForTraining(data.Index.Train, Small, options with { Workers = 3, QueueDepth = 5 }))
            three = Take(loader, 12);

        AssertSame(one, three);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2], one.Select(b => b.Item2));
        // Each epoch is a permutation: no image twice within one.
        Assert.Equal(20, one.Take(5).SelectMany(b => b.Item6).Distinct().Count());
        Assert.NotEqual(one[0].Item6, one[5].Item6);
    }

    [Fact]
    public void Training_StartedAtStepK_SameBatchesAsAStraightRun()
    {
        using var data = Fixture();
        var options = new ImageLoaderOptions { BatchSize = 4, Seed = 3, Workers = 2, Mix = new MixOptions() };

        List<(long, long, float[], long[], float[], int[])> straight, resumed;
        using (var loader = ImageLoader.ForTraining(data.Index.Train, Small, options))
            straight = Take(loader, 9);
        using (var loader = ImageLoader.ForTraining(data.Index.Train, Small, options, startStep: 4))
            resumed = Take(loader, 5);

        AssertSame(straight.Skip(4).ToList(), resumed);
    }

    [Fact]
    public void Training_AnotherSeed_AnotherOrder()
    {
        using var data = Fixture();
        using var a = ImageLoader.ForTraining(data.Index.Train, Small, new ImageLoaderOptions { BatchSize = 5, Seed = 1, Workers = 1 });
        using var b = ImageLoader.ForTraining(data.Index.Train, Small, new ImageLoaderOptions { BatchSize = 5, Seed = 2, Workers = 1 });
        Assert.NotEqual(a.Next()!.Samples.ToArray(), b.Next()!.Samples.ToArray());
    }

    [Fact]
    public void Mix_SoftTargets_RowsSumToOneAndMixTwoLabels()
    {
        using var data = Fixture(4, 8);
        var options = new ImageLoaderOptions { BatchSize = 16, Seed = 5, Workers = 2, Mix = new MixOptions() };
        using var loader = ImageLoader.ForTraining(data.Index.Train, Small, options);
        var mixedRows = 0;
        for (var step = 0; step < 6; step++)
        {
            var batch = loader.Next()!;
            Assert.Equal(batch.Count * 4, batch.SoftTargets.Length);
            for (var i = 0; i < batch.Count; i++)
            {
                var row = batch.SoftTargets.Slice(i * 4, 4);
                var sum = 0f;
                foreach (var v in row)
                {
                    Assert.InRange(v, 0f, 1f);
                    sum += v;
                }

                Assert.Equal(1f, sum, 5);
                Assert.True(row[(int)batch.Labels[i]] > 0 || row.IndexOfAnyExcept(0f) >= 0);
                if (row.ToArray().Count(v => v > 0) == 2)
                    mixedRows++;
            }
        }

        Assert.True(mixedRows > 10, $"only {mixedRows} rows mix two classes");
    }

    [Fact]
    public void Evaluation_OnePassInOrder_LastBatchSmaller_ThenNull()
    {
        using var data = Fixture(3, 2);
        var test = data.Index.Test; // 3 classes × 2
        using var loader = ImageLoader.ForEvaluation(test, Small, new ImageLoaderOptions { BatchSize = 4, Workers = 2 });

        var first = loader.Next()!;
        Assert.Equal([0, 1, 2, 3], first.Samples.ToArray());
        Assert.Equal([0L, 0, 1, 1], first.Labels.ToArray());
        Assert.Empty(first.SoftTargets.ToArray());
        var second = loader.Next()!;
        Assert.Equal(2, second.Count);
        Assert.Equal([4, 5], second.Samples.ToArray());
        Assert.Null(loader.Next());
        Assert.Equal(2, loader.BatchesPerEpoch);
    }

    [Fact]
    public void Training_CorruptJpeg_SkippedDeterministicallyAndCounted()
    {
        using var data = Fixture(2, 10);
        var bad = data.Index.Train.Path(3);
        var whole = TestImages.Jpeg(96, 96, 1);
        File.WriteAllBytes(bad, whole.AsSpan(0, whole.Length * 7 / 10).ToArray()); // truncated in the scan data
        var options = new ImageLoaderOptions { BatchSize = 5, Seed = 8, Workers = 3, MaxCorruptFraction = 0.1 };

        List<(long, long, float[], long[], float[], int[])> a, b;
        ImageLoaderStatistics stats;
        using (var loader = ImageLoader.ForTraining(data.Index.Train, Small, options))
        {
            a = Take(loader, 8);
            stats = loader.Statistics;
        }

        using (var loader = ImageLoader.ForTraining(data.Index.Train, Small, options with { Workers = 1 }))
            b = Take(loader, 8);

        AssertSame(a, b);
        Assert.All(a, batch => Assert.Equal(5, batch.Item6.Length));
        Assert.DoesNotContain(3, a.SelectMany(batch => batch.Item6));
        Assert.True(stats.CorruptImages == 1, string.Join(" | ", stats.CorruptExamples));
        Assert.Contains(bad, stats.CorruptExamples.Single(), StringComparison.Ordinal);
        Assert.True(stats.CorruptExamples.Single().Contains("premature end", StringComparison.OrdinalIgnoreCase), stats.CorruptExamples.Single());
    }

    [Fact]
    public void Evaluation_CorruptImage_DroppedAndCounted()
    {
        using var data = Fixture(2, 3);
        File.WriteAllBytes(data.Index.Test.Path(1), "garbage"u8.ToArray());
        using var loader = ImageLoader.ForEvaluation(data.Index.Test, Small, new ImageLoaderOptions { BatchSize = 3, Workers = 2, MaxCorruptFraction = 0.5 });

        var first = loader.Next()!;
        Assert.Equal([0, 2], first.Samples.ToArray());
        Assert.Equal(2, first.Count);
        Assert.Equal([3], loader.Next()!.Samples.ToArray()); // 4 test images: 3 + 1
        Assert.Null(loader.Next());
        Assert.Equal(1, loader.Statistics.CorruptImages);
    }

    [Fact]
    public void Training_TooManyCorrupt_FailsNamingTheThreshold()
    {
        using var data = Fixture(2, 10);
        foreach (var i in new[] { 0, 5, 11 })
            File.WriteAllBytes(data.Index.Train.Path(i), [0xFF, 0xD8, 0xFF, 0x00]);
        using var loader = ImageLoader.ForTraining(data.Index.Train, Small, new ImageLoaderOptions { BatchSize = 4, Workers = 2, MaxCorruptFraction = 0.1 });

        var e = Assert.Throws<ImageDataException>(() =>
        {
            for (var i = 0; i < 20; i++)
                loader.Next();
        });
        Assert.Contains("3 images of", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2 of 20)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Queue_BoundsWorkAheadOfTheConsumer()
    {
        using var data = Fixture(3, 10);
        using var loader = ImageLoader.ForTraining(data.Index.Train, Small, new ImageLoaderOptions { BatchSize = 3, Workers = 3, QueueDepth = 2 });
        loader.Next();
        Thread.Sleep(300); // time for the workers to run ahead as far as they may

        // The held batch plus one more: never more than QueueDepth batches decoded ahead.
        Assert.InRange(loader.Statistics.Images, 3, 6);
        Assert.True(loader.Statistics.Waited > TimeSpan.Zero);
    }
}

/// <summary>A small image folder and its index.</summary>
internal sealed class ImageIndexFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public ImageIndexFixture(int classes, int perClass)
    {
        TestImages.Folder(_folder, classes, perClass);
        Index = ImageFolderIndex.Open(_folder.Path);
    }

    public ImageFolderIndex Index { get; }

    public void Dispose() => _folder.Dispose();
}
