using HoMM.ImageData.Decoding;
using HoMM.ImageData.Randomness;
using HoMM.ImageData.Transforms;

namespace HoMM.ImageData.Tests;

public class TransformTests
{
    [Fact]
    public void CenterCrop_TorchvisionGeometry()
    {
        // 500×375 → Resize(160) gives 213×160 (⌊160·500/375⌋); CenterCrop(160) starts at round(26.5) = 26 (half to even).
        var s = 500.0 / 213;
        AssertBox(new SourceBox(26 * s, 0, 160 * s, 375), CropGeometry.CenterCrop(500, 375, 160, 160));
        AssertBox(new SourceBox(0, 26 * s, 375, 160 * s), CropGeometry.CenterCrop(375, 500, 160, 160));
        AssertBox(new SourceBox(0, 0, 300, 300), CropGeometry.CenterCrop(300, 300, 160, 160));
        // Resize 168 then crop 160 (upstream build_imagefolder's evaluation: size / 0.95): a margin of 4 each side.
        AssertBox(new SourceBox(4 * 300 / 168.0, 4 * 300 / 168.0, 160 * 300 / 168.0, 160 * 300 / 168.0), CropGeometry.CenterCrop(300, 300, 168, 160));
    }

    private static void AssertBox(SourceBox expected, SourceBox actual)
    {
        Assert.Equal(expected.X, actual.X, 9);
        Assert.Equal(expected.Y, actual.Y, 9);
        Assert.Equal(expected.Width, actual.Width, 9);
        Assert.Equal(expected.Height, actual.Height, 9);
    }

    [Fact]
    public void RandomResized_Boxes_InsideTheImageWithinScaleAndRatio()
    {
        var options = new ImageTransformOptions { RandomResizedCrop = true };
        for (var i = 0; i < 500; i++)
        {
            var rng = new SampleRandom(1, RandomStream.Sample, 0, i);
            var box = CropGeometry.RandomResized(400, 300, ref rng, options);
            Assert.InRange(box.X, 0, 400 - box.Width);
            Assert.InRange(box.Y, 0, 300 - box.Height);
            var area = box.Width * box.Height / (400.0 * 300);
            Assert.InRange(area, 0.07, 1.0);
        }
    }

    [Fact]
    public void Transform_SameKey_SameBytes_OtherKey_OtherAugmentation()
    {
        var options = new ImageTransformOptions { ImageSize = 24, RandomResizedCrop = true, RandAugmentProbability = 1 };
        var jpeg = TestImages.Jpeg(64, 48, 3);
        float[] Run(long index)
        {
            using var t = new ImageTransformer(options, training: true);
            var output = new float[t.OutputLength];
            var rng = new SampleRandom(5, RandomStream.Sample, 0, index);
            t.Transform(jpeg, ref rng, output);
            return output;
        }

        Assert.Equal(Run(1), Run(1));
        Assert.NotEqual(Run(1), Run(2));
    }

    [Fact]
    public void Transform_Evaluation_IgnoresRandomness()
    {
        var options = new ImageTransformOptions { ImageSize = 24, RandAugmentProbability = 1, RandomResizedCrop = true };
        using var t = new ImageTransformer(options, training: false);
        var jpeg = TestImages.Jpeg(64, 48, 3);
        var a = new float[t.OutputLength];
        var b = new float[t.OutputLength];
        var r1 = new SampleRandom(1, RandomStream.Sample, 0);
        var r2 = new SampleRandom(2, RandomStream.Sample, 9);
        t.Transform(jpeg, ref r1, a);
        t.Transform(jpeg, ref r2, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void RandAugment_EveryOperation_KeepsValuesInRangeAndChangesSomething()
    {
        const int side = 20;
        var source = new float[3 * side * side];
        for (var i = 0; i < source.Length; i++)
            source[i] = (i * 37 % 200) + 20;
        var ra = new RandAugment { Ops = 1, Magnitude = 9 };
        var changed = 0;
        for (var k = 0; k < 200; k++)
        {
            var image = (float[])source.Clone();
            var rng = new SampleRandom(k, RandomStream.Sample, 0);
            ra.Apply(image, side, ref rng);
            Assert.All(image, v => Assert.InRange(v, 0f, 255f));
            if (!image.SequenceEqual(source))
                changed++;
        }

        // Identity is one op in fourteen: about 186 of 200 runs change the image.
        Assert.InRange(changed, 160, 200);
    }

    [Fact]
    public void Decode_Grey_BecomesRgbWithEqualChannels()
    {
        var grey = new byte[24 * 16];
        for (var i = 0; i < grey.Length; i++)
            grey[i] = (byte)(i % 251);
        using var decoder = new ImageDecoder();
        var image = new RgbImage();
        decoder.Decode(ImageEncoder.JpegGrey(grey, 24, 16), 1, image);
        Assert.Equal((24, 16), (image.Width, image.Height));
        var px = image.Pixels;
        for (var p = 0; p < px.Length; p += 3)
        {
            Assert.Equal(px[p], px[p + 1]);
            Assert.Equal(px[p], px[p + 2]);
        }
    }

    [Fact]
    public void Decode_PngNamedJpeg_DecodesByContent()
    {
        using var folder = new TempFolder();
        var path = folder.File("x.JPEG", TestImages.Png(30, 20, 1));
        using var decoder = new ImageDecoder();
        var image = new RgbImage();
        decoder.Decode(File.ReadAllBytes(path), 1, image);
        Assert.Equal(TestImages.Rgb(30, 20, 1), image.Pixels.ToArray());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Decode_ShrinkOnLoad_DividesTheSizeRoundingUp(int shrink)
    {
        using var decoder = new ImageDecoder();
        var image = new RgbImage();
        decoder.Decode(TestImages.Jpeg(101, 67), shrink, image);
        Assert.Equal(((101 + shrink - 1) / shrink, (67 + shrink - 1) / shrink), (image.Width, image.Height));
    }

    [Fact]
    public void Decode_Truncated_IsCorrupt()
    {
        var jpeg = TestImages.Jpeg(64, 64);
        using var decoder = new ImageDecoder();
        var e = Assert.Throws<CorruptImageException>(() => decoder.Decode(jpeg.AsSpan(0, jpeg.Length * 2 / 3), 1, new RgbImage()));
        Assert.Contains("JPEG data", e.Message, StringComparison.Ordinal);
        Assert.Throws<CorruptImageException>(() => decoder.Decode("not an image"u8, 1, new RgbImage()));
    }
}
