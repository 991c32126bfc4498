// Decoder comparison for HoMM.ImageData: decode + resize shorter side to 160 + center crop 160,
// single-threaded (images/s per core), over the JPEGs of a folder read into memory first (file
// I/O is the same for every candidate and left out). Each candidate decodes to RGB bytes, with
// and without its shrink-on-load, and the same resampler (HoMM.ImageData's) does resize + crop,
// so the numbers compare decoders; "native" rows let the library do everything itself.
// Rounds are interleaved so machine load hits every candidate alike.
using System.Diagnostics;
using System.Runtime.InteropServices;
using HoMM.ImageData.Decoding;
using HoMM.ImageData.Transforms;
using SixLabors.ImageSharp.Processing;
using static K;

if (args.Length > 0 && args[0] == "parity")
{
    // parity DIR: DIR/tv160.txt lists images, DIR/tv160.bin holds torchvision's 3×160×160 float32 for each.
    var names = File.ReadAllLines(Path.Join(args[1], "tv160.txt"));
    var expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Join(args[1], "tv160.bin"))).ToArray();
    foreach (var shrinkOnLoad in new[] { false, true })
    {
        using var t = new ImageTransformer(new ImageTransformOptions { ImageSize = 160, ShrinkOnLoad = shrinkOnLoad }, false);
        var output = new float[t.OutputLength];
        double total = 0;
        for (var i = 0; i < names.Length; i++)
        {
            var rng = new HoMM.ImageData.Randomness.SampleRandom(0, HoMM.ImageData.Randomness.RandomStream.Sample, 0);
            t.Transform(File.ReadAllBytes(Path.Join(args[1], names[i])), ref rng, output);
            double sum = 0;
            for (var j = 0; j < output.Length; j++)
                sum += Math.Abs(output[j] - expected[(i * output.Length) + j]);
            total += sum / output.Length;
        }

        Console.WriteLine($"shrink-on-load {shrinkOnLoad}: mean |ours - torchvision| = {total / names.Length * 255 / 2:F3}/255 of [0, 1] over {names.Length} images");
    }

    return;
}

var folder = args.Length > 0 ? args[0] : throw new ArgumentException("usage: decoders FOLDER [rounds]");
var rounds = args.Length > 1 ? int.Parse(args[1]) : 3;
var files = Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
    .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase))
    .Order(StringComparer.Ordinal).Take(400).Select(File.ReadAllBytes).ToArray();
Console.WriteLine($"{files.Length} JPEGs, {files.Sum(f => (long)f.Length) / files.Length / 1024} KiB mean, {rounds} rounds, 1 thread; images per CPU-second, median of the rounds");

NetVips.Cache.Max = 0;
NetVips.NetVips.Concurrency = 1;
var candidates = new (string Name, Func<byte[], bool, RgbImage, bool> Decode)[]
{
    ("libturbojpeg (Debian 2.1.5)", TurboJpeg.Decode),
    ("SkiaSharp 4.156.1", Skia.Decode),
    ("NetVips 3.2.0 / libvips 8.18.7", Vips.Decode),
    ("ImageSharp 2.1.13", Sharp.Decode),
};
var results = new Dictionary<string, List<double>>();
var resampler = new Resampler();
var planes = new float[3 * Size * Size];
var image = new RgbImage();
for (var round = 0; round < rounds + 1; round++)
{
    foreach (var (name, decode) in candidates)
    {
        foreach (var shrink in new[] { false, true })
        {
            if (name.StartsWith("ImageSharp", StringComparison.Ordinal) && shrink)
                continue; // 2.x has no scaled JPEG decoding
            var sw = CpuClock.StartNew();
            foreach (var f in files)
            {
                decode(f, shrink, image);
                Crop(resampler, image, planes);
            }

            Record($"{name}{(shrink ? ", shrink-on-load" : "")} + our resampler", sw, round);
            var decodeOnly = CpuClock.StartNew();
            foreach (var f in files)
                decode(f, shrink, image);
            Record($"{name}{(shrink ? ", shrink-on-load" : "")}: decode only", decodeOnly, round);
        }
    }

    var vips = CpuClock.StartNew();
    foreach (var f in files)
        Vips.Thumbnail(f);
    Record("NetVips thumbnail (native shrink+resize+crop) to bytes", vips, round);
    var sharp = CpuClock.StartNew();
    foreach (var f in files)
        Sharp.Native(f);
    Record("ImageSharp Load + Resize(Crop, Triangle) to bytes", sharp, round);
}

foreach (var (name, times) in results)
    Console.WriteLine($"| {name} | {files.Length / times.Order().ElementAt(times.Count / 2):F0} |");

void Record(string name, CpuClock sw, int round)
{
    if (round == 0)
        return; // warm-up: JIT and library start-up
    if (!results.TryGetValue(name, out var list))
        results[name] = list = [];
    list.Add(sw.Seconds);
}

static void Crop(Resampler resampler, RgbImage image, float[] planes)
{
    var (w, h) = (image.Width, image.Height);
    var scale = (double)Size / Math.Min(w, h);
    var rw = w <= h ? Size : (int)(Size * (double)w / h);
    var rh = h <= w ? Size : (int)(Size * (double)h / w);
    var left = Math.Round((rw - Size) / 2.0);
    var top = Math.Round((rh - Size) / 2.0);
    var sx = (double)w / rw;
    var sy = (double)h / rh;
    _ = scale;
    resampler.Resample(image, new SourceBox(left * sx, top * sy, Size * sx, Size * sy), Size, Size, false, planes, 1 / 127.5f, -1f);
}

