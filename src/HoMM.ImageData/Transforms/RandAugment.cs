using HoMM.ImageData.Randomness;

namespace HoMM.ImageData.Transforms;

/// <summary>
/// RandAugment (Cubuk et al. 2019) with torchvision's operation set and magnitude scale:
/// <see cref="Ops"/> operations per image, each drawn uniformly from the fourteen below, at
/// magnitude m on a 0–30 scale; signed magnitudes take either sign with probability ½.
/// <list type="bullet">
/// <item>Identity</item>
/// <item>ShearX / ShearY: shear factor 0.3 · m/30 about the top-left corner</item>
/// <item>TranslateX / TranslateY: (150/331) · side · m/30 pixels</item>
/// <item>Rotate: 30° · m/30 about the centre</item>
/// <item>Brightness, Color (saturation), Contrast, Sharpness: blend factor 1 ± 0.9 · m/30 (PIL ImageEnhance's definitions)</item>
/// <item>Posterize: keep 8 − round(m/7.5) bits</item>
/// <item>Solarize: invert values at or above 255 · (1 − m/30)</item>
/// <item>AutoContrast: stretch each channel to 0–255</item>
/// <item>Equalize: histogram-equalise each channel</item>
/// </list>
/// It works on the cropped image in 0–255 before normalisation (upstream applies torchvision's
/// to the normalised tensor, where the colour operations assume the wrong range; the geometry is
/// the same); geometric operations sample the nearest pixel and fill with grey 128, which is what
/// upstream's fill of 0 in the normalised range amounts to. One instance per thread.
/// </summary>
internal sealed class RandAugment
{
    public const int MagnitudeBins = 31;
    private const int OpCount = 14;
    private const float Fill = 128f;
    private float[] _scratch = [];

    public int Ops { get; init; } = 2;

    public int Magnitude { get; init; } = 6;

    /// <summary>Applies <see cref="Ops"/> random operations to the planar image (3 × side × side, values 0–255) in place.</summary>
    public void Apply(Span<float> planes, int side, ref SampleRandom rng)
    {
        var scale = (double)Magnitude / (MagnitudeBins - 1);
        for (var k = 0; k < Ops; k++)
        {
            var op = rng.NextInt(OpCount);
            var sign = rng.Chance(0.5) ? -1.0 : 1.0;
            switch (op)
            {
                case 0:
                    break;
                case 1:
                    Affine(planes, side, 1, sign * 0.3 * scale, 0, 1, 0, 0, false);
                    break;
                case 2:
                    Affine(planes, side, 1, 0, sign * 0.3 * scale, 1, 0, 0, false);
                    break;
                case 3:
                    Affine(planes, side, 1, 0, 0, 1, sign * 150.0 / 331.0 * side * scale, 0, false);
                    break;
                case 4:
                    Affine(planes, side, 1, 0, 0, 1, 0, sign * 150.0 / 331.0 * side * scale, false);
                    break;
                case 5:
                {
                    var a = sign * 30.0 * scale * Math.PI / 180.0;
                    Affine(planes, side, Math.Cos(a), -Math.Sin(a), Math.Sin(a), Math.Cos(a), 0, 0, true);
                    break;
                }

                case 6:
                    Brightness(planes, 1 + (sign * 0.9 * scale));
                    break;
                case 7:
                    Color(planes, side * side, 1 + (sign * 0.9 * scale));
                    break;
                case 8:
                    Contrast(planes, side * side, 1 + (sign * 0.9 * scale));
                    break;
                case 9:
                    Sharpness(planes, side, 1 + (sign * 0.9 * scale));
                    break;
                case 10:
                    Posterize(planes, 8 - (int)Math.Round(Magnitude / ((MagnitudeBins - 1) / 4.0), MidpointRounding.ToEven));
                    break;
                case 11:
                    Solarize(planes, (float)(255.0 * (1.0 - scale)));
                    break;
                case 12:
                    AutoContrast(planes, side * side);
                    break;
                default:
                    Equalize(planes, side * side);
                    break;
            }
        }
    }

