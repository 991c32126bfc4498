using HoMM.ImageData.Export;
using HoMM.Trainer.Data;

namespace HoMM.Trainer.Tests;

/// <summary>Fashion-MNIST written as an image folder of RGB JPEGs (28 px), once per test class: the first <see cref="Limit"/> images of each split.</summary>
public sealed class SmallFashionFolder : IDisposable
{
    public const int Limit = 600;

    public SmallFashionFolder()
    {
        Path = TestData.TempDirectory();
        FashionMnistFolder.Write(FashionMnist.DefaultPath, Path, ImageFileFormat.Jpeg, Limit);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
