using System.Globalization;
using HoMM.ImageData.Decoding;
using HoMM.ImageData.Randomness;

namespace HoMM.ImageData.Export;

/// <summary>
/// Writes a synthetic ImageNet-like image folder — photo-sized JPEGs (each side 300–500 px,
/// quality 90, 4:2:0) under train/&lt;class&gt;/ and val/&lt;class&gt;/ — whose content depends on
/// the class so a model can learn something: each class has its own colour, stripe direction and
/// frequency and a bright disc or square, and every image varies them (phase, position, size,
/// brightness, sensor-like noise). About one image in 25 is a greyscale JPEG, as in ImageNet.
/// Everything is drawn from the seed: the same arguments write the same bytes.
/// </summary>
public static class SyntheticImageFolder
{
    /// <summary>Writes <paramref name="perClass"/> training and <paramref name="valPerClass"/> test images for each of <paramref name="classes"/> classes.</summary>
    public static (int Train, int Val) Write(string destination, int classes, int perClass, int valPerClass, long seed = 0, IProgress<int>? progress = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classes, 10_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(perClass, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(valPerClass, 1);
        var done = 0;
        foreach (var (split, count, offset) in new[] { ("train", perClass, 0), ("val", valPerClass, 1_000_000) })
        {
            for (var c = 0; c < classes; c++)
            {
                var name = ClassName(c);
                var folder = Path.Join(destination, split, name);
                Directory.CreateDirectory(folder);
                for (var i = 0; i < count; i++)
                {
                    var rng = new SampleRandom(seed, RandomStream.Sample, c, offset + i);
                    var bytes = Render(c, classes, ref rng);
                    File.WriteAllBytes(Path.Join(folder, $"{name}_{i.ToString("D5", CultureInfo.InvariantCulture)}.JPEG"), bytes);
                    if (++done % 100 == 0)
                        progress?.Report(done);
                }
            }
        }

        return (classes * perClass, classes * valPerClass);
    }

    /// <summary>ImageNet-style synset-like folder name: n0000000c.</summary>
    public static string ClassName(int c) => "n" + c.ToString("D8", CultureInfo.InvariantCulture);

    private static byte[] Render(int c, int classes, ref SampleRandom rng)
    {
        var w = 300 + rng.NextInt(201);
        var h = 300 + rng.NextInt(201);
        // Class identity: hue, stripe angle and frequency, disc or square.
        var hue = 2 * Math.PI * c / classes;
        var angle = (Math.PI * ((c * 0.618034) % 1.0)) + rng.Uniform(-0.15, 0.15);
        var frequency = (4 + (c % 5 * 3)) * rng.Uniform(0.85, 1.15);
        var square = c % 2 == 1;
        var phase = rng.Uniform(0, 2 * Math.PI);
        var brightness = rng.Uniform(0.75, 1.15);
        var (cx, cy, radius) = (rng.Uniform(0.25, 0.75) * w, rng.Uniform(0.25, 0.75) * h, rng.Uniform(0.12, 0.25) * Math.Min(w, h));
        var baseColour = new[] { 0.5 + (0.4 * Math.Cos(hue)), 0.5 + (0.4 * Math.Cos(hue - 2.094)), 0.5 + (0.4 * Math.Cos(hue + 2.094)) };
        var grey = rng.NextInt(25) == 0;

        // sin(a·x + b·y + φ) = sin(a·x)·cos(b·y + φ) + cos(a·x)·sin(b·y + φ): per-row and per-column tables, not a sine per pixel.
        var (fa, fb) = (2 * Math.PI * frequency * Math.Cos(angle) / Math.Max(w, h), 2 * Math.PI * frequency * Math.Sin(angle) / Math.Max(w, h));
        var sx = new float[w];
        var cxs = new float[w];
        for (var x = 0; x < w; x++)
        {
            sx[x] = (float)Math.Sin(fa * x);
            cxs[x] = (float)Math.Cos(fa * x);
        }

        var pixels = new byte[w * h * (grey ? 1 : 3)];
        var noise = new SampleRandom(unchecked((long)rng.NextBits()), RandomStream.Sample, 0);
        for (var y = 0; y < h; y++)
        {
            var cy2 = (float)Math.Cos((fb * y) + phase);
            var sy2 = (float)Math.Sin((fb * y) + phase);
            var vertical = 0.85 + (0.3 * y / h); // a sky-to-ground gradient
            for (var x = 0; x < w; x++)
            {
                var stripe = 0.5 + (0.5 * ((sx[x] * cy2) + (cxs[x] * sy2)));
                var dx = x - cx;
                var dy = y - cy;
                var inside = square ? Math.Max(Math.Abs(dx), Math.Abs(dy)) < radius : (dx * dx) + (dy * dy) < radius * radius;
                var n = (float)(((noise.NextBits() >> 40) / (double)(1 << 24)) - 0.5) * 16;
                if (grey)
                {
                    var v = inside ? 235 : ((60 + (150 * stripe)) * brightness * vertical);
                    pixels[(y * w) + x] = (byte)Math.Clamp(v + n, 0, 255);
                    continue;
                }

                for (var ch = 0; ch < 3; ch++)
                {
                    var v = inside ? 230 * (1 - (0.5 * baseColour[(ch + 1) % 3])) : 255 * baseColour[ch] * (0.35 + (0.65 * stripe)) * brightness * vertical;
                    pixels[(((y * w) + x) * 3) + ch] = (byte)Math.Clamp(v + n, 0, 255);
                }
            }
        }

        return grey ? ImageEncoder.JpegGrey(pixels, w, h, 90) : ImageEncoder.Jpeg(pixels, w, h, 90);
    }
}
