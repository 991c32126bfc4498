using System.Text.Json;
using HoMM.Model;
using HoMM.TrainerSettings;
using HoMM.Torch;
using HoMM.Trainer.Data;
using HoMM.Trainer.Protocol;
using HoMM.Trainer.Training;
using static HoMM.Torch.torch;

namespace HoMM.Trainer.Tests;

public sealed class TrainingRunTests
{
    private static (TrainingRun Run, StringWriter Stdout) Create(HommTrainerSettings settings, TrainingData data,
        Action<long>? afterStep = null, string? trialDirectory = null)
    {
        set_num_threads(1);
        var stdout = new StringWriter();
        var run = new TrainingRun(settings, data, trialDirectory ?? TestData.TempDirectory(), new ProtocolWriter(stdout), ControlReader.None(), TextWriter.Null, TimeProvider.System)
        {
            AfterStep = afterStep,
        };
        return (run, stdout);
    }

    private static List<JsonElement> Lines(StringWriter stdout) =>
        stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private static IEnumerable<string> Names(JsonElement metrics) => metrics.EnumerateObject().Select(p => p.Name);

    [Fact]
    public void Run_500Steps_LiveTensorsAndRssStayFlat()
    {
        var before = Tensor.LiveCount;
        long liveAt100 = 0, rssAt100 = 0, liveAt600 = 0, rssAt600 = 0;
        var (run, _) = Create(TestData.Small(steps: 600, evalEvery: 200), TestData.Sets(4096, 256, 256), done =>
        {
            if (done == 100)
                (liveAt100, rssAt100) = (Tensor.LiveCount, ProcessMemory.ResidentBytes());
            if (done == 600)
                (liveAt600, rssAt600) = (Tensor.LiveCount, ProcessMemory.ResidentBytes());
        });

        var result = run.Run(resume: false);

        Assert.Equal(RunOutcome.Completed, result.Outcome);
        Assert.Equal(liveAt100, liveAt600);
        Assert.True(rssAt600 - rssAt100 < 24L << 20, $"RSS grew by {(rssAt600 - rssAt100) / 1048576.0:F1} MiB over 500 steps");
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void Run_ResumedFromFinalCheckpoint_ReportsTheLastEvaluationAndTheSameTestMetricsAsFinal()
    {
        var dir = TestData.TempDirectory();
        var settings = TestData.Small(steps: 20, evalEvery: 10);
        var data = TestData.Sets(640, 100, 100);
        var first = Create(settings, data, trialDirectory: dir).Run.Run(resume: false);
        var (again, stdout) = Create(settings, data, trialDirectory: dir);

        var second = again.Run(resume: true);

        Assert.Equal(20, second.Step);
        Assert.Equal(first.Metrics, second.Metrics);
        Assert.Contains("test/acc", second.Metrics.Keys);
        Assert.DoesNotContain("\"metrics\"", stdout.ToString(), StringComparison.Ordinal);
        var final = Assert.Single(Lines(stdout), l => l.TryGetProperty("final", out _)).GetProperty("final");
        Assert.Equal(first.Metrics["test/acc"], final.GetProperty("test/acc").GetDouble());
        Assert.Equal(first.Metrics["val/acc"], final.GetProperty("val/acc").GetDouble());
    }

    [Fact]
    public void Run_Completed_TestMetricsAppearOnlyInTheFinalLine()
    {
        var (run, stdout) = Create(TestData.Small(steps: 20, evalEvery: 10), TestData.Sets(640, 200, 300));

        var result = run.Run(resume: false);

        var lines = Lines(stdout);
        var evaluations = lines.Where(l => l.TryGetProperty("metrics", out _)).Select(l => l.GetProperty("metrics")).ToList();
        Assert.Equal(2, evaluations.Count);
        Assert.All(evaluations, m =>
        {
            Assert.Equal(["lr", "train/acc", "train/loss", "val/acc", "val/acc5", "val/loss"], Names(m).Order(StringComparer.Ordinal));
            Assert.InRange(m.GetProperty("val/acc5").GetDouble(), m.GetProperty("val/acc").GetDouble(), 1.0);
        });
        var final = Assert.Single(lines, l => l.TryGetProperty("final", out _));
        Assert.Equal(lines[^1], final);
        Assert.Equal(["lr", "test/acc", "test/acc5", "test/loss", "train/acc", "train/loss", "val/acc", "val/acc5", "val/loss"],
            Names(final.GetProperty("final")).Order(StringComparer.Ordinal));
        // The test numbers are the test set's (300 images: multiples of 1/300), not the validation set's.
        Assert.Equal(Math.Round(result.Metrics["test/acc"] * 300), result.Metrics["test/acc"] * 300, 9);
        Assert.Equal(evaluations[^1].GetProperty("val/acc").GetDouble(), result.Metrics["val/acc"]);
        var info = lines[0].GetProperty("info");
        Assert.Equal("fp32", info.GetProperty("precision").GetString());
        Assert.True(info.GetProperty("memory_estimate").GetInt64() > 16 * info.GetProperty("params").GetInt64(), "weights, gradients and AdamW's moments, and activations");
        Assert.Equal("first 640 train, next 200 validation, first 300 test", info.GetProperty("split").GetString());
    }

    [Fact]
    public void Run_ResumedOnAnotherSplit_IsRefused()
    {
        var dir = TestData.TempDirectory();
        var settings = TestData.Small(steps: 20, evalEvery: 10);
        Create(settings, TestData.Sets(640, 100, 100), trialDirectory: dir).Run.Run(resume: false);
        var other = TestData.Sets(600, 140, 100);

        var e = Assert.Throws<InvalidOperationException>(() => Create(settings, other, trialDirectory: dir).Run.Run(resume: true));

        Assert.Contains("was trained on other data (first 640 train, next 100 validation, first 100 test), not on first 600 train", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_EvaluationBatchSize_DoesNotChangeTheMetrics()
    {
        var settings = TestData.Small(steps: 10, evalEvery: 10);
        var data = TestData.Sets(320, 250, 130);

        var whole = Create(settings, data).Run.Run(resume: false).Metrics;
        var small = Create(settings with { EvalBatch = 7 }, data).Run.Run(resume: false).Metrics;

        foreach (var name in new[] { "val/acc", "val/acc5", "test/acc", "test/acc5" })
            Assert.Equal(whole[name], small[name]);
        Assert.Equal(whole["val/loss"], small["val/loss"], 1e-5);
        Assert.Equal(whole["test/loss"], small["test/loss"], 1e-5);
    }

    [Fact]
    public void Run_FewerThan5Classes_ReportsNoTop5()
    {
        // Three classes of random images: top-5 would always be 100 %.
        var random = new Random(1);
        ImageDataset Set(int n)
        {
            var pixels = new byte[n * 784];
            random.NextBytes(pixels);
            return new ImageDataset(pixels, [.. Enumerable.Range(0, n).Select(i => (byte)(i % 3))], 1, 28, 3, 0.5f, 0.3f);
        }
        var (run, _) = Create(TestData.Small(steps: 4, evalEvery: 2, batch: 8), new TrainingData(Set(32), Set(16), Set(16), "random"));

        var result = run.Run(resume: false);

        Assert.DoesNotContain(result.Metrics.Keys, k => k.EndsWith("/acc5", StringComparison.Ordinal));
        Assert.Contains("test/acc", result.Metrics.Keys);
    }

    [Fact]
    public void Run_Bf16_TrainsUnderAutocastAndStaysCloseToFp32()
    {
        var settings = TestData.Small(steps: 30, evalEvery: 30, lr: 3e-3);
        var data = TestData.Sets(960, 300, 300);
        var fp32 = Create(settings, data).Run.Run(resume: false).Metrics;
        var (run, stdout) = Create(settings with { Precision = "bf16" }, data);

        var bf16 = run.Run(resume: false).Metrics;

        Assert.Equal("bf16", Lines(stdout)[0].GetProperty("info").GetProperty("precision").GetString());
        // bfloat16 keeps 8 significant bits: the losses differ (autocast was on) but only a little.
        Assert.NotEqual(fp32["train/loss"], bf16["train/loss"]);
        Assert.Equal(fp32["train/loss"], bf16["train/loss"], 0.05);
        Assert.Equal(fp32["val/loss"], bf16["val/loss"], 0.05);
        Assert.False(is_autocast_enabled(DeviceType.CPU));
    }

    [Fact]
    public void Run_OneBatch_OverfitsTo99PercentWithin200Steps()
    {
        var batch = TestData.Train.Take(64);
        var (run, _) = Create(TestData.Small(steps: 200, evalEvery: 200, batch: 64, lr: 3e-3, warmup: 10, dim: 32, layers: 2), new TrainingData(batch, batch, batch, "one batch"));

        var result = run.Run(resume: false);

        Assert.True(result.Metrics["val/acc"] >= 0.99, $"accuracy on the training batch after 200 steps: {result.Metrics["val/acc"]:P1}");
    }

    [Fact]
    public void Run_NonFiniteLoss_ReportsDivergedAndStops()
    {
        // A standard deviation of 0 makes every input non-finite, so the first loss is NaN.
        var bad = new ImageDataset(new byte[8 * 784], new byte[8], 1, 28, 10, 0.5f, 0f);
        var (run, stdout) = Create(TestData.Small(steps: 50, evalEvery: 10, batch: 8), new TrainingData(bad, bad, bad, "bad"));

        var result = run.Run(resume: false);

        Assert.Equal(RunOutcome.Diverged, result.Outcome);
        Assert.Equal(0, result.Step);
        var line = Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("\"error\"", StringComparison.Ordinal));
        Assert.Contains("\"reason\":\"diverged\"", line, StringComparison.Ordinal);
        Assert.Contains("NaN at step 1", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_ShapeError_ThrowsTorchExceptionWithLibtorchMessageAndProcessGoesOn()
    {
        using var scope = NewDisposeScope();
        using var model = new HoMVision(new HommShape(Dim: 8, Layers: 1, Patch: 7, Order: 2, OrderExpand: 2));

        var ex = Assert.Throws<TorchException>(() => model.call(randn([2, 3, 28, 28])));

        // libtorch's own words for a conv2d channel mismatch.
        Assert.Contains("expected input[2, 3, 28, 28] to have 1 channels", ex.Message, StringComparison.Ordinal);
        Assert.Equal([2L, 10L], model.call(randn([2, 1, 28, 28])).shape);
    }
}
