using HoMM.Cli.Data;
using HoMM.ImageData.Decoding;
using HoMM.ImageData.Export;
using HoMM.ImageData.Index;

namespace HoMM.Cli.Tests.Data;

public sealed class DataCommandTests : IDisposable
{
    private readonly string _dir = Path.Join(Path.GetTempPath(), "homm-data-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Synthetic_WritesPhotoSizedJpegsPerClass_Indexed()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = DataCommand.RunSynthetic(_dir, 3, 4, null, 0, output, error);

        Assert.True(code == DataCommand.ExitSuccess, error.ToString());
        Assert.Contains("wrote 12 training and 6 test images", output.ToString(), StringComparison.Ordinal);
        var index = ImageFolderIndex.Open(_dir);
        Assert.True(index.FromCache); // the command indexed it
        Assert.Equal(["n00000000", "n00000001", "n00000002"], index.Classes);
        using var decoder = new ImageDecoder();
        for (var i = 0; i < index.Train.Count; i++)
        {
            var header = decoder.ReadHeader(File.ReadAllBytes(index.Train.Path(i)));
            Assert.Equal(ImageFormat.Jpeg, header.Format);
            Assert.InRange(header.Width, 300, 500);
            Assert.InRange(header.Height, 300, 500);
        }
    }

    [Fact]
    public void Synthetic_SameSeed_SameBytes()
    {
        SyntheticImageFolder.Write(Path.Join(_dir, "a"), 2, 2, 1, seed: 4);
        SyntheticImageFolder.Write(Path.Join(_dir, "b"), 2, 2, 1, seed: 4);
        var a = Path.Join(_dir, "a", "train", "n00000001", "n00000001_00001.JPEG");
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(a.Replace("/a/", "/b/", StringComparison.Ordinal)));
    }

    [Fact]
    public void ExportFashionMnist_Png_PixelsAreTheIdxBytes()
    {
        var source = FashionMnistFolder.DefaultSource;
        var code = DataCommand.RunExport(source, _dir, ImageFileFormat.Png, 300, new StringWriter(), new StringWriter());
        Assert.Equal(DataCommand.ExitSuccess, code);

        var index = ImageFolderIndex.Open(_dir);
        Assert.Equal(FashionMnistFolder.ClassFolders, index.Classes);
        Assert.Equal(300, index.Train.Count);
        Assert.Equal(300, index.Test.Count);
        var pixels = IdxFile.Read(IdxFile.Find(source, "train-images-idx3-ubyte")!, 3, out _);
        var labels = IdxFile.Read(IdxFile.Find(source, "train-labels-idx1-ubyte")!, 1, out _);
        using var decoder = new ImageDecoder();
        var image = new RgbImage();
        foreach (var n in new[] { 0, 17, 299 })
        {
            var path = Path.Join(_dir, "train", FashionMnistFolder.ClassFolders[labels[n]], $"{n:D5}.png");
            decoder.Decode(File.ReadAllBytes(path), 1, image);
            var rgb = image.Pixels;
            for (var p = 0; p < 28 * 28; p++)
                Assert.Equal(pixels[(n * 784) + p], rgb[3 * p]);
        }
    }

    [Fact]
    public void ExportFashionMnist_MissingSource_ExitsOneSayingWhatToInstall()
    {
        var error = new StringWriter();
        var code = DataCommand.RunExport("/nonexistent/fmnist", _dir, ImageFileFormat.Jpeg, null, new StringWriter(), error);
        Assert.Equal(DataCommand.ExitFailure, code);
        Assert.Contains("apt-get install dataset-fashion-mnist", error.ToString(), StringComparison.Ordinal);
    }
}
