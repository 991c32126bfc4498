using HoMM.ImageData.Index;

namespace HoMM.ImageData.Tests;

public class IndexTests
{
    private static readonly ImageFolderIndexOptions NoCache = new() { UseCache = false };

    [Fact]
    public void Open_ClassesAndFiles_SortedOrdinallyLikeTorchvision()
    {
        using var folder = new TempFolder();
        var jpeg = TestImages.Jpeg();
        foreach (var c in new[] { "b", "a", "B", "a_1" })
        {
            folder.File($"train/{c}/2.jpg", jpeg);
            folder.File($"train/{c}/10.JPG", jpeg);
            folder.File($"train/{c}/1.png", TestImages.Png());
            folder.File($"train/{c}/notes.txt", [1, 2, 3]);
            folder.File($"val/{c}/x.jpeg", jpeg);
        }

        folder.File("train/a/sub/0.jpg", jpeg);
        folder.File("train/a/sub dir/0.jpg", jpeg);

        var index = ImageFolderIndex.Open(folder.Path, NoCache);

        Assert.Equal(["B", "a", "a_1", "b"], index.Classes);
        var a = Enumerable.Range(0, index.Train.Count).Where(i => index.Train.Label(i) == 1).Select(index.Train.RelativePath).ToList();
        // os.walk order sorted by folder path: the class folder's own files first, then "a/sub" before "a/sub dir" (a prefix sorts first).
        Assert.Equal(["a/1.png", "a/10.JPG", "a/2.jpg", "a/sub/0.jpg", "a/sub dir/0.jpg"], a);
        Assert.Equal(14, index.Train.Count);
        Assert.Equal(4, index.Test.Count);
        Assert.Equal(Path.Join(folder.Path, "train", "B", "1.png"), index.Train.Path(0));
        Assert.Equal([0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3], Enumerable.Range(0, index.Train.Count).Select(index.Train.Label));
    }

