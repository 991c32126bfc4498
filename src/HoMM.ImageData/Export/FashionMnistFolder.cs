using System.Globalization;
using HoMM.ImageData.Decoding;

namespace HoMM.ImageData.Export;

/// <summary>
/// Writes Fashion-MNIST (the IDX files of Debian's dataset-fashion-mnist) as an image folder:
/// train/ from the 60,000 training images, val/ from the 10,000 test images, one folder per class
/// named so that the ordinal sort keeps the label order ("0-t-shirt-top" … "9-ankle-boot"), files
/// named by their position in the IDX file, 28 × 28 grey written as RGB JPEG or PNG.
/// </summary>
public static class FashionMnistFolder
{
    public const string DefaultSource = "/usr/share/datasets/fashion-mnist";

    /// <summary>Class folder names, index = label.</summary>
    public static readonly IReadOnlyList<string> ClassFolders =
    [
        "0-t-shirt-top", "1-trouser", "2-pullover", "3-dress", "4-coat",
        "5-sandal", "6-shirt", "7-sneaker", "8-bag", "9-ankle-boot",
    ];

    /// <summary>
    /// Writes the folder under <paramref name="destination"/>; <paramref name="limit"/> keeps the
    /// first N images of each split. JPEG quality 95 (28 px images lose visibly more below).
    /// Returns the number of images written per split.
    /// </summary>
    public static (int Train, int Val) Write(string source, string destination, ImageFileFormat format, int? limit = null, IProgress<int>? progress = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        if (!Directory.Exists(source))
            throw new ImageDataException($"Fashion-MNIST: the folder '{source}' does not exist; install it (apt-get install dataset-fashion-mnist) or pass the folder holding train-images-idx3-ubyte.gz and the other three IDX files");
        var train = WriteSplit(source, "train", Path.Join(destination, "train"), format, limit, progress);
        var val = WriteSplit(source, "t10k", Path.Join(destination, "val"), format, limit, progress);
        return (train, val);
    }

    private static int WriteSplit(string source, string prefix, string folder, ImageFileFormat format, int? limit, IProgress<int>? progress)
    {
        var images = IdxFile.Read(Required(source, $"{prefix}-images-idx3-ubyte"), 3, out var dims);
        var labels = IdxFile.Read(Required(source, $"{prefix}-labels-idx1-ubyte"), 1, out _);
        var (count, h, w) = (dims[0], dims[1], dims[2]);
        if (labels.Length != count)
            throw new ImageDataException($"Fashion-MNIST in '{source}': {count} {prefix} images but {labels.Length} labels");
        var n = Math.Min(count, limit ?? count);
        foreach (var c in ClassFolders)
            Directory.CreateDirectory(Path.Join(folder, c));
        var rgb = new byte[h * w * 3];
        var ext = format == ImageFileFormat.Png ? ".png" : ".jpg";
        for (var i = 0; i < n; i++)
        {
            var grey = images.AsSpan(i * h * w, h * w);
            for (var p = 0; p < grey.Length; p++)
                rgb[3 * p] = rgb[(3 * p) + 1] = rgb[(3 * p) + 2] = grey[p];
            var bytes = format == ImageFileFormat.Png ? ImageEncoder.Png(rgb, w, h) : ImageEncoder.Jpeg(rgb, w, h, 95);
            var label = labels[i];
            if (label >= ClassFolders.Count)
                throw new ImageDataException($"Fashion-MNIST in '{source}': label {label} of {prefix} image {i} is not a class (0–9)");
            File.WriteAllBytes(Path.Join(folder, ClassFolders[label], i.ToString("D5", CultureInfo.InvariantCulture) + ext), bytes);
            if ((i + 1) % 1000 == 0)
                progress?.Report(i + 1);
        }

        return n;
    }

    private static string Required(string source, string name) =>
        IdxFile.Find(source, name) ?? throw new ImageDataException($"Fashion-MNIST: '{Path.Combine(source, name)}.gz' is missing; the folder needs train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (apt-get install dataset-fashion-mnist)");
}

/// <summary>The file format the test-data writers use.</summary>
public enum ImageFileFormat
{
    Jpeg,
    Png,
}
