namespace HoMM.TrainerSettings.Tests;

public sealed class HommMemoryTests
{
    // d 2, 1 layer, patch 14 on 28 px: 4 patch tokens + cls = 5 tokens; order 2 × expand 1 → w = 4; ffw hidden 2.
    private static readonly HommShape Tiny = new(Dim: 2, Layers: 1, Patch: 14, Order: 2, OrderExpand: 1, FfwExpand: 1);

    [Fact]
    public void TrainingMemory_TinyModelInFp32_IsTheDocumentedSumWorkedByHand()
    {
        var m = HommComplexity.TrainingMemory(Tiny, batch: 3, evalBatch: 1, bf16: false);

        // 480 parameters: weights, gradients, two AdamW moments, 4 bytes each.
        Assert.Equal(480, HommComplexity.Parameters(Tiny));
        Assert.Equal((1920L, 1920L, 3840L, 0L), (m.Weights, m.Gradients, m.OptimizerState, m.WeightCopies));
        // Per image, bytes: layer held 4·5·(4·4 + 2·2 + 2·2) + 4·5·2·2 = 560; saved by autograd 4·5·4 = 80;
        // backward 4·5·max(2·2, 3·4) + 4·5·2·2 = 320; stem 4·784 + 4·4·2 + 4·(4·2 + 5·2 + 2 + 2·10) = 3328.
        Assert.Equal(3 * (3328 + 560 + 80 + 320), m.TrainingActivations);
        Assert.Equal(3328 + 560, m.EvaluationActivations);
        Assert.Equal(7680 + (3 * 4288), m.Peak);
    }

    [Fact]
    public void TrainingMemory_LargeEvaluationBatch_MakesTheEvaluationThePeak()
    {
        var m = HommComplexity.TrainingMemory(Tiny, batch: 3, evalBatch: 256, bf16: false);

        Assert.Equal(256L * 3888, m.EvaluationActivations);
        Assert.Equal(m.Static + m.EvaluationActivations, m.Peak);
    }

    [Fact]
    public void TrainingMemory_Bf16_KeepsFp32StateAddsWeightCopiesAndShrinksActivations()
    {
        var shape = new HommShape(Dim: 320, Layers: 8, Patch: 16, Order: 2, OrderExpand: 4, ImageSize: 160, Channels: 3, Classes: 1000);
        var fp32 = HommComplexity.TrainingMemory(shape, 512, 512, bf16: false);
        var bf16 = HommComplexity.TrainingMemory(shape, 512, 512, bf16: true);

        var p = HommComplexity.Parameters(shape);
        Assert.Equal(16 * p, fp32.Static);
        Assert.Equal(18 * p, bf16.Static);
        Assert.InRange(bf16.TrainingActivations / (double)fp32.TrainingActivations, 0.5, 0.8);
        // The upstream ImageNet recipe's model at batch 512, as docs/gpu.md quotes it.
        Assert.Equal(28.0, fp32.Peak / (double)(1L << 30), 0.05);
        Assert.Equal(15.7, bf16.Peak / (double)(1L << 30), 0.05);
    }

    [Fact]
    public void TrainingMemory_Activations_GrowLinearlyWithTheBatch()
    {
        var shape = new HommShape(Dim: 64, Layers: 2, Patch: 7, Order: 3, OrderExpand: 2);

        var one = HommComplexity.TrainingMemory(shape, 100, 1, bf16: false);
        var two = HommComplexity.TrainingMemory(shape, 200, 1, bf16: false);

        Assert.Equal(2 * one.TrainingActivations, two.TrainingActivations, tolerance: 2);
        Assert.Equal(one.Static, two.Static);
    }

    [Fact]
    public void TrainingMemory_FromSettings_UsesTheirBatchEvaluationBatchAndPrecision()
    {
        var settings = HommSettings.HandDefaults with { Precision = "bf16", EvalBatch = 1000 };
        var shape = HommShape.Of(settings);

        Assert.Equal(HommComplexity.TrainingMemory(shape, settings.Optim.Batch, 1000, bf16: true), HommComplexity.TrainingMemory(shape, settings));
        Assert.Equal(256, (HommSettings.HandDefaults with { EvalBatch = null }).EvalBatchOrDefault());
    }
}
