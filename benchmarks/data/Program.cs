// benchmarks/data: see ./run for what it measures and its flags.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using HoMM.ImageData.Export;
using HoMM.ImageData.Index;
using HoMM.ImageData.Loading;
using HoMM.ImageData.Randomness;
using HoMM.ImageData.Transforms;

var opt = Args.Parse(args);
var root = Args.RepoRoot();
var folder = opt.Get("--folder", Path.Join(root, ".build", "bench-data", "synthetic"));
var images = int.Parse(opt.Get("--images", "2000"), CultureInfo.InvariantCulture);
var rounds = int.Parse(opt.Get("--rounds", "3"), CultureInfo.InvariantCulture);
var batch = int.Parse(opt.Get("--batch", "64"), CultureInfo.InvariantCulture);
var batches = int.Parse(opt.Get("--batches", "20"), CultureInfo.InvariantCulture);
var indexFiles = int.Parse(opt.Get("--index-files", "100000"), CultureInfo.InvariantCulture);
var workerCounts = opt.Get("--workers", "1,2").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var markdown = opt.GetOrNull("--markdown");
const int Size = 160;
var report = new StringBuilder();

if (!Directory.Exists(Path.Join(folder, "train")))
{
    const int classes = 10;
    Console.WriteLine($"writing the synthetic folder ({images} training images, {classes} classes) to {folder} ...");
    SyntheticImageFolder.Write(folder, classes, images / classes, Math.Max(2, images / classes / 10));
}

var index = ImageFolderIndex.Open(folder);
Console.WriteLine($"{index.Train.Count} training images, {index.Classes.Count} classes, mean file {MeanKiB(index.Train):F0} KiB; " +
                  $"{Environment.ProcessorCount} cores; .NET {Environment.Version}; load average {LoadAverage()}");
var transform = new ImageTransformOptions { ImageSize = Size };

// Warm-up: JIT, libjpeg-turbo, page cache for both sides.
Ours(index.Train, transform, 1, batch, Math.Min(batches, 5));
Torchvision(folder, 1, batch, 3);

var results = new Dictionary<(string, int), List<double>>();
for (var round = 1; round <= rounds; round++)
{
    foreach (var w in workerCounts)
    {
        Add(("ours", w), Ours(index.Train, transform, w, batch, batches));
        Add(("torchvision", w), Torchvision(folder, w, batch, batches));
        Console.WriteLine($"round {round}, {w} worker(s): ours {results[("ours", w)][^1]:F0} images/s, torchvision {results[("torchvision", w)][^1]:F0} images/s");
    }
}

report.AppendLine(CultureInfo.InvariantCulture, $"Decode + transforms + batch assembly, {Size} px, batch {batch}, {batches} batches per run after the first, median of {rounds} interleaved rounds (images/s):");
report.AppendLine();
report.AppendLine("| workers | HoMM.ImageData | torchvision ImageFolder + DataLoader | ratio | ours per worker | torchvision per worker |");
report.AppendLine("|---|---|---|---|---|---|");
foreach (var w in workerCounts)
{
    var ours = Median(results[("ours", w)]);
    var tv = Median(results[("torchvision", w)]);
    report.AppendLine(CultureInfo.InvariantCulture, $"| {w} | {ours:F0} | {tv:F0} | {ours / tv:F2}× | {ours / w:F0} | {tv / w:F0} |");
}

report.AppendLine();
report.AppendLine(Parity(folder, index));
report.AppendLine();
report.AppendLine(IndexTiming(root, indexFiles));
Console.WriteLine();
Console.WriteLine(report);
if (markdown is not null)
    File.WriteAllText(markdown, report.ToString());
return;

void Add((string, int) key, double value)
{
    if (!results.TryGetValue(key, out var list))
        results[key] = list = [];
    list.Add(value);
}

static double Ours(ImageList train, ImageTransformOptions transform, int workers, int batch, int batches)
{
    using var loader = ImageLoader.ForTraining(train, transform, new ImageLoaderOptions { BatchSize = batch, Workers = workers, Seed = 1 });
    loader.Next(); // threads up, first batch made
    var start = Stopwatch.GetTimestamp();
    var n = 0;
    for (var i = 0; i < batches; i++)
        n += loader.Next()!.Count;
    return n / Stopwatch.GetElapsedTime(start).TotalSeconds;
}

static double Torchvision(string folder, int workers, int batch, int batches)
{
    var json = Python("--folder", folder, "--workers", workers.ToString(CultureInfo.InvariantCulture), "--batch", batch.ToString(CultureInfo.InvariantCulture),
        "--batches", batches.ToString(CultureInfo.InvariantCulture), "--size", Size.ToString(CultureInfo.InvariantCulture));
    using var doc = JsonDocument.Parse(json);
    return doc.RootElement.GetProperty("images").GetDouble() / doc.RootElement.GetProperty("seconds").GetDouble();
}

