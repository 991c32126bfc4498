using HoMM.ImageData.Index;

namespace HoMM.ImageData.Tests;

public class HoldOutTests
{
    private static ImageList Train(TempFolder folder, int classes, int perClass)
    {
        for (var c = 0; c < classes; c++)
        {
            for (var i = 0; i < perClass + c; i++)
                folder.File($"train/k{c}/{i:D3}.jpg", []);
            folder.File($"val/k{c}/0.jpg", []);
        }

        return ImageFolderIndex.Open(folder.Path).Train;
    }

    private static string[] Paths(ImageList list) => Enumerable.Range(0, list.Count).Select(list.RelativePath).ToArray();

    [Fact]
    public void HoldOut_SameSeed_SameSplitEvenFromTheCache()
    {
        using var folder = new TempFolder();
        var scanned = Train(folder, 4, 20);
        var cached = ImageFolderIndex.Open(folder.Path);
        Assert.True(cached.FromCache);

        var a = scanned.HoldOut(13, seed: 7);
        var b = cached.Train.HoldOut(13, seed: 7);

        Assert.Equal(Paths(a.Validation), Paths(b.Validation));
        Assert.Equal(Paths(a.Train), Paths(b.Train));
    }

    [Fact]
    public void HoldOut_AnotherSeed_AnotherChoice()
    {
        using var folder = new TempFolder();
        var list = Train(folder, 4, 20);
        Assert.NotEqual(Paths(list.HoldOut(13, 1).Validation), Paths(list.HoldOut(13, 2).Validation));
    }

    [Fact]
    public void HoldOut_Parts_DisjointCompleteAndStratified()
    {
        using var folder = new TempFolder();
        var list = Train(folder, 4, 20); // 20, 21, 22, 23 images: 86

        var split = list.HoldOut(0.25, seed: 3);

        Assert.Equal(22, split.Validation.Count); // round(21.5) to even
        Assert.Empty(Paths(split.Train).Intersect(Paths(split.Validation)));
        Assert.Equal(Paths(list).Order(StringComparer.Ordinal), Paths(split.Train).Concat(Paths(split.Validation)).Order(StringComparer.Ordinal));
        var perClass = split.Validation.ClassCounts();
        var sizes = list.ClassCounts();
        for (var c = 0; c < perClass.Length; c++)
            Assert.InRange(perClass[c], Math.Floor(sizes[c] * 22.0 / 86), Math.Ceiling(sizes[c] * 22.0 / 86));
    }

    [Fact]
    public void HoldOut_AllImages_Refused()
    {
        using var folder = new TempFolder();
        var list = Train(folder, 2, 3);
        var e = Assert.Throws<ImageDataException>(() => list.HoldOut(list.Count, 0));
        Assert.Contains("leaves nothing to train on", e.Message, StringComparison.Ordinal);
    }
}
