namespace HoMM.TrainerSettings;

/// <summary>
/// The shape of a HoMVision classifier: everything its parameter and FLOP counts depend on.
/// The defaults describe Fashion-MNIST (28×28 grey images, 10 classes).
/// </summary>
/// <param name="Dim">Width of the token embeddings (d).</param>
/// <param name="Layers">Number of HoM layers.</param>
/// <param name="Patch">Patch side in pixels (the stem is a Conv2d with kernel = stride = patch).</param>
/// <param name="Order">Highest moment order (k).</param>
/// <param name="OrderExpand">Expansion of each moment's projection (e): ho_proj has k·e·d outputs.</param>
/// <param name="FfwExpand">Expansion of the feed-forward block (f): its hidden layer has f·d units.</param>
/// <param name="ImageSize">Side of the square input images in pixels.</param>
/// <param name="Channels">Input channels (1 for grey images, 3 for RGB).</param>
/// <param name="Classes">Number of classes of the output projection.</param>
public sealed record HommShape(
    int Dim,
    int Layers,
    int Patch,
    int Order,
    int OrderExpand,
    int FfwExpand = 4,
    int ImageSize = 28,
    int Channels = 1,
    int Classes = 10)
{
    /// <summary>Image tokens: the stem's output grid, (⌊ImageSize / Patch⌋)² (a Conv2d with stride = kernel drops the remainder).</summary>
    public long PatchTokens => (long)(ImageSize / Patch) * (ImageSize / Patch);

    /// <summary>Tokens each layer sees: the image tokens and the cls token.</summary>
    public long Tokens => PatchTokens + 1;

    /// <summary>Width of the high-order projections: Order · OrderExpand · Dim.</summary>
    public long HighOrderWidth => (long)Order * OrderExpand * Dim;

    /// <summary>
    /// The model a trial's settings describe: the one settings → shape mapping (homm-train builds this
    /// model; the dispatcher counts it for max_params / max_flops). The image format comes from the
    /// data set (<see cref="HommDataset"/>) unless the caller knows it from the data itself.
    /// </summary>
    /// <param name="settings">The trial's settings.</param>
    /// <param name="classes">Number of classes; null: the data set's (an image folder's must be given: it is counted where the data is).</param>
    /// <param name="channels">Colour channels; null: the data set's.</param>
    /// <param name="imageSize">Image side; null: data.image_size.</param>
    /// <exception cref="ArgumentException">The data set is unknown, or its classes must be counted and were not given.</exception>
    public static HommShape Of(HommTrainerSettings settings, int? classes = null, int? channels = null, int? imageSize = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dataset = HommDataset.Find(settings.Data.Dataset);
        var m = settings.Model;
        return new HommShape(m.Dim, m.Layers, m.Patch, m.Order, m.OrderExpand, m.FfwExpand,
            imageSize ?? settings.Data.ImageSize,
            channels ?? dataset?.Channels ?? throw new ArgumentException($"unknown data set '{settings.Data.Dataset}'", nameof(settings)),
            classes ?? dataset?.Classes ?? throw new ArgumentException($"the number of classes of {settings.Data.Dataset} must be counted from the data; pass it", nameof(classes)));
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming every value out of range.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        void Positive(string name, int value)
        {
            if (value < 1)
                errors.Add($"{name} must be at least 1 (got {value})");
        }

        Positive("dim", Dim);
        Positive("layers", Layers);
        Positive("patch", Patch);
        Positive("order", Order);
        Positive("order_expand", OrderExpand);
        Positive("ffw_expand", FfwExpand);
        Positive("image_size", ImageSize);
        Positive("channels", Channels);
        Positive("classes", Classes);
        if (Patch >= 1 && ImageSize >= 1 && Patch > ImageSize)
            errors.Add($"patch ({Patch}) must not exceed image_size ({ImageSize}): the image would have no patch");
        if (errors.Count > 0)
            throw new ArgumentException("invalid HoMM model shape: " + string.Join("; ", errors));
    }
}