static string Parity(string folder, ImageFolderIndex index)
{
    var output = Path.Join(Path.GetTempPath(), $"homm-bench-parity-{Environment.ProcessId}.bin");
    Python("--folder", folder, "--mode", "parity", "--count", "40", "--size", Size.ToString(CultureInfo.InvariantCulture), "--out", output);
    var expected = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(output)).ToArray();
    var paths = File.ReadAllLines(output + ".txt");
    File.Delete(output);
    File.Delete(output + ".txt");
    var text = new StringBuilder($"Evaluation transform (resize {Size} + center crop + normalise) against torchvision's on the first {paths.Length} val/ images, mean |difference| in units of the [0, 1] range:");
    foreach (var shrink in new[] { false, true })
    {
        using var t = new ImageTransformer(new ImageTransformOptions { ImageSize = Size, ShrinkOnLoad = shrink }, training: false);
        var mine = new float[t.OutputLength];
        double total = 0;
        for (var i = 0; i < paths.Length; i++)
        {
            var rng = new SampleRandom(0, RandomStream.Sample, 0);
            t.Transform(File.ReadAllBytes(paths[i]), ref rng, mine);
            double sum = 0;
            for (var j = 0; j < mine.Length; j++)
                sum += Math.Abs(mine[j] - expected[(i * mine.Length) + j]);
            total += sum / mine.Length / 2; // normalised values span 2
        }

        text.Append(CultureInfo.InvariantCulture, $" {(shrink ? "shrink-on-load" : "exact decode")} {total / paths.Length * 255:F2}/255;");
    }

    _ = index;
    return text.ToString().TrimEnd(';') + ".";
}

static string IndexTiming(string root, int files)
{
    var tree = Path.Join(root, ".build", "bench-data", $"index-{files}");
    const int classes = 1000;
    if (!Directory.Exists(tree))
    {
        Console.WriteLine($"writing an index tree of {files} empty files to {tree} ...");
        for (var c = 0; c < classes; c++)
        {
            var name = SyntheticImageFolder.ClassName(c);
            Directory.CreateDirectory(Path.Join(tree, "train", name));
            Directory.CreateDirectory(Path.Join(tree, "val", name));
            for (var i = 0; i < files / classes; i++)
                File.WriteAllBytes(Path.Join(tree, "train", name, $"{name}_{i:D5}.JPEG"), []);
            File.WriteAllBytes(Path.Join(tree, "val", name, $"val_{c:D5}.JPEG"), []);
        }
    }

    var scans = new List<double>();
    var loads = new List<double>();
    for (var i = 0; i < 3; i++)
    {
        var start = Stopwatch.GetTimestamp();
        var scanned = ImageFolderIndex.Open(tree, new ImageFolderIndexOptions { UseCache = false });
        scans.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        _ = scanned;
    }

    ImageFolderIndex.Open(tree); // writes the cache (or finds it)
    ImageFolderIndex? cached = null;
    for (var i = 0; i < 3; i++)
    {
        var start = Stopwatch.GetTimestamp();
        cached = ImageFolderIndex.Open(tree);
        loads.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    var size = new FileInfo(cached!.CachePath!).Length;
    return string.Create(CultureInfo.InvariantCulture,
        $"Index of {cached.Train.Count + cached.Test.Count} files in {classes} classes (page cache warm), median of 3: scan {Median(scans) * 1000:F0} ms, cache load {Median(loads) * 1000:F0} ms ({(cached.FromCache ? "from the cache" : "NOT from the cache")}, {size / 1024} KiB); " +
        $"ImageNet's 1.28 M files scale this about {1_331_167.0 / (cached.Train.Count + cached.Test.Count):F0}×.");
}

static string Python(params string[] arguments)
{
    var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
    start.ArgumentList.Add(Path.Join(Args.RepoRoot(), "benchmarks", "data", "torchvision_loader.py"));
    foreach (var a in arguments)
        start.ArgumentList.Add(a);
    using var p = Process.Start(start)!;
    var stderr = p.StandardError.ReadToEndAsync();
    var stdout = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0)
        throw new InvalidOperationException($"torchvision_loader.py failed ({p.ExitCode}): {stderr.Result}");
    return stdout.Trim().Split('\n')[^1];
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

static double MeanKiB(ImageList list) => Enumerable.Range(0, Math.Min(list.Count, 200)).Average(i => new FileInfo(list.Path(i)).Length) / 1024;

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

internal sealed class Args
{
    private readonly Dictionary<string, string> _values = [];

    public static Args Parse(string[] args)
    {
        var a = new Args();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"unknown argument '{args[i]}' (see benchmarks/data/run)");
            a._values[args[i]] = args[++i];
        }

        return a;
    }

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public string? GetOrNull(string name) => _values.GetValueOrDefault(name);

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Join(dir.FullName, "HoMM.Search.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("HoMM.Search.sln not found above " + AppContext.BaseDirectory);
    }
}
