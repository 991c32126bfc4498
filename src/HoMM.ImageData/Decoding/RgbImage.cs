namespace HoMM.ImageData.Decoding;

/// <summary>
/// A decoded image as interleaved 8-bit RGB, row-major without padding. Its buffer grows to the
/// largest image it held and is reused, so a decode thread allocates nothing per image once warm.
/// </summary>
public sealed class RgbImage
{
    private byte[] _pixels = [];

    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>The pixels of the current image: Width × Height × 3 bytes.</summary>
    public Span<byte> Pixels => _pixels.AsSpan(0, Width * Height * 3);

    /// <summary>Sets the size of the next image, growing the buffer when needed; the contents are undefined.</summary>
    public void Reset(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var bytes = checked(width * height * 3);
        if (_pixels.Length < bytes)
            _pixels = GC.AllocateUninitializedArray<byte>(bytes);
        Width = width;
        Height = height;
    }
}
