using HoMM.ImageData;
using HoMM.ImageData.Export;

namespace HoMM.Trainer.Data;

/// <summary>
/// Fashion-MNIST from its IDX files (gzip-compressed or not), as Debian's dataset-fashion-mnist
/// installs them in /usr/share/datasets/fashion-mnist: train 60,000 and test 10,000 grey 28×28
/// images of 10 classes.
/// </summary>
public static class FashionMnist
{
    public const string DefaultPath = HoMM.TrainerSettings.HommDataset.FashionMnistPath;

    // Mean and standard deviation of the training pixels scaled to [0, 1].
    public const float PixelMean = 0.2860f;
    public const float PixelStd = 0.3530f;

    public static (ImageDataset Train, ImageDataset Test) Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DataException($"Fashion-MNIST: the folder '{directory}' does not exist; install it (apt-get install dataset-fashion-mnist) or set data.path to the folder with train-images-idx3-ubyte.gz and the other three IDX files");
        return (LoadSplit(directory, "train"), LoadSplit(directory, "t10k"));
    }

    private static ImageDataset LoadSplit(string directory, string prefix)
    {
        var images = ReadIdx(Find(directory, $"{prefix}-images-idx3-ubyte"), 3, out var dims);
        var labels = ReadIdx(Find(directory, $"{prefix}-labels-idx1-ubyte"), 1, out var labelDims);
        if (dims[0] != labelDims[0])
            throw new DataException($"Fashion-MNIST in '{directory}': {dims[0]} {prefix} images but {labelDims[0]} labels");
        if (dims[1] != dims[2])
            throw new DataException($"Fashion-MNIST in '{directory}': images are {dims[1]}×{dims[2]}, expected square images");
        return new ImageDataset(images, labels, 1, dims[1], 10, PixelMean, PixelStd);
    }

    private static string Find(string directory, string name) =>
        IdxFile.Find(directory, name) ?? throw new DataException($"Fashion-MNIST: '{Path.Combine(directory, name)}.gz' is missing; the folder needs train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (apt-get install dataset-fashion-mnist)");

    /// <summary>Reads an unsigned-byte IDX file (the one reader, HoMM.ImageData's, which homm-search's data export uses too).</summary>
    internal static byte[] ReadIdx(string path, int rank, out int[] dims)
    {
        try
        {
            return IdxFile.Read(path, rank, out dims);
        }
        catch (ImageDataException e)
        {
            throw new DataException(e.Message);
        }
    }
}

/// <summary>The data set is missing or malformed; the message says what to do.</summary>
public sealed class DataException(string message) : Exception(message);
