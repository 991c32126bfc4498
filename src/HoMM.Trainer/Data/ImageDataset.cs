namespace HoMM.Trainer.Data;

/// <summary>
/// Labelled images held as bytes (0–255), [count, channels, side, side] row-major, turned into
/// normalised float batches on demand: the float copy of a whole data set would cost 4× the memory
/// for nothing.
/// </summary>
public sealed class ImageDataset
{
    private readonly byte[] _pixels;
    private readonly byte[] _labels;

    public ImageDataset(byte[] pixels, byte[] labels, int channels, int side, int classes, float mean, float std)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        var size = channels * side * side;
        if (size <= 0 || pixels.Length != labels.Length * size)
            throw new ArgumentException($"{pixels.Length} pixel bytes do not make {labels.Length} images of {channels}×{side}×{side}");
        if (labels.Any(l => l >= classes))
            throw new ArgumentException($"a label is outside 0..{classes - 1}");
        _pixels = pixels;
        _labels = labels;
        Channels = channels;
        Side = side;
        Classes = classes;
        Mean = mean;
        Std = std;
    }

    public int Count => _labels.Length;

    public int Channels { get; }

    public int Side { get; }

    public int Classes { get; }

    /// <summary>Normalisation: x = (pixel / 255 − Mean) / Std.</summary>
    public float Mean { get; }

    public float Std { get; }

    public int ImageSize => Channels * Side * Side;

    /// <summary>Writes the normalised images and labels of <paramref name="indices"/> into the buffers.</summary>
    public void Fill(ReadOnlySpan<int> indices, Span<float> images, Span<long> labels)
    {
        var size = ImageSize;
        var scale = 1f / (255f * Std);
        var shift = Mean / Std;
        for (var i = 0; i < indices.Length; i++)
        {
            var src = _pixels.AsSpan(indices[i] * size, size);
            var dst = images.Slice(i * size, size);
            for (var j = 0; j < size; j++)
                dst[j] = (src[j] * scale) - shift;
            labels[i] = _labels[indices[i]];
        }
    }

    /// <summary>The examples at <paramref name="indices"/>, in that order, as a data set of their own (a copy).</summary>
    public ImageDataset Subset(ReadOnlySpan<int> indices)
    {
        var size = ImageSize;
        var pixels = new byte[indices.Length * size];
        var labels = new byte[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(indices[i]);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(indices[i], Count);
            _pixels.AsSpan(indices[i] * size, size).CopyTo(pixels.AsSpan(i * size, size));
            labels[i] = _labels[indices[i]];
        }

        return new ImageDataset(pixels, labels, Channels, Side, Classes, Mean, Std);
    }

    /// <summary>The label of example <paramref name="index"/>.</summary>
    public int Label(int index) => _labels[index];

    /// <summary>The raw pixel bytes of example <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Pixels(int index) => _pixels.AsSpan(index * ImageSize, ImageSize);

    /// <summary>The first <paramref name="count"/> examples (a small set for quick runs and tests).</summary>
    public ImageDataset Take(int count)
    {
        count = Math.Clamp(count, 0, Count);
        return new ImageDataset(_pixels[..(count * ImageSize)], _labels[..count], Channels, Side, Classes, Mean, Std);
    }
}