/// <summary>
/// CPU seconds of this process (all its threads: libvips's too) rather than wall time: the
/// development machine is shared, and images per CPU-second is the per-core rate asked for.
/// </summary>
sealed class CpuClock
{
    private readonly TimeSpan _start = Process.GetCurrentProcess().TotalProcessorTime;

    public static CpuClock StartNew() => new();

    public double Seconds => (Process.GetCurrentProcess().TotalProcessorTime - _start).TotalSeconds;
}

static class K
{
    public const int Size = 160;
}

static unsafe class TurboJpeg
{
    [ThreadStatic] private static IntPtr _handle;

    [DllImport("libturbojpeg.so.0")] private static extern IntPtr tjInitDecompress();
    [DllImport("libturbojpeg.so.0")] private static extern int tjDecompressHeader3(IntPtr h, byte* buf, nuint size, out int w, out int hh, out int sub, out int cs);
    [DllImport("libturbojpeg.so.0")] private static extern int tjDecompress2(IntPtr h, byte* buf, nuint size, byte* dst, int w, int pitch, int hh, int pf, int flags);

    public static bool Decode(byte[] file, bool shrink, RgbImage image)
    {
        if (_handle == IntPtr.Zero)
            _handle = tjInitDecompress();
        fixed (byte* p = file)
        {
            if (tjDecompressHeader3(_handle, p, (nuint)file.Length, out var w, out var h, out _, out _) != 0)
                return false;
            var k = shrink ? Shrink(w, h) : 1;
            var sw = (w + k - 1) / k;
            var sh = (h + k - 1) / k;
            image.Reset(sw, sh);
            fixed (byte* d = image.Pixels)
                return tjDecompress2(_handle, p, (nuint)file.Length, d, sw, sw * 3, sh, 0, 0) == 0;
        }
    }

    public static int Shrink(int w, int h)
    {
        var k = 8;
        while (k > 1 && (Math.Min(w, h) + k - 1) / k < Size)
            k /= 2;
        return k;
    }
}

static class Skia
{
    public static bool Decode(byte[] file, bool shrink, RgbImage image)
    {
        using var data = SkiaSharp.SKData.CreateCopy(file);
        using var codec = SkiaSharp.SKCodec.Create(data);
        var (w, h) = (codec.Info.Width, codec.Info.Height);
        var size = shrink ? codec.GetScaledDimensions(1f / TurboJpeg.Shrink(w, h)) : new SkiaSharp.SKSizeI(w, h);
        var info = new SkiaSharp.SKImageInfo(size.Width, size.Height, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Unpremul);
        var rgba = System.Buffers.ArrayPool<byte>.Shared.Rent(info.BytesSize);
        try
        {
            unsafe
            {
                fixed (byte* p = rgba)
                {
                    if (codec.GetPixels(info, (IntPtr)p) != SkiaSharp.SKCodecResult.Success)
                        return false;
                }
            }

            image.Reset(size.Width, size.Height);
            var dst = image.Pixels;
            for (int i = 0, j = 0; j < dst.Length; i += 4, j += 3)
            {
                dst[j] = rgba[i];
                dst[j + 1] = rgba[i + 1];
                dst[j + 2] = rgba[i + 2];
            }

            return true;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rgba);
        }
    }
}

static class Vips
{
    public static bool Decode(byte[] file, bool shrink, RgbImage image)
    {
        using var header = NetVips.Image.NewFromBuffer(file, access: NetVips.Enums.Access.Sequential);
        var k = shrink ? TurboJpeg.Shrink(header.Width, header.Height) : 1;
        using var loaded = NetVips.Image.JpegloadBuffer(file, shrink: k, access: NetVips.Enums.Access.Sequential);
        using var img = loaded.Bands < 3 ? loaded.Colourspace(NetVips.Enums.Interpretation.Srgb) : loaded.Copy();
        var bytes = img.WriteToMemory<byte>();
        image.Reset(img.Width, img.Height);
        bytes.AsSpan(0, image.Pixels.Length).CopyTo(image.Pixels);
        return true;
    }

    public static void Thumbnail(byte[] file)
    {
        using var t = NetVips.Image.ThumbnailBuffer(file, Size, height: Size, crop: NetVips.Enums.Interesting.Centre);
        _ = t.WriteToMemory<byte>();
    }
}

static class Sharp
{
    public static bool Decode(byte[] file, bool shrink, RgbImage image)
    {
        using var img = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(file);
        image.Reset(img.Width, img.Height);
        img.CopyPixelDataTo(image.Pixels);
        return true;
    }

    public static void Native(byte[] file)
    {
        using var img = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(file);
        img.Mutate(x => x.Resize(new SixLabors.ImageSharp.Processing.ResizeOptions
        {
            Size = new SixLabors.ImageSharp.Size(Size, Size),
            Mode = SixLabors.ImageSharp.Processing.ResizeMode.Crop,
            Sampler = SixLabors.ImageSharp.Processing.KnownResamplers.Triangle,
        }));
        var bytes = new byte[Size * Size * 3];
        img.CopyPixelDataTo(bytes);
    }
}
