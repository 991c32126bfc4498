using System.IO.Enumeration;
using System.Text;

namespace HoMM.ImageData.Index;

/// <summary>
/// An image folder in ImageNet's layout — <c>root/train/&lt;class&gt;/…</c> and
/// <c>root/val/&lt;class&gt;/…</c>, JPEG and PNG files (extensions .jpg, .jpeg, .png in any case),
/// nested folders inside a class allowed — indexed as torchvision's <c>ImageFolder</c> does: class
/// index = class folder names sorted ordinally, files sorted by folder path then name. train/ is
/// the training data (hold out a validation part with <see cref="ImageList.HoldOut(int, long)"/>);
/// val/ is the test set. The index is cached (<see cref="IndexCache"/>) so that a study's trials
/// do not each rescan a million files.
/// </summary>
public sealed class ImageFolderIndex
{
    /// <summary>The file extensions indexed (compared case-insensitively).</summary>
    public static readonly IReadOnlyList<string> Extensions = [".jpg", ".jpeg", ".png"];

    internal ImageFolderIndex(string root, string[] classes, ImageList train, ImageList test, IReadOnlyList<DirectoryStamp> stamps)
    {
        Root = root;
        Classes = classes;
        Train = train;
        Test = test;
        Stamps = stamps;
    }

    /// <summary>The image folder, as a full path.</summary>
    public string Root { get; }

    /// <summary>Class names; index = label.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Every image of train/.</summary>
    public ImageList Train { get; }

    /// <summary>Every image of val/: the test set, evaluated once at the end of a trial.</summary>
    public ImageList Test { get; }

    /// <summary>Whether this index came from the cache (true) or a scan of the folder (false).</summary>
    public bool FromCache { get; internal set; }

    /// <summary>The cache file read or written; null when none could be written (then every open scans).</summary>
    public string? CachePath { get; internal set; }

    /// <summary>Modification times of every folder scanned: the cache is valid while they are unchanged.</summary>
    internal IReadOnlyList<DirectoryStamp> Stamps { get; }

    /// <summary>
    /// The index of <paramref name="root"/>: from the cache when it is still valid, else scanned
    /// (and the cache written). Throws <see cref="ImageDataException"/> naming the broken rule.
    /// </summary>
    public static ImageFolderIndex Open(string root, ImageFolderIndexOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= new ImageFolderIndexOptions();
        var full = System.IO.Path.GetFullPath(root);
        if (!Directory.Exists(full))
            throw new ImageDataException($"image folder '{root}' does not exist; expected {Layout(root)}");
        if (options.UseCache && IndexCache.TryRead(full, options.CacheDirectory) is { } cached)
            return cached;
        var index = Scan(full, root);
        if (options.UseCache)
            index.CachePath = IndexCache.TryWrite(index, options.CacheDirectory);
        return index;
    }

    /// <summary>Scans <paramref name="full"/> without the cache.</summary>
    internal static ImageFolderIndex Scan(string full, string shown)
    {
        var stamps = new List<DirectoryStamp>();
        var trainClasses = ClassFolders(full, "train", shown);
        var testClasses = ClassFolders(full, "val", shown);
        var missingFromTest = trainClasses.Except(testClasses, StringComparer.Ordinal).ToList();
        var notInTrain = testClasses.Except(trainClasses, StringComparer.Ordinal).ToList();
        if (notInTrain.Count > 0)
            throw new ImageDataException($"image folder '{shown}': val/ has class folders that train/ lacks: {Names(notInTrain)}; both must hold the same classes");
        if (missingFromTest.Count > 0)
            throw new ImageDataException($"image folder '{shown}': train/ classes missing from val/ (the test set): {Names(missingFromTest)}; both must hold the same classes");
        var classes = trainClasses;
        var train = ScanSplit(full, "train", classes, shown, stamps);
        var test = ScanSplit(full, "val", classes, shown, stamps);
        return new ImageFolderIndex(full, classes, new ImageList(train), new ImageList(test), stamps);
    }

    /// <summary>
    /// The class names of the folder <paramref name="root"/> by the index's rule (the folders of
    /// train/, sorted ordinally; index = label) without scanning any file: what a model's output
    /// size is counted from before a trial opens the index. Throws <see cref="ImageDataException"/>
    /// when the folder or its train/ is missing or has no class folder.
    /// </summary>
    public static IReadOnlyList<string> ClassNames(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = System.IO.Path.GetFullPath(root);
        if (!Directory.Exists(full))
            throw new ImageDataException($"image folder '{root}' does not exist; expected {Layout(root)}");
        return ClassFolders(full, "train", root);
    }

