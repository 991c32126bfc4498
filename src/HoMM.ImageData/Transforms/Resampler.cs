using HoMM.ImageData.Decoding;

namespace HoMM.ImageData.Transforms;

/// <summary>
/// Resamples a box of an RGB image onto an output rectangle with an antialiased triangle
/// (bilinear) filter whose support widens with the downscale factor, separably (rows, then
/// columns), writing planar floats: the geometry of PIL's bilinear <c>resize</c>, which
/// torchvision's <c>Resize</c> uses on PIL images, so a resize + center crop here matches
/// upstream HoMM's to within rounding (tests/HoMM.ImageData.Tests, transform parity). Only the
/// rows and columns the box needs are filtered. One instance per thread: it keeps its scratch.
/// </summary>
internal sealed unsafe class Resampler
{
    private readonly AxisWeights _x = new();
    private readonly AxisWeights _y = new();
    private float[] _rows = [];

    /// <summary>
    /// Writes the box of <paramref name="source"/> resampled to <paramref name="width"/> ×
    /// <paramref name="height"/> into <paramref name="planes"/> (3 planes of height × width),
    /// each value v in 0..255 written as v · <paramref name="scale"/> + <paramref name="shift"/>;
    /// <paramref name="flip"/> mirrors the output horizontally.
    /// </summary>
    public void Resample(RgbImage source, SourceBox box, int width, int height, bool flip, Span<float> planes, float scale, float shift)
    {
        ArgumentNullException.ThrowIfNull(source);
        var plane = width * height;
        if (planes.Length < 3 * plane)
            throw new ArgumentException($"the output holds {planes.Length} floats, {3 * plane} needed for 3×{height}×{width}", nameof(planes));
        _x.Compute(source.Width, box.X, box.Width, width);
        _y.Compute(source.Height, box.Y, box.Height, height);

        var firstRow = _y.Start[0];
        var lastRow = _y.Start[height - 1] + _y.Count[height - 1];
        var rowFloats = width * 3;
        var needed = (lastRow - firstRow) * rowFloats;
        if (_rows.Length < needed)
            _rows = new float[needed];

        // Horizontal pass: each needed source row → width interleaved RGB floats. Pointers, not
        // spans, in the two inner loops: bounds checks there cost about a third of the time.
        var stride = source.Width * 3;
        var taps = _x.MaxTaps;
        fixed (byte* pixels = source.Pixels)
        fixed (float* rows = _rows)
        fixed (float* xw = _x.Weights)
        fixed (int* xs = _x.Start)
        fixed (int* xc = _x.Count)
        {
            for (var y = firstRow; y < lastRow; y++)
            {
                var src = pixels + (y * stride);
                var dst = rows + ((y - firstRow) * rowFloats);
                for (var x = 0; x < width; x++)
                {
                    var w = xw + (x * taps);
                    var p = src + (xs[x] * 3);
                    float r = 0, g = 0, b = 0;
                    for (var t = xc[x]; t > 0; t--, p += 3, w++)
                    {
                        var k = *w;
                        r += p[0] * k;
                        g += p[1] * k;
                        b += p[2] * k;
                    }

                    dst[x * 3] = r;
                    dst[(x * 3) + 1] = g;
                    dst[(x * 3) + 2] = b;
                }
            }
        }

        // Vertical pass: output row y from its window of filtered rows, de-interleaved into planes.
        fixed (float* output = planes)
        fixed (float* rows = _rows)
        fixed (float* yw = _y.Weights)
        {
            var red = output;
            var green = output + plane;
            var blue = output + (2 * plane);
            for (var y = 0; y < height; y++)
            {
                var start = rows + ((_y.Start[y] - firstRow) * rowFloats);
                var count = _y.Count[y];
                var w0 = yw + (y * _y.MaxTaps);
                var rowOut = y * width;
                for (var x = 0; x < width; x++)
                {
                    float r = 0, g = 0, b = 0;
                    var p = start + (x * 3);
                    var w = w0;
                    for (var t = count; t > 0; t--, p += rowFloats, w++)
                    {
                        var k = *w;
                        r += p[0] * k;
                        g += p[1] * k;
                        b += p[2] * k;
                    }

                    var o = rowOut + (flip ? width - 1 - x : x);
                    red[o] = (r * scale) + shift;
                    green[o] = (g * scale) + shift;
                    blue[o] = (b * scale) + shift;
                }
            }
        }
    }

    /// <summary>The filter taps of one axis: for output i, source pixels Start[i] .. Start[i] + Count[i] − 1.</summary>
    private sealed class AxisWeights
    {
        public int[] Start = [];
        public int[] Count = [];
        public float[] Weights = [];
        public int MaxTaps;

        public void Compute(int sourceSize, double boxStart, double boxSize, int outputSize)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
            if (boxSize <= 0 || boxStart < 0 || boxStart + boxSize > sourceSize + 1e-6)
                throw new ArgumentOutOfRangeException(nameof(boxSize), $"box [{boxStart}, {boxStart + boxSize}) is not inside an axis of {sourceSize} pixels");
            var step = boxSize / outputSize;
            // Downscaling widens the triangle by the scale factor (antialiasing); upscaling keeps it at one pixel.
            var filterScale = Math.Max(step, 1.0);
            var support = filterScale;
            MaxTaps = (int)Math.Ceiling(support) * 2 + 1;
            if (Start.Length < outputSize)
            {
                Start = new int[outputSize];
                Count = new int[outputSize];
            }

            if (Weights.Length < outputSize * MaxTaps)
                Weights = new float[outputSize * MaxTaps];
            Span<double> k = stackalloc double[MaxTaps];
            for (var i = 0; i < outputSize; i++)
            {
                var center = boxStart + ((i + 0.5) * step);
                var min = Math.Max((int)(center - support + 0.5), 0);
                var max = Math.Min((int)(center + support + 0.5), sourceSize);
                var n = max - min;
                double sum = 0;
                for (var t = 0; t < n; t++)
                {
                    var d = Math.Abs((min + t - center + 0.5) / filterScale);
                    k[t] = d < 1 ? 1 - d : 0;
                    sum += k[t];
                }

                Start[i] = min;
                Count[i] = n;
                var row = Weights.AsSpan(i * MaxTaps, MaxTaps);
                for (var t = 0; t < n; t++)
                    row[t] = sum > 0 ? (float)(k[t] / sum) : 0f;
            }
        }
    }
}