    [Fact]
    public void Open_MissingFolder_NamesIt()
    {
        var e = Assert.Throws<ImageDataException>(() => ImageFolderIndex.Open("/nonexistent/imagenet", NoCache));
        Assert.Contains("'/nonexistent/imagenet' does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("train/<class>", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("val")]
    public void Open_SplitFolderMissing_NamesTheSplit(string present)
    {
        using var folder = new TempFolder();
        folder.File($"{present}/a/0.jpg", TestImages.Jpeg());
        var missing = present == "train" ? "val" : "train";
        var e = Assert.Throws<ImageDataException>(() => ImageFolderIndex.Open(folder.Path, NoCache));
        Assert.Contains($"has no {missing}/ folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NoClassFolders_SaysSo()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Join(folder.Path, "train"));
        Directory.CreateDirectory(Path.Join(folder.Path, "val"));
        var e = Assert.Throws<ImageDataException>(() => ImageFolderIndex.Open(folder.Path, NoCache));
        Assert.Contains("train/ has no class folders", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ValClassNotInTrain_NamesIt()
    {
        using var folder = new TempFolder();
        folder.File("train/cat/0.jpg", TestImages.Jpeg());
        folder.File("val/cat/0.jpg", TestImages.Jpeg());
        folder.File("val/dog/0.jpg", TestImages.Jpeg());
        var e = Assert.Throws<ImageDataException>(() => ImageFolderIndex.Open(folder.Path, NoCache));
        Assert.Contains("val/ has class folders that train/ lacks: dog", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TrainClassMissingFromVal_NamesIt()
    {
        using var folder = new TempFolder();
        foreach (var c in new[] { "cat", "dog", "eel" })
            folder.File($"train/{c}/0.jpg", TestImages.Jpeg());
        folder.File("val/dog/0.jpg", TestImages.Jpeg());
        var e = Assert.Throws<ImageDataException>(() => ImageFolderIndex.Open(folder.Path, NoCache));
        Assert.Contains("train/ classes missing from val/ (the test set): cat, eel", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ClassWithoutImages_NamesIt()
    {
        using var folder = new TempFolder();
        folder.File("train/cat/0.jpg", TestImages.Jpeg());
        folder.File("train/dog/readme.txt", [1]);
        folder.File("val/cat/0.jpg", TestImages.Jpeg());
        folder.File("val/dog/0.jpg", TestImages.Jpeg());
        var e = Assert.Throws<ImageDataException>(() => ImageFolderIndex.Open(folder.Path, NoCache));
        Assert.Contains("train/ class folders without a JPEG or PNG image: dog", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NoImagesAtAll_SaysSo()
    {
        using var folder = new TempFolder();
        folder.File("train/cat/a.txt", [1]);
        folder.File("val/cat/a.txt", [1]);
        var e = Assert.Throws<ImageDataException>(() => ImageFolderIndex.Open(folder.Path, NoCache));
        Assert.Contains("train/ has no images", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Twice_SecondReadsTheCacheWithTheSameContent()
    {
        using var folder = new TempFolder();
        TestImages.Folder(folder, 3, 4);

        var first = ImageFolderIndex.Open(folder.Path);
        var second = ImageFolderIndex.Open(folder.Path);

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(Path.Join(folder.Path, ".homm-image-index"), second.CachePath);
        Assert.Equal(first.Classes, second.Classes);
        foreach (var (a, b) in new[] { (first.Train, second.Train), (first.Test, second.Test) })
        {
            Assert.Equal(a.Count, b.Count);
            for (var i = 0; i < a.Count; i++)
            {
                Assert.Equal(a.Path(i), b.Path(i));
                Assert.Equal(a.Label(i), b.Label(i));
            }
        }
    }

    [Theory]
    [InlineData("add")]
    [InlineData("remove")]
    [InlineData("nested")]
    public void Open_AfterTheFolderChanged_Rescans(string change)
    {
        using var folder = new TempFolder();
        TestImages.Folder(folder, 2, 3);
        folder.File("train/c1/deep/0.jpg", TestImages.Jpeg());
        var before = ImageFolderIndex.Open(folder.Path);
        Thread.Sleep(20); // a distinct modification time even on coarse clocks

        var expected = before.Train.Count;
        switch (change)
        {
            case "add":
                folder.File("train/c0/new.jpg", TestImages.Jpeg());
                expected++;
                break;
            case "remove":
                File.Delete(Path.Join(folder.Path, "train/c1/000.jpg"));
                expected--;
                break;
            default:
                folder.File("train/c1/deep/1.jpg", TestImages.Jpeg());
                expected++;
                break;
        }

        var after = ImageFolderIndex.Open(folder.Path);
        Assert.False(after.FromCache);
        Assert.Equal(expected, after.Train.Count);
        Assert.True(ImageFolderIndex.Open(folder.Path).FromCache);
    }

    [Fact]
    public void Open_CacheBesideDataNotWritable_UsesTheCacheDirectory()
    {
        using var folder = new TempFolder();
        using var cache = new TempFolder();
        TestImages.Folder(folder, 2, 2);
        // A folder where the cache file would go: the write beside the data fails as on a read-only mount.
        Directory.CreateDirectory(Path.Join(folder.Path, ".homm-image-index"));
        var options = new ImageFolderIndexOptions { CacheDirectory = cache.Path };

        var first = ImageFolderIndex.Open(folder.Path, options);
        var second = ImageFolderIndex.Open(folder.Path, options);

        Assert.StartsWith(cache.Path, first.CachePath, StringComparison.Ordinal);
        Assert.True(second.FromCache);
        Assert.Equal(first.CachePath, second.CachePath);
    }

    [Fact]
    public void Open_DamagedCache_Rescans()
    {
        using var folder = new TempFolder();
        TestImages.Folder(folder, 2, 2);
        var first = ImageFolderIndex.Open(folder.Path);
        var bytes = File.ReadAllBytes(first.CachePath!);
        File.WriteAllBytes(first.CachePath!, bytes[..(bytes.Length / 2)]);

        var second = ImageFolderIndex.Open(folder.Path);

        Assert.False(second.FromCache);
        Assert.Equal(first.Train.Count, second.Train.Count);
    }
}