    private static string[] ClassFolders(string full, string split, string shown)
    {
        var dir = System.IO.Path.Join(full, split);
        if (!Directory.Exists(dir))
            throw new ImageDataException($"image folder '{shown}' has no {split}/ folder; expected {Layout(shown)}");
        var classes = Directory.EnumerateDirectories(dir).Select(System.IO.Path.GetFileName).OfType<string>().ToArray();
        if (classes.Length == 0)
            throw new ImageDataException($"image folder '{shown}': {split}/ has no class folders; expected {Layout(shown)}");
        Array.Sort(classes, StringComparer.Ordinal);
        return classes;
    }

    private static ImageListData ScanSplit(string full, string split, string[] classes, string shown, List<DirectoryStamp> stamps)
    {
        var splitDir = System.IO.Path.Join(full, split);
        stamps.Add(DirectoryStamp.Of(full, splitDir));
        var names = new MemoryStream();
        var offsets = new List<int> { 0 };
        var labels = new List<int>();
        var empty = new List<string>();
        for (var label = 0; label < classes.Length; label++)
        {
            var before = labels.Count;
            // os.walk order, as torchvision sorts it: each folder's files by name, folders by full path.
            var folders = new List<(string Relative, string[] Files)>();
            Walk(full, System.IO.Path.Join(splitDir, classes[label]), classes[label], folders, stamps);
            folders.Sort((a, b) => string.CompareOrdinal(a.Relative, b.Relative));
            foreach (var (relative, files) in folders)
            {
                foreach (var file in files)
                {
                    var bytes = Encoding.UTF8.GetBytes(relative + "/" + file);
                    names.Write(bytes);
                    offsets.Add(checked((int)names.Length));
                    labels.Add(label);
                }
            }

            if (labels.Count == before)
                empty.Add(classes[label]);
        }

        if (labels.Count == 0)
            throw new ImageDataException($"image folder '{shown}': {split}/ has no images (JPEG or PNG files named *.jpg, *.jpeg or *.png)");
        if (empty.Count > 0)
            throw new ImageDataException($"image folder '{shown}': {split}/ class folders without a JPEG or PNG image: {Names(empty)}");
        return new ImageListData(splitDir, classes, names.ToArray(), offsets.ToArray(), labels.ToArray());
    }

    private static void Walk(string root, string dir, string relative, List<(string, string[])> folders, List<DirectoryStamp> stamps)
    {
        stamps.Add(DirectoryStamp.Of(root, dir));
        var files = new List<string>();
        var subdirs = new List<string>();
        // The entry's type comes from readdir (d_type): no stat per file, which is what keeps a
        // scan of ImageNet's 1.28 M files to seconds.
        var entries = new FileSystemEnumerable<(string Name, bool Directory)>(
            dir, (ref FileSystemEntry e) => (e.FileName.ToString(), e.IsDirectory), new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = 0 });
        foreach (var (name, isDirectory) in entries)
        {
            if (isDirectory)
                subdirs.Add(name);
            else if (IsImageName(name))
                files.Add(name);
        }

        files.Sort(StringComparer.Ordinal);
        folders.Add((relative, files.ToArray()));
        foreach (var sub in subdirs)
            Walk(root, System.IO.Path.Join(dir, sub), relative + "/" + sub, folders, stamps);
    }

    /// <summary>Whether a file name has an indexed extension.</summary>
    public static bool IsImageName(string name)
    {
        foreach (var ext in Extensions)
        {
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase))
                return true;
        }

        return false;
    }

    private static string Layout(string root) => $"{root}/train/<class>/*.jpg and {root}/val/<class>/*.jpg (ImageNet layout; PNG too)";

    private static string Names(List<string> names) =>
        string.Join(", ", names.Take(10)) + (names.Count > 10 ? $" … ({names.Count} in all)" : "");
}

/// <summary>How <see cref="ImageFolderIndex.Open"/> caches.</summary>
public sealed record ImageFolderIndexOptions
{
    /// <summary>Read and write the index cache (default true).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Where the cache goes when the image folder is read-only; default $XDG_CACHE_HOME/homm-search/image-index (~/.cache/…).</summary>
    public string? CacheDirectory { get; init; }
}

/// <summary>A scanned folder (relative to the image folder) and its modification time in ticks.</summary>
internal readonly record struct DirectoryStamp(string Relative, long Ticks)
{
    public static DirectoryStamp Of(string root, string dir) =>
        new(System.IO.Path.GetRelativePath(root, dir), new DirectoryInfo(dir).LastWriteTimeUtc.Ticks);
}
