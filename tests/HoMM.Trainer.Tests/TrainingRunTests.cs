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
    private static (TrainingRun Run, StringWriter Stdout) Create(HommTrainerSettings settings, ImageDataset train, ImageDataset test,
        Action<long>? afterStep = null, string? trialDirectory = null)
    {
        set_num_threads(1);
        var stdout = new StringWriter();
        var run = new TrainingRun(settings, train, test, trialDirectory ?? TestData.TempDirectory(), new ProtocolWriter(stdout), ControlReader.None(), TextWriter.Null, TimeProvider.System)
        {
            AfterStep = afterStep,
        };
        return (run, stdout);
    }

    [Fact]
    public void Run_500Steps_LiveTensorsAndRssStayFlat()
    {
        var before = Tensor.LiveCount;
        long liveAt100 = 0, rssAt100 = 0, liveAt600 = 0, rssAt600 = 0;
        var (run, _) = Create(TestData.Small(steps: 600, evalEvery: 200), TestData.Train.Take(4096), TestData.Test.Take(256), done =>
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
    public void Run_ResumedFromFinalCheckpoint_ReportsTheLastEvaluationAsFinal()
    {
        var dir = TestData.TempDirectory();
        var settings = TestData.Small(steps: 20, evalEvery: 10);
        var first = Create(settings, TestData.Train.Take(640), TestData.Test.Take(100), trialDirectory: dir).Run.Run(resume: false);
        var (again, stdout) = Create(settings, TestData.Train.Take(640), TestData.Test.Take(100), trialDirectory: dir);

        var second = again.Run(resume: true);

        Assert.Equal(20, second.Step);
        Assert.Equal(first.Metrics, second.Metrics);
        Assert.DoesNotContain("\"metrics\"", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"final\":{\"train/loss\"", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_OneBatch_OverfitsTo99PercentWithin200Steps()
    {
        var batch = TestData.Train.Take(64);
        var (run, _) = Create(TestData.Small(steps: 200, evalEvery: 200, batch: 64, lr: 3e-3, warmup: 10, dim: 32, layers: 2), batch, batch);

        var result = run.Run(resume: false);

        Assert.True(result.Metrics["val/acc"] >= 0.99, $"accuracy on the training batch after 200 steps: {result.Metrics["val/acc"]:P1}");
    }

    [Fact]
    public void Run_NonFiniteLoss_ReportsDivergedAndStops()
    {
        // A standard deviation of 0 makes every input non-finite, so the first loss is NaN.
        var bad = new ImageDataset(new byte[8 * 784], new byte[8], 1, 28, 10, 0.5f, 0f);
        var (run, stdout) = Create(TestData.Small(steps: 50, evalEvery: 10, batch: 8), bad, bad);

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