    /// <summary>
    /// Output (x, y) samples the source at A·(x − c, y − c) + c − t (c = the centre when
    /// <paramref name="centred"/>, else the origin), nearest pixel, grey outside.
    /// </summary>
    private void Affine(Span<float> planes, int side, double a, double b, double c, double d, double tx, double ty, bool centred)
    {
        var plane = side * side;
        var src = Scratch(3 * plane);
        planes[..(3 * plane)].CopyTo(src);
        var o = centred ? (side - 1) / 2.0 : 0.0;
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                var dx = x - o - tx;
                var dy = y - o - ty;
                var sx = (int)Math.Round((a * dx) + (b * dy) + o);
                var sy = (int)Math.Round((c * dx) + (d * dy) + o);
                var inside = (uint)sx < (uint)side && (uint)sy < (uint)side;
                var p = (y * side) + x;
                var q = (sy * side) + sx;
                for (var ch = 0; ch < 3; ch++)
                    planes[(ch * plane) + p] = inside ? src[(ch * plane) + q] : Fill;
            }
        }
    }

    private static void Brightness(Span<float> planes, double factor)
    {
        foreach (ref var v in planes)
            v = Clamp(v * (float)factor);
    }

    private static void Color(Span<float> planes, int plane, double factor)
    {
        var f = (float)factor;
        for (var i = 0; i < plane; i++)
        {
            var g = Grey(planes, plane, i);
            for (var ch = 0; ch < 3; ch++)
            {
                ref var v = ref planes[(ch * plane) + i];
                v = Clamp(g + (f * (v - g)));
            }
        }
    }

    private static void Contrast(Span<float> planes, int plane, double factor)
    {
        double sum = 0;
        for (var i = 0; i < plane; i++)
            sum += Grey(planes, plane, i);
        var mean = (float)(sum / plane);
        var f = (float)factor;
        foreach (ref var v in planes[..(3 * plane)])
            v = Clamp(mean + (f * (v - mean)));
    }

    /// <summary>PIL's SHARPEN-style smoothing kernel (1 1 1 / 1 5 1 / 1 1 1) / 13 on the interior; borders keep their values.</summary>
    private void Sharpness(Span<float> planes, int side, double factor)
    {
        var plane = side * side;
        var src = Scratch(3 * plane);
        planes[..(3 * plane)].CopyTo(src);
        var f = (float)factor;
        for (var ch = 0; ch < 3; ch++)
        {
            var s = src.AsSpan(ch * plane, plane);
            var dst = planes.Slice(ch * plane, plane);
            for (var y = 1; y < side - 1; y++)
            {
                for (var x = 1; x < side - 1; x++)
                {
                    var p = (y * side) + x;
                    var blur = (s[p - side - 1] + s[p - side] + s[p - side + 1] + s[p - 1] + (5 * s[p]) + s[p + 1]
                                + s[p + side - 1] + s[p + side] + s[p + side + 1]) / 13f;
                    dst[p] = Clamp(blur + (f * (s[p] - blur)));
                }
            }
        }
    }

    private static void Posterize(Span<float> planes, int bits)
    {
        var mask = ~((1 << (8 - bits)) - 1) & 0xFF;
        foreach (ref var v in planes)
            v = (int)Math.Round(v) & mask;
    }

    private static void Solarize(Span<float> planes, float threshold)
    {
        foreach (ref var v in planes)
        {
            if (v >= threshold)
                v = 255f - v;
        }
    }

    private static void AutoContrast(Span<float> planes, int plane)
    {
        for (var ch = 0; ch < 3; ch++)
        {
            var p = planes.Slice(ch * plane, plane);
            float min = float.MaxValue, max = float.MinValue;
            foreach (var v in p)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            if (max <= min)
                continue;
            var s = 255f / (max - min);
            foreach (ref var v in p)
                v = Clamp((v - min) * s);
        }
    }

    /// <summary>Histogram equalisation per channel: the cumulative histogram, less the top bin, spread over 0–255.</summary>
    private static void Equalize(Span<float> planes, int plane)
    {
        Span<int> histogram = stackalloc int[256];
        Span<float> lut = stackalloc float[256];
        for (var ch = 0; ch < 3; ch++)
        {
            var p = planes.Slice(ch * plane, plane);
            histogram.Clear();
            foreach (var v in p)
                histogram[Byte(v)]++;
            var top = 255;
            while (top > 0 && histogram[top] == 0)
                top--;
            var step = (plane - histogram[top]) / 255;
            if (step == 0)
                continue; // one or two levels only: nothing to spread
            var cumulative = step / 2;
            for (var i = 0; i < 256; i++)
            {
                lut[i] = Math.Min(255, cumulative / step);
                cumulative += histogram[i];
            }

            foreach (ref var v in p)
                v = lut[Byte(v)];
        }
    }

    private static float Grey(Span<float> planes, int plane, int i) =>
        (0.2989f * planes[i]) + (0.587f * planes[plane + i]) + (0.114f * planes[(2 * plane) + i]);

    private static int Byte(float v) => Math.Clamp((int)Math.Round(v), 0, 255);

    private static float Clamp(float v) => Math.Clamp(v, 0f, 255f);

    private float[] Scratch(int length)
    {
        if (_scratch.Length < length)
            _scratch = new float[length];
        return _scratch;
    }
}
