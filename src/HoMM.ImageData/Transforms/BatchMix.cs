using HoMM.ImageData.Randomness;

namespace HoMM.ImageData.Transforms;

/// <summary>Applies <see cref="MixOptions"/> to an assembled batch in place and writes its soft targets.</summary>
internal static class BatchMix
{
    /// <summary>
    /// <paramref name="images"/>: count × 3 × side × side normalised floats, mixed in place;
    /// <paramref name="targets"/>: count × classes floats, overwritten with the soft targets;
    /// <paramref name="scratch"/>: at least 3 × side × side floats.
    /// </summary>
    public static void Apply(Span<float> images, ReadOnlySpan<long> labels, Span<float> targets, int count, int classes, int side,
        MixOptions options, ref SampleRandom rng, Span<float> scratch)
    {
        var image = 3 * side * side;
        targets[..(count * classes)].Clear();
        for (var i = 0; i < count; i++)
            targets[(i * classes) + (int)labels[i]] = 1f;
        if (!rng.Chance(options.Probability))
            return;
        for (var start = 0; start < count; start += options.GroupSize)
        {
            var n = Math.Min(options.GroupSize, count - start);
            var mixup = rng.Chance(options.MixupProbability);
            var lambda = mixup ? rng.Beta(options.AlphaMixup, options.AlphaMixup) : rng.Beta(options.AlphaCutmix, options.AlphaCutmix);
            var (x0, y0, x1, y1) = (0, 0, 0, 0);
            if (!mixup)
            {
                (x0, y0, x1, y1) = CutBox(side, lambda, ref rng);
                lambda = 1.0 - ((double)(x1 - x0) * (y1 - y0) / (side * side));
            }

            if (n < 2)
                continue; // a lone sample would be mixed with itself: nothing changes
            // Partner of i is i − 1 (the first's is the last): go from the end down, keeping the
            // last original aside for the first.
            images.Slice((start + n - 1) * image, image).CopyTo(scratch);
            for (var j = n - 1; j >= 0; j--)
            {
                var dst = images.Slice((start + j) * image, image);
                ReadOnlySpan<float> partner = j > 0 ? images.Slice((start + j - 1) * image, image) : scratch[..image];
                if (mixup)
                {
                    var l = (float)lambda;
                    for (var p = 0; p < image; p++)
                        dst[p] = (l * dst[p]) + ((1 - l) * partner[p]);
                }
                else
                {
                    for (var ch = 0; ch < 3; ch++)
                    {
                        for (var y = y0; y < y1; y++)
                        {
                            var row = (ch * side * side) + (y * side);
                            partner.Slice(row + x0, x1 - x0).CopyTo(dst.Slice(row + x0, x1 - x0));
                        }
                    }
                }
            }

            // Targets: the partner's labels are the originals (labels never move), so no copy is needed.
            for (var j = 0; j < n; j++)
            {
                var t = targets.Slice((start + j) * classes, classes);
                var own = (int)labels[start + j];
                var other = (int)labels[start + (j > 0 ? j - 1 : n - 1)];
                t.Clear();
                t[own] += (float)lambda;
                t[other] += (float)(1.0 - lambda);
            }
        }
    }

    /// <summary>A box of about (1 − λ) of the image at a uniform centre, clipped to the image.</summary>
    private static (int X0, int Y0, int X1, int Y1) CutBox(int side, double lambda, ref SampleRandom rng)
    {
        var cx = rng.Uniform(0, side);
        var cy = rng.Uniform(0, side);
        var half = 0.5 * Math.Sqrt(1.0 - lambda) * side;
        var x0 = (int)Math.Clamp(cx - half, 0, side);
        var x1 = (int)Math.Clamp(cx + half, 0, side);
        var y0 = (int)Math.Clamp(cy - half, 0, side);
        var y1 = (int)Math.Clamp(cy + half, 0, side);
        return (x0, y0, x1, y1);
    }
}
