namespace HoMM.TrainerSettings;

/// <summary>
/// Analytic size and cost of a HoMVision classifier, without building it (pure arithmetic, no
/// tensor code): the dispatcher evaluates study constraints such as <c>max_params</c> and
/// <c>max_flops</c> with it before a trial starts, and <c>homm-train</c> reports the same numbers.
/// <para>
/// FLOPs follow the convention of the upstream HoMM README and of fvcore: one multiply-add is one
/// FLOP. Counted per image and forward pass: the patch convolution, every Linear (ho_proj, se_proj,
/// ag_proj, both feed-forward layers, out_proj), and the element-wise products of the high-order
/// aggregation (the cumulative products and the sigmoid selection). Additions of biases and
/// residuals, the token mean and the non-linearities (gelu, sigmoid) are not counted. A training
/// step costs about three times the forward FLOPs per image.
/// </para>
/// </summary>
public static class HommComplexity
{
    /// <summary>Trainable parameters of HoMVision with this shape (equals the built module's count).</summary>
    public static long Parameters(HommShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        long d = shape.Dim;
        var stem = (long)shape.Channels * shape.Patch * shape.Patch * d + d;
        var position = shape.PatchTokens * d;
        var cls = d;
        var head = d * shape.Classes + shape.Classes;
        return stem + position + cls + (shape.Layers * LayerParameters(shape)) + head;
    }

    /// <summary>Parameters of one HoMLayer: HoM (ho_proj, se_proj, ag_proj) and the feed-forward block.</summary>
    public static long LayerParameters(HommShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long d = shape.Dim;
        var w = shape.HighOrderWidth;
        long hidden = (long)shape.FfwExpand * shape.Dim;
        var hom = (2 * ((d * w) + w)) + (w * d) + d;
        var ffw = (d * hidden) + hidden + (hidden * d) + d;
        return hom + ffw;
    }

    /// <summary>Forward FLOPs (multiply-adds) for one image; see the class remarks for what is counted.</summary>
    public static double Flops(HommShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        double d = shape.Dim;
        var stem = shape.PatchTokens * (double)shape.Channels * shape.Patch * shape.Patch * d;
        var head = d * shape.Classes;
        return stem + (shape.Layers * LayerFlops(shape)) + head;
    }

    /// <summary>Forward FLOPs of one HoMLayer over all its tokens (cls included), for one image.</summary>
    public static double LayerFlops(HommShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        double d = shape.Dim;
        double w = shape.HighOrderWidth;
        double t = shape.Tokens;
        var projections = 3 * t * d * w;                                          // ho_proj, se_proj, ag_proj
        var cumulativeProducts = t * (shape.Order - 1) * (double)shape.OrderExpand * d;
        var selection = t * w;                                                    // sigmoid(se) · moments
        var ffw = 2 * t * d * shape.FfwExpand * d;
        return projections + cumulativeProducts + selection + ffw;
    }
}
