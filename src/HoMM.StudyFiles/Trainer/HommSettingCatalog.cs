namespace HoMM.StudyFiles.Trainer;

internal enum SettingType
{
    Int,
    Float,

    /// <summary>One of a fixed set of words.</summary>
    Choice,

    /// <summary>Free text (a path).</summary>
    Text,
}

/// <summary>
/// One setting of the built-in HoMM trainer: where it lives in <c>trainer</c> (<see cref="Section"/>:
/// model, optim, data, or empty for top-level), its type and valid range, its default (null:
/// required), and whether a search-space parameter of the same name may override it.
/// </summary>
internal sealed record SettingSpec(
    string Name,
    string Section,
    SettingType Type,
    string Meaning,
    object? Default = null,
    double Min = double.NegativeInfinity,
    double Max = double.PositiveInfinity,
    bool MinExclusive = false,
    bool MaxExclusive = false,
    IReadOnlyList<string>? Choices = null,
    bool Searchable = true)
{
    public string Path => Section.Length == 0 ? $"trainer.{Name}" : $"trainer.{Section}.{Name}";

    public bool InRange(double x) =>
        (MinExclusive ? x > Min : x >= Min) && (MaxExclusive ? x < Max : x <= Max);
}

/// <summary>The built-in trainer's settings. Names are unique across sections, so a search-space parameter names one directly.</summary>
internal static class HommSettingCatalog
{
    public const string FashionMnist = "fashion-mnist";
    public const string ImageFolder = "imagefolder";
    public const string FashionMnistPath = "/usr/share/datasets/fashion-mnist";

    public static readonly IReadOnlyList<string> Sections = ["model", "optim", "data"];

    public static readonly IReadOnlyList<SettingSpec> All =
    [
        new("dim", "model", SettingType.Int, "width of the token embeddings", Min: 1, Max: 65536),
        new("layers", "model", SettingType.Int, "number of HoM layers", Min: 1, Max: 1024),
        new("patch", "model", SettingType.Int, "patch size in pixels", Min: 1, Max: 1024),
        new("order", "model", SettingType.Int, "highest moment order", Min: 1, Max: 16),
        new("order_expand", "model", SettingType.Int, "expansion of each moment's projection", Min: 1, Max: 64),
        new("ffw_expand", "model", SettingType.Int, "expansion of the feed-forward block", 4L, Min: 1, Max: 64),
        new("dropout", "model", SettingType.Float, "dropout probability", 0.0, Min: 0, Max: 1, MaxExclusive: true),
        new("pooling", "model", SettingType.Choice, "how the image representation is read out", "cls", Choices: ["cls", "mean"]),
        new("lr", "optim", SettingType.Float, "peak learning rate of AdamW", Min: 0, MinExclusive: true, Max: 10),
        new("wd", "optim", SettingType.Float, "decoupled weight decay", 0.01, Min: 0, Max: 10),
        new("warmup", "optim", SettingType.Int, "linear warm-up steps before the cosine decay", 0L, Min: 0, Max: 1e9),
        new("steps", "optim", SettingType.Int, "training steps", Min: 1, Max: 1e9),
        new("batch", "optim", SettingType.Int, "examples per step", Min: 1, Max: 1 << 20),
        new("clip", "optim", SettingType.Float, "gradient-norm clipping (0: off)", 1.0, Min: 0, Max: 1e6),
        new("dataset", "data", SettingType.Choice, "the data", Choices: [FashionMnist, ImageFolder], Searchable: false),
        new("path", "data", SettingType.Text, $"where the data is (fashion-mnist: {FashionMnistPath})", Searchable: false),
        new("image_size", "data", SettingType.Int, "side of the (square) input images in pixels", Min: 1, Max: 4096, Searchable: false),
        new("eval_every", "", SettingType.Int, "evaluate (and checkpoint) every this many steps", 500L, Min: 1, Max: 1e9, Searchable: false),
        new("seed", "", SettingType.Int, "seed of initialisation and data order", 0L, Min: 0, Max: 1L << 53),
        new("threads", "", SettingType.Int, "CPU threads per trial (default: the slot's share of the cores)", Min: 1, Max: 1024, Searchable: false),
        new("device", "", SettingType.Choice, "where to train", "auto", Choices: ["auto", "cpu", "cuda"], Searchable: false),
    ];

    /// <summary>Settings without a default that must be given (or searched), by dataset rules applied in the binder.</summary>
    public static bool IsRequired(SettingSpec s) => s.Default is null && s.Name is not ("path" or "image_size" or "threads");

    public static SettingSpec? Find(string name) => All.FirstOrDefault(s => s.Name == name);

    public static IEnumerable<SettingSpec> InSection(string section) => All.Where(s => s.Section == section);
}
