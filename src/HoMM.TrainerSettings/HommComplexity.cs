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

    /// <summary>
    /// Device memory one training run of this model holds at its peak (an estimate in bytes, by
    /// part): fp32 weights, their gradients, AdamW's two moments, bf16 copies of the weights under
    /// autocast, and the activations of a training step (forward, autograd's saved tensors, the
    /// gradients of one layer during backward) or of an evaluation batch, whichever is larger.
    /// <para>
    /// What is assumed, from how homm-train computes (docs/gpu.md has the formula): every tensor a
    /// step creates lives until the step's dispose scope ends, so a layer holds all its forward
    /// outputs (ho_proj, se_proj and its sigmoid, the selected moments, ag_proj, both feed-forward
    /// layers and the gelu between, two residual sums); on a GPU the high-order aggregation is the
    /// composite of ATen ops, whose autograd keeps gelu's output and the cumulative products; bf16
    /// autocast computes activations in 2 bytes (the residual stream stays fp32) and keeps bf16 casts
    /// of the Linear inputs for backward. Not counted: dropout masks, the optimizer's per-tensor
    /// temporaries, cuDNN/cuBLAS workspaces and the CUDA context (the GPU planner adds those per
    /// process), and the caching allocator's fragmentation (the planner's slack).
    /// </para>
    /// </summary>
    /// <param name="shape">The model.</param>
    /// <param name="batch">Images per training step (optim.batch).</param>
    /// <param name="evalBatch">Images per evaluation batch.</param>
    /// <param name="bf16">True under precision: bf16 (autocast), false under fp32.</param>
    public static HommMemoryEstimate TrainingMemory(HommShape shape, int batch, int evalBatch, bool bf16)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(evalBatch, 1);
        const double fp32 = 4;
        double act = bf16 ? 2 : 4;                      // bytes of an activation the forward computes
        double d = shape.Dim;
        double w = shape.HighOrderWidth;                // k·e·d
        double hidden = (double)shape.FfwExpand * shape.Dim;
        double chunk = (double)shape.OrderExpand * shape.Dim;
        double t = shape.Tokens;
        double n = shape.PatchTokens;
        double pixels = (double)shape.Channels * shape.ImageSize * shape.ImageSize;

        // Per image. Held by the step's scope: h, se, sigmoid(se), selection·moments (4 of width w),
        // ag_proj's and the second feed-forward layer's outputs (d each), the feed-forward hidden
        // layer before and after gelu, and the two residual sums in fp32.
        var layerHeld = (act * t * ((4 * w) + (2 * d) + (2 * hidden))) + (fp32 * t * 2 * d);
        // Saved by autograd alone: gelu(h) and the cumulative products but the last (order ≥ 2), and
        // under autocast the bf16 casts of the three Linear inputs.
        var layerSaved = (act * t * (shape.Order >= 2 ? w + ((shape.Order - 2) * chunk) : 0)) + (bf16 ? act * t * 3 * d : 0);
        // Backward goes layer by layer: the gradients of one layer's widest tensors at a time, and
        // the residual stream's gradient.
        var backward = (act * t * Math.Max(2 * hidden, 3 * w)) + (fp32 * t * 2 * d);
        // The input batch (fp32), the stem convolution's output, patches + positions and the tokens
        // with the cls token (fp32), the pooled vector and the logits.
        var stem = (fp32 * pixels) + (act * n * d) + (fp32 * ((n * d) + (t * d) + d + (2.0 * shape.Classes)));
        var stemSaved = bf16 ? act * pixels : 0;

        var training = batch * (stem + stemSaved + (shape.Layers * (layerHeld + layerSaved)) + backward);
        var evaluation = evalBatch * (stem + (shape.Layers * layerHeld));
        var p = Parameters(shape);
        return new HommMemoryEstimate(
            Weights: 4 * p,
            Gradients: 4 * p,
            OptimizerState: 8 * p,
            WeightCopies: bf16 ? 2 * p : 0,
            TrainingActivations: (long)Math.Ceiling(training),
            EvaluationActivations: (long)Math.Ceiling(evaluation));
    }

    /// <summary><see cref="TrainingMemory(HommShape, int, int, bool)"/> for a trial's settings (its batch, evaluation batch and precision).</summary>
    public static HommMemoryEstimate TrainingMemory(HommShape shape, HommTrainerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return TrainingMemory(shape, settings.Optim.Batch, settings.EvalBatchOrDefault(), settings.Precision == "bf16");
    }
}
