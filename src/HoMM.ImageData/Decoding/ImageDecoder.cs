using HoMM.ImageData.Decoding.Native;

namespace HoMM.ImageData.Decoding;

/// <summary>
/// Decodes JPEG (libjpeg-turbo's TurboJPEG API) and PNG (libpng) into 8-bit RGB, as torchvision's
/// PIL loader does: grey becomes RGB, alpha is dropped (not composited), CMYK/YCCK JPEGs are
/// converted with PIL's formula, and the format is read from the file's first bytes, so a PNG
/// named .JPEG (ImageNet has one) decodes. JPEGs can shrink on load by 2, 4 or 8 in the DCT,
/// which is what makes decoding ImageNet-sized photos for 160 px training cheap. Not thread-safe:
/// one decoder per thread (it keeps a TurboJPEG handle and scratch buffers).
/// </summary>
public sealed unsafe class ImageDecoder : IDisposable
{
    /// <summary>Larger images are refused as corrupt (PIL refuses above 178 M pixels too): a decompression bomb would exhaust memory.</summary>
    public const long MaxPixels = 178_956_970;

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private nint _jpeg;
    private bool _disposed;
    private byte[] _scratch = [];

    /// <summary>The format of <paramref name="data"/> from its signature.</summary>
    public static ImageFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
            return ImageFormat.Jpeg;
        if (data.Length >= 8 && data[..8].SequenceEqual(PngSignature))
            return ImageFormat.Png;
        return ImageFormat.Unknown;
    }

    /// <summary>Size and format from the header alone. Throws <see cref="CorruptImageException"/> when it cannot be read.</summary>
    public ImageHeader ReadHeader(ReadOnlySpan<byte> data)
    {
        switch (Detect(data))
        {
            case ImageFormat.Jpeg:
            {
                var (w, h, _) = JpegHeader(data);
                return new ImageHeader(w, h, ImageFormat.Jpeg);
            }
            case ImageFormat.Png:
                return Png(data, null);
            default:
                throw new CorruptImageException($"not a JPEG or PNG file (starts with {Convert.ToHexString(data[..Math.Min(8, data.Length)])})");
        }
    }

    /// <summary>
    /// The largest shrink-on-load factor (1, 2, 4 or 8) that keeps a box of
    /// <paramref name="boxWidth"/> × <paramref name="boxHeight"/> source pixels at least
    /// <paramref name="outputSize"/> pixels on each side after the shrink, so the final resample
    /// still only reduces; 1 for formats that cannot shrink.
    /// </summary>
    public static int ShrinkFor(ImageFormat format, double boxWidth, double boxHeight, int outputSize)
    {
        if (format != ImageFormat.Jpeg)
            return 1;
        var k = 8;
        while (k > 1 && Math.Min(boxWidth, boxHeight) / k < outputSize)
            k /= 2;
        return k;
    }

    /// <summary>
    /// Decodes <paramref name="data"/> into <paramref name="image"/>, a JPEG reduced by
    /// <paramref name="shrink"/> (1, 2, 4 or 8: the size becomes ⌈w/shrink⌉ × ⌈h/shrink⌉); PNGs
    /// ignore it. Throws <see cref="CorruptImageException"/> for anything that cannot be decoded,
    /// including a JPEG whose data ends early (PIL refuses truncated images too).
    /// </summary>
    public void Decode(ReadOnlySpan<byte> data, int shrink, RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (shrink is not (1 or 2 or 4 or 8))
            throw new ArgumentOutOfRangeException(nameof(shrink), shrink, "shrink-on-load factor must be 1, 2, 4 or 8");
        switch (Detect(data))
        {
            case ImageFormat.Jpeg:
                DecodeJpeg(data, shrink, image);
                break;
            case ImageFormat.Png:
                Png(data, image);
                break;
            default:
                throw new CorruptImageException($"not a JPEG or PNG file (starts with {Convert.ToHexString(data[..Math.Min(8, data.Length)])})");
        }
    }

    public void Dispose()
    {
        _disposed = true;
        if (_jpeg != 0)
        {
            _ = TurboJpeg.Destroy(_jpeg);
            _jpeg = 0;
        }
    }

    /// <summary>
    /// A TurboJPEG failure: the handle is replaced, since libjpeg-turbo 2.1 leaves a handle whose
    /// call failed half-way in a state where the next header read returns 0 × 0.
    /// </summary>
    private CorruptImageException JpegFailure(string message)
    {
        if (_jpeg != 0)
        {
            _ = TurboJpeg.Destroy(_jpeg);
            _jpeg = 0;
        }

        return new CorruptImageException(message);
    }

    private nint Jpeg()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_jpeg == 0)
        {
            _jpeg = TurboJpeg.InitDecompress();
            if (_jpeg == 0)
                throw new InvalidOperationException("libturbojpeg could not create a decompressor");
        }

        return _jpeg;
    }

    private (int Width, int Height, int Colorspace) JpegHeader(ReadOnlySpan<byte> data)
    {
        var handle = Jpeg();
        fixed (byte* p = data)
        {
            if (TurboJpeg.DecompressHeader(handle, p, (nuint)data.Length, out var w, out var h, out _, out var colorspace) != 0)
                throw JpegFailure($"JPEG header: {TurboJpeg.LastError(handle)}");
            if (w <= 0 || h <= 0)
                throw new CorruptImageException($"JPEG header: image of {w}×{h} pixels");
            if ((long)w * h > MaxPixels)
                throw new CorruptImageException($"JPEG of {w}×{h} pixels is over the limit of {MaxPixels}");
            return (w, h, colorspace);
        }
    }

    private void DecodeJpeg(ReadOnlySpan<byte> data, int shrink, RgbImage image)
    {
        var (w, h, colorspace) = JpegHeader(data);
        var sw = (w + shrink - 1) / shrink;
        var sh = (h + shrink - 1) / shrink;
        image.Reset(sw, sh);
        var cmyk = colorspace is TurboJpeg.ColorspaceCmyk or TurboJpeg.ColorspaceYcck;
        var handle = _jpeg;
        fixed (byte* p = data)
        {
            int rc;
            if (cmyk)
            {
                EnsureScratch(sw * sh * 4);
                fixed (byte* d = _scratch)
                    rc = TurboJpeg.Decompress(handle, p, (nuint)data.Length, d, sw, sw * 4, sh, TurboJpeg.PixelCmyk, 0);
            }
            else
            {
                fixed (byte* d = image.Pixels)
                    rc = TurboJpeg.Decompress(handle, p, (nuint)data.Length, d, sw, sw * 3, sh, TurboJpeg.PixelRgb, 0);
            }

            // Warnings (e.g. extraneous bytes before a marker) still decode the whole image, as PIL
            // accepts them; data that ends before the image does is a truncated file.
            if (rc != 0)
            {
                var message = TurboJpeg.LastError(handle);
                if (TurboJpeg.ErrorCode(handle) != TurboJpeg.ErrorWarning || message.Contains("premature end", StringComparison.OrdinalIgnoreCase))
                    throw JpegFailure($"JPEG data: {message}");
            }
        }

        if (cmyk)
            CmykToRgb(_scratch.AsSpan(0, sw * sh * 4), image.Pixels, AdobeInverted(data));
    }

    /// <summary>PIL's CMYK → RGB: r = (255 − c)(255 − k)/255; Adobe's CMYK JPEGs store the inks inverted.</summary>
    private static void CmykToRgb(ReadOnlySpan<byte> cmyk, Span<byte> rgb, bool inverted)
    {
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            int c = cmyk[i], m = cmyk[i + 1], y = cmyk[i + 2], k = cmyk[i + 3];
            if (!inverted)
            {
                c = 255 - c;
                m = 255 - m;
                y = 255 - y;
                k = 255 - k;
            }

            rgb[j] = (byte)(((c * k) + 127) / 255);
            rgb[j + 1] = (byte)(((m * k) + 127) / 255);
            rgb[j + 2] = (byte)(((y * k) + 127) / 255);
        }
    }

    /// <summary>Whether the JPEG carries an Adobe APP14 segment (its CMYK values are then stored inverted).</summary>
    private static bool AdobeInverted(ReadOnlySpan<byte> data)
    {
        var i = 2;
        while (i + 4 <= data.Length && data[i] == 0xFF)
        {
            var marker = data[i + 1];
            if (marker == 0xDA)
                break; // start of scan: no more header segments
            var length = (data[i + 2] << 8) | data[i + 3];
            if (marker == 0xEE && length >= 7 && i + 9 <= data.Length && data.Slice(i + 4, 5).SequenceEqual("Adobe"u8))
                return true;
            i += 2 + length;
        }

        return false;
    }

    /// <summary>
    /// Reads a PNG's header and, when <paramref name="rgb"/> is given, its pixels. One png_image
    /// from begin to finish, with the data pinned throughout: libpng keeps pointers to both (its
    /// error handler writes into the struct), so neither may move or be copied in between.
    /// </summary>
    private ImageHeader Png(ReadOnlySpan<byte> data, RgbImage? rgb)
    {
        var image = new LibPng.Image { Version = LibPng.Version };
        fixed (byte* p = data)
        {
            try
            {
                if (LibPng.BeginReadFromMemory(&image, p, (nuint)data.Length) == 0)
                    throw new CorruptImageException($"PNG header: {image.ErrorMessage()}");
                var (w, h) = ((int)image.Width, (int)image.Height);
                if (w <= 0 || h <= 0 || (long)w * h > MaxPixels)
                    throw new CorruptImageException($"PNG of {image.Width}×{image.Height} pixels is empty or over the limit of {MaxPixels}");
                if (rgb is null)
                    return new ImageHeader(w, h, ImageFormat.Png);

                // Read as RGBA and drop alpha: PIL's convert("RGB") drops it too rather than compositing.
                image.Format = LibPng.FormatRgba;
                EnsureScratch(w * h * 4);
                fixed (byte* d = _scratch)
                {
                    if (LibPng.FinishRead(&image, null, d, w * 4, null) == 0)
                        throw new CorruptImageException($"PNG data: {image.ErrorMessage()}");
                }

                rgb.Reset(w, h);
                var dst = rgb.Pixels;
                var src = _scratch.AsSpan(0, w * h * 4);
                for (int i = 0, j = 0; j < dst.Length; i += 4, j += 3)
                {
                    dst[j] = src[i];
                    dst[j + 1] = src[i + 1];
                    dst[j + 2] = src[i + 2];
                }

                return new ImageHeader(w, h, ImageFormat.Png);
            }
            finally
            {
                LibPng.Free(&image);
            }
        }
    }

    private void EnsureScratch(int bytes)
    {
        if (_scratch.Length < bytes)
            _scratch = GC.AllocateUninitializedArray<byte>(bytes);
    }
}
