using System.Text;

namespace HoMM.ImageData.Index;

/// <summary>
/// An ordered list of labelled image files: one split of an image folder (train/ or val/) or a
/// subset of one (the hold-out). Paths are held as one UTF-8 blob with offsets rather than a
/// string each: ImageNet's 1.28 M paths cost ~40 MB this way and load from the index cache in
/// one read. Immutable and thread-safe.
/// </summary>
public sealed class ImageList
{
    private readonly ImageListData _data;
    private readonly int[]? _map;

    internal ImageList(ImageListData data, int[]? map = null)
    {
        _data = data;
        _map = map;
    }

    /// <summary>The split folder the relative paths start from (e.g. /data/imagenet/train).</summary>
    public string Folder => _data.Folder;

    /// <summary>Class names, index = label (shared by every list of one image folder).</summary>
    public IReadOnlyList<string> Classes => _data.Classes;

    public int Count => _map?.Length ?? _data.Labels.Length;

    /// <summary>Label of image <paramref name="i"/>.</summary>
    public int Label(int i) => _data.Labels[Source(i)];

    /// <summary>Path of image <paramref name="i"/> relative to <see cref="Folder"/>, '/'-separated (e.g. n01440764/n01440764_10026.JPEG).</summary>
    public string RelativePath(int i)
    {
        var s = Source(i);
        return Encoding.UTF8.GetString(_data.Names.AsSpan(_data.Offsets[s], _data.Offsets[s + 1] - _data.Offsets[s]));
    }

    /// <summary>Full path of image <paramref name="i"/>.</summary>
    public string Path(int i) => System.IO.Path.Join(Folder, RelativePath(i));

    /// <summary>Number of images per class in this list.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[Classes.Count];
        for (var i = 0; i < Count; i++)
            counts[Label(i)]++;
        return counts;
    }

    /// <summary>
    /// Holds out <paramref name="count"/> images as a validation set by <see cref="StratifiedHoldOut"/>:
    /// stratified by class, drawn from (seed, label) alone. The two parts are disjoint and keep the
    /// list's order.
    /// </summary>
    public HoldOutSplit HoldOut(int count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count >= Count)
            throw new ImageDataException($"hold-out of {count} images from {Folder} leaves nothing to train on: it has {Count} images (use fewer, or a fraction such as 0.01)");
        var labels = new int[Count];
        for (var i = 0; i < labels.Length; i++)
            labels[i] = Label(i);
        var (train, validation) = StratifiedHoldOut.Split(labels, Classes.Count, count, seed);
        return new HoldOutSplit(new ImageList(_data, train.Select(Source).ToArray()), new ImageList(_data, validation.Select(Source).ToArray()));
    }

    /// <summary>Holds out round(<paramref name="fraction"/> × Count) images; see <see cref="HoldOut(int, long)"/>.</summary>
    public HoldOutSplit HoldOut(double fraction, long seed)
    {
        if (!(fraction is > 0 and < 1))
            throw new ImageDataException($"hold-out fraction {fraction} must be in (0, 1)");
        return HoldOut((int)Math.Round(fraction * Count, MidpointRounding.ToEven), seed);
    }

    /// <summary>The first <paramref name="count"/> images (quick runs and tests).</summary>
    public ImageList Take(int count)
    {
        count = Math.Clamp(count, 0, Count);
        var map = new int[count];
        for (var i = 0; i < count; i++)
            map[i] = Source(i);
        return new ImageList(_data, map);
    }

    /// <summary>The arrays behind a whole split (the index cache writes them as they are).</summary>
    internal ImageListData Data => _map is null ? _data : throw new InvalidOperationException("a subset has no arrays of its own");

    private int Source(int i) => _map is null ? i : _map[i];
}

/// <summary>A list split into the images to train on and the held-out validation images.</summary>
public sealed record HoldOutSplit(ImageList Train, ImageList Validation);

/// <summary>The arrays behind a split folder's list: names blob, offsets (Count + 1), labels.</summary>
internal sealed record ImageListData(string Folder, string[] Classes, byte[] Names, int[] Offsets, int[] Labels);
