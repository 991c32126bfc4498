namespace HoMM.TrainerSettings;

/// <summary>
/// A data set homm-train knows (<c>data.dataset</c>): where it is by default, its image format, and
/// whether homm-train can train on it yet.
/// </summary>
/// <param name="Name">Its <c>data.dataset</c> word.</param>
/// <param name="Meaning">What it is, in a few words.</param>
/// <param name="Honoured">False while homm-train cannot read it: <c>validate</c> and homm-train refuse it.</param>
/// <param name="DefaultPath">data.path when the study file leaves it out; null: data.path is required.</param>
/// <param name="ImageSize">The only image side it has (data.image_size must be this, and defaults to it); null: data.image_size is required.</param>
/// <param name="Channels">Colour channels of its images.</param>
/// <param name="Classes">Number of classes; null: one sub-folder per class, counted where the data is.</param>
public sealed record HommDataset(string Name, string Meaning, bool Honoured, string? DefaultPath, int? ImageSize, int Channels, int? Classes)
{
    public const string FashionMnistName = "fashion-mnist";
    public const string ImageFolderName = "imagefolder";

    /// <summary>Where Debian's dataset-fashion-mnist package puts the IDX files.</summary>
    public const string FashionMnistPath = "/usr/share/datasets/fashion-mnist";

    public static HommDataset FashionMnist { get; } =
        new(FashionMnistName, "Fashion-MNIST IDX files (28×28 grey, 10 classes)", Honoured: true, FashionMnistPath, ImageSize: 28, Channels: 1, Classes: 10);

    public static HommDataset ImageFolder { get; } =
        new(ImageFolderName, "an image folder (one sub-folder per class, train/ and val/)", Honoured: true, DefaultPath: null, ImageSize: null, Channels: 3, Classes: null);

    /// <summary>Every data set, in the order docs and messages list them.</summary>
    public static IReadOnlyList<HommDataset> All { get; } = [FashionMnist, ImageFolder];

    public static HommDataset? Find(string? name) => All.FirstOrDefault(d => d.Name == name);
}
