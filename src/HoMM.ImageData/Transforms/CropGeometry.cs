using HoMM.ImageData.Randomness;

namespace HoMM.ImageData.Transforms;

/// <summary>Where in the source image each crop comes from, in source pixels (torchvision's geometry).</summary>
public static class CropGeometry
{
    /// <summary>
    /// Resize the shorter side to <paramref name="resize"/> (the longer one to ⌊resize · long / short⌋,
    /// as torchvision's Resize), then center-crop <paramref name="size"/> (offsets rounded half to
    /// even, as its CenterCrop): the source box of that crop.
    /// </summary>
    public static SourceBox CenterCrop(int width, int height, int resize, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfLessThan(resize, size);
        int rw, rh;
        if (width <= height)
        {
            rw = resize;
            rh = (int)((long)resize * height / width);
        }
        else
        {
            rh = resize;
            rw = (int)((long)resize * width / height);
        }

        var left = Math.Round((rw - size) / 2.0, MidpointRounding.ToEven);
        var top = Math.Round((rh - size) / 2.0, MidpointRounding.ToEven);
        var sx = (double)width / rw;
        var sy = (double)height / rh;
        return new SourceBox(left * sx, top * sy, size * sx, size * sy);
    }

    /// <summary>
    /// torchvision's RandomResizedCrop box: up to ten tries of an area fraction uniform in
    /// [scaleMin, scaleMax] and a log-uniform aspect ratio in [ratioMin, ratioMax] that fits the
    /// image, at a uniform position; else the largest center box within the ratio range.
    /// </summary>
    public static SourceBox RandomResized(int width, int height, ref SampleRandom rng, ImageTransformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var area = (double)width * height;
        var logMin = Math.Log(options.CropRatioMin);
        var logMax = Math.Log(options.CropRatioMax);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var target = area * rng.Uniform(options.CropScaleMin, options.CropScaleMax);
            var ratio = Math.Exp(rng.Uniform(logMin, logMax));
            var w = (int)Math.Round(Math.Sqrt(target * ratio), MidpointRounding.ToEven);
            var h = (int)Math.Round(Math.Sqrt(target / ratio), MidpointRounding.ToEven);
            if (w > 0 && h > 0 && w <= width && h <= height)
            {
                var top = rng.NextInt(height - h + 1);
                var left = rng.NextInt(width - w + 1);
                return new SourceBox(left, top, w, h);
            }
        }

        var inRatio = (double)width / height;
        int cw, ch;
        if (inRatio < options.CropRatioMin)
        {
            cw = width;
            ch = Math.Max(1, (int)Math.Round(cw / options.CropRatioMin, MidpointRounding.ToEven));
        }
        else if (inRatio > options.CropRatioMax)
        {
            ch = height;
            cw = Math.Max(1, (int)Math.Round(ch * options.CropRatioMax, MidpointRounding.ToEven));
        }
        else
        {
            cw = width;
            ch = height;
        }

        return new SourceBox((width - cw) / 2, (height - ch) / 2, cw, ch);
    }
}
