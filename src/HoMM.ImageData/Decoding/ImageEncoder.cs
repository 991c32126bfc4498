using HoMM.ImageData.Decoding.Native;

namespace HoMM.ImageData.Decoding;

/// <summary>Writes 8-bit RGB as JPEG (libjpeg-turbo) or PNG (libpng): the test-data commands and fixtures use it.</summary>
public static unsafe class ImageEncoder
{
    /// <summary>JPEG of <paramref name="rgb"/> (interleaved, width × height × 3) at <paramref name="quality"/> (1–100), 4:2:0 chroma like most cameras.</summary>
    public static byte[] Jpeg(ReadOnlySpan<byte> rgb, int width, int height, int quality = 90)
    {
        CheckSize(rgb, width, height);
        return Compress(rgb, width, height, width * 3, TurboJpeg.PixelRgb, TurboJpeg.Subsample420, quality);
    }

    private static byte[] Compress(ReadOnlySpan<byte> pixels, int width, int height, int pitch, int format, int subsampling, int quality)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        var handle = TurboJpeg.InitCompress();
        if (handle == 0)
            throw new InvalidOperationException("libturbojpeg could not create a compressor");
        byte* jpeg = null;
        nuint size = 0;
        try
        {
            fixed (byte* src = pixels)
            {
                if (TurboJpeg.Compress(handle, src, width, pitch, height, format, &jpeg, &size, subsampling, quality, 0) != 0)
                    throw new InvalidOperationException($"JPEG encoding failed: {TurboJpeg.LastError(handle)}");
            }

            return new ReadOnlySpan<byte>(jpeg, checked((int)size)).ToArray();
        }
        finally
        {
            if (jpeg != null)
                TurboJpeg.Free(jpeg);
            _ = TurboJpeg.Destroy(handle);
        }
    }

    /// <summary>Greyscale JPEG of <paramref name="grey"/> (width × height bytes): one channel in the file, as some ImageNet photos are.</summary>
    public static byte[] JpegGrey(ReadOnlySpan<byte> grey, int width, int height, int quality = 90)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (grey.Length != width * height)
            throw new ArgumentException($"{grey.Length} bytes are not a {width}×{height} grey image", nameof(grey));
        return Compress(grey, width, height, width, TurboJpeg.PixelGray, TurboJpeg.SubsampleGray, quality);
    }

    /// <summary>PNG of <paramref name="rgb"/> (interleaved, width × height × 3).</summary>
    public static byte[] Png(ReadOnlySpan<byte> rgb, int width, int height)
    {
        CheckSize(rgb, width, height);
        var image = new LibPng.Image { Version = LibPng.Version, Width = (uint)width, Height = (uint)height, Format = LibPng.FormatRgb };
        fixed (byte* src = rgb)
        {
            nuint bytes = 0;
            // First call sizes the output, the second writes it.
            if (LibPng.WriteToMemory(&image, null, &bytes, 0, src, width * 3, null) == 0)
                throw new InvalidOperationException($"PNG encoding failed: {image.ErrorMessage()}");
            var output = new byte[checked((int)bytes)];
            fixed (byte* dst = output)
            {
                if (LibPng.WriteToMemory(&image, dst, &bytes, 0, src, width * 3, null) == 0)
                    throw new InvalidOperationException($"PNG encoding failed: {image.ErrorMessage()}");
            }

            return output.AsSpan(0, (int)bytes).ToArray();
        }
    }

    private static void CheckSize(ReadOnlySpan<byte> rgb, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (rgb.Length != width * height * 3)
            throw new ArgumentException($"{rgb.Length} bytes are not a {width}×{height} RGB image ({width * height * 3} bytes)", nameof(rgb));
    }
}
