using HoMM.ImageData.Decoding;
using HoMM.ImageData.Randomness;

namespace HoMM.ImageData.Transforms;

/// <summary>
/// One image file → one normalised 3 × size × size float tensor (planar RGB, CHW), by the
/// transforms of <see cref="ImageTransformOptions"/>: training or evaluation. The random draws
/// come from the caller's <see cref="SampleRandom"/> in a fixed order (random resized crop,
/// flip, whether RandAugment runs, its operations), so a sample keyed by (seed, epoch, position)
/// is the same whichever thread makes it. One instance per thread: it owns a decoder and scratch.
/// </summary>
public sealed class ImageTransformer : IDisposable
{
    private readonly ImageTransformOptions _options;
    private readonly bool _training;
    private readonly ImageDecoder _decoder = new();
    private readonly RgbImage _image = new();
    private readonly Resampler _resampler = new();
    private readonly RandAugment _randAugment;
    private readonly float[] _scratch;

    public ImageTransformer(ImageTransformOptions options, bool training)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _training = training;
        _randAugment = new RandAugment { Magnitude = options.RandAugmentMagnitude, Ops = options.RandAugmentOps };
        _scratch = training && options.RandAugmentProbability > 0 ? new float[OutputLength] : [];
    }

    /// <summary>Floats per output image: 3 × ImageSize × ImageSize.</summary>
    public int OutputLength => 3 * _options.ImageSize * _options.ImageSize;

    /// <summary>
    /// Decodes <paramref name="file"/> and writes its transformed image into
    /// <paramref name="output"/>. Throws <see cref="CorruptImageException"/> when the file cannot
    /// be decoded.
    /// </summary>
    public void Transform(ReadOnlySpan<byte> file, ref SampleRandom rng, Span<float> output)
    {
        var size = _options.ImageSize;
        var header = _decoder.ReadHeader(file);
        var box = _training && _options.RandomResizedCrop
            ? CropGeometry.RandomResized(header.Width, header.Height, ref rng, _options)
            : CropGeometry.CenterCrop(header.Width, header.Height, _options.ResizeSize, size);
        var flip = _training && _options.HorizontalFlip && rng.Chance(0.5);
        var augment = _training && _options.RandAugmentProbability > 0 && rng.Chance(_options.RandAugmentProbability);

        var shrink = _options.ShrinkOnLoad ? ImageDecoder.ShrinkFor(header.Format, box.Width, box.Height, size) : 1;
        _decoder.Decode(file, shrink, _image);
        // The DCT shrink maps k × k source blocks onto one pixel exactly: coordinates scale by 1/k.
        if (shrink > 1)
            box = box.Scale(1.0 / shrink, 1.0 / shrink);
        box = Fit(box, _image.Width, _image.Height);

        var scale = 1f / (255f * _options.Std);
        var shift = -_options.Mean / _options.Std;
        if (!augment)
        {
            _resampler.Resample(_image, box, size, size, flip, output, scale, shift);
            return;
        }

        _resampler.Resample(_image, box, size, size, flip, _scratch, 1f, 0f);
        _randAugment.Apply(_scratch, size, ref rng);
        for (var i = 0; i < _scratch.Length; i++)
            output[i] = (_scratch[i] * scale) + shift;
    }

    public void Dispose() => _decoder.Dispose();

    /// <summary>Guards against a box that rounding put a hair outside the decoded image.</summary>
    private static SourceBox Fit(SourceBox box, int width, int height)
    {
        var w = Math.Min(box.Width, width);
        var h = Math.Min(box.Height, height);
        var x = Math.Clamp(box.X, 0, width - w);
        var y = Math.Clamp(box.Y, 0, height - h);
        return new SourceBox(x, y, w, h);
    }
}
