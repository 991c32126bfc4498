using HoMM.ImageData.Decoding;

namespace HoMM.ImageData.Tests;

/// <summary>A temporary folder, deleted at the end of the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Join(System.IO.Path.GetTempPath(), "homm-imagedata-" + Guid.NewGuid().ToString("N"));

    public string File(string relative, byte[] bytes)
    {
        var full = System.IO.Path.Join(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, bytes);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Small real images for tests: smooth gradients plus a per-seed pattern, JPEG or PNG.</summary>
internal static class TestImages
{
    public static byte[] Rgb(int width, int height, int seed)
    {
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = ((y * width) + x) * 3;
                rgb[p] = (byte)((x * 255 / width + (seed * 37)) % 256);
                rgb[p + 1] = (byte)((y * 255 / height + (seed * 91)) % 256);
                rgb[p + 2] = (byte)(((x + y) * 127 / (width + height) + (seed * 53)) % 256);
            }
        }

        return rgb;
    }

    public static byte[] Jpeg(int width = 40, int height = 32, int seed = 0) => ImageEncoder.Jpeg(Rgb(width, height, seed), width, height, 90);

    public static byte[] Png(int width = 40, int height = 32, int seed = 0) => ImageEncoder.Png(Rgb(width, height, seed), width, height);

    /// <summary>
    /// An image folder with <paramref name="classes"/> classes of <paramref name="perClass"/>
    /// training and <paramref name="valPerClass"/> test JPEGs (sizes vary with the index).
    /// </summary>
    public static void Folder(TempFolder folder, int classes, int perClass, int valPerClass = 2)
    {
        for (var c = 0; c < classes; c++)
        {
            for (var i = 0; i < perClass; i++)
                folder.File($"train/c{c}/{i:D3}.jpg", Jpeg(32 + (i % 5 * 7), 30 + (i % 3 * 9), (c * 100) + i));
            for (var i = 0; i < valPerClass; i++)
                folder.File($"val/c{c}/{i:D3}.jpg", Jpeg(36, 36, 10_000 + (c * 100) + i));
        }
    }
}
