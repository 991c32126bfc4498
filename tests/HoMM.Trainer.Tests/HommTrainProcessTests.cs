using System.Globalization;
using System.Text;
using System.Text.Json;
using HoMM.Dispatch.Protocol;
using HoMM.TrainerSettings;

namespace HoMM.Trainer.Tests;

public sealed class HommTrainProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private static string[] SmallFlags(string trialDir, int steps, int evalEvery) =>
    [
        "--dim", "16", "--layers", "1", "--patch", "7", "--order", "2", "--order-expand", "2", "--ffw-expand", "2",
        "--batch", "32", "--steps", steps.ToString(CultureInfo.InvariantCulture), "--eval-every", evalEvery.ToString(CultureInfo.InvariantCulture),
        "--threads", "1", "--device", "cpu", "--trial-dir", trialDir,
    ];

    private static string WriteTrialJson(string dir, HommTrainerSettings settings, bool resume)
    {
        var path = Path.Combine(dir, "trial.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            study = "test",
            trial_id = 1,
            trial_number = 0,
            attempt = resume ? 2 : 1,
            resume,
            trial_dir = dir,
            @params = new { },
            settings = HommTrainerSettingsJson.ToJson(settings),
        }));
        return path;
    }

    [Fact]
    public void Run_EveryStdoutLine_IsAProtocolMessageTheDispatcherParses()
    {
        var dir = TestData.TempDirectory();
        using var p = TrainerProcess.Start(SmallFlags(dir, steps: 40, evalEvery: 20));

        var exit = p.WaitForExit(Timeout);

        Assert.True(exit == 0, $"exit {exit}; stderr:\n{p.Stderr}");
        var events = p.Lines.Select(l => TrainerProtocol.ParseLine(l)).ToList();
        Assert.All(events, e => Assert.False(e is LogLine or ProtocolWarning, $"not a protocol message: {e}"));
        var info = Assert.IsType<InfoReported>(events[0]);
        Assert.True(info.Values["params"].GetInt64() > 0);
        Assert.True(info.Values["flops"].GetDouble() > 0);
        Assert.Equal("cpu", info.Values["device"].GetString());
        Assert.Equal("fp32", info.Values["precision"].GetString());
        Assert.StartsWith("60000 training images, 10000 held out for validation (split seed 0, hold-out ", info.Values["split"].GetString(), StringComparison.Ordinal);
        Assert.Equal([20L, 40L], events.OfType<MetricsReported>().Select(m => m.Step));
        // Samplers and pruners see the metrics lines: validation and training only, never the test set.
        Assert.All(events.OfType<MetricsReported>(), m => Assert.Equal(
            ["lr", "train/acc", "train/loss", "val/acc", "val/acc5", "val/loss"], m.Metrics.Keys.Order(StringComparer.Ordinal)));
        Assert.Equal([20L, 40L], events.OfType<CheckpointReported>().Select(c => c.Step));
        Assert.True(File.Exists(events.OfType<CheckpointReported>().Last().Path));
        var final = Assert.IsType<FinalResultReported>(events[^1]);
        Assert.InRange(final.Metrics["val/acc"], 0.0, 1.0);
        Assert.InRange(final.Metrics["test/acc"], 0.0, 1.0);
        Assert.InRange(final.Metrics["test/acc5"], final.Metrics["test/acc"], 1.0);
        Assert.True(final.Metrics["test/loss"] > 0);
        Assert.Contains(events.OfType<InfoReported>(), i => i.Values.ContainsKey("peak_memory") && i.Values.ContainsKey("steps_per_s"));
    }

    [Fact]
    public void Run_TrialsWithOtherSeeds_HoldOutTheSameValidationImages()
    {
        string Split(string seed)
        {
            using var p = TrainerProcess.Start([.. SmallFlags(TestData.TempDirectory(), steps: 1, evalEvery: 1), "--seed", seed]);
            Assert.Equal(0, p.WaitForExit(Timeout));
            return Assert.IsType<InfoReported>(TrainerProtocol.ParseLine(p.Lines[0])).Values["split"].GetString()!;
        }

        Assert.Equal(Split("0"), Split("7"));
    }

    [Fact]
    public void Run_StopLine_CheckpointsAndExitsWithoutFinal()
    {
        var dir = TestData.TempDirectory();
        using var p = TrainerProcess.Start(SmallFlags(dir, steps: 100_000, evalEvery: 50));
        Assert.NotNull(p.ReadUntil(l => l.Contains("\"checkpoint\"", StringComparison.Ordinal), Timeout));

        p.Send("""{"cmd":"stop","reason":"shutdown"}""");
        var exit = p.WaitForExit(Timeout);

        Assert.Equal(0, exit);
        Assert.DoesNotContain(p.Lines, l => l.Contains("\"final\"", StringComparison.Ordinal));
        var last = Assert.IsType<CheckpointReported>(TrainerProtocol.ParseLine(p.Lines[^1]));
        Assert.True(last.Step >= 50); // 50 when the stop line arrives before step 51 starts
        Assert.Contains("(shutdown)", p.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_StdinClosed_Exits()
    {
        var dir = TestData.TempDirectory();
        using var p = TrainerProcess.Start(SmallFlags(dir, steps: 100_000, evalEvery: 1000));
        Assert.NotNull(p.ReadUntil(l => l.Contains("\"info\"", StringComparison.Ordinal), Timeout));

        p.CloseInput();

        Assert.Equal(0, p.WaitForExit(Timeout));
        Assert.Contains("stdin closed", p.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingData_ReportsDataErrorThatSaysWhatToDo()
    {
        using var p = TrainerProcess.Start([.. SmallFlags(TestData.TempDirectory(), 10, 10), "--data", "/nonexistent/fmnist"]);

        var exit = p.WaitForExit(Timeout);

        Assert.Equal(1, exit);
        var error = Assert.IsType<TrainerErrorReported>(TrainerProtocol.ParseLine(p.Lines.Single()));
        Assert.Equal("data", error.Reason);
        Assert.Contains("'/nonexistent/fmnist' does not exist; install it (apt-get install dataset-fashion-mnist)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_BenchmarkSteps_ReportsStepTimeWithoutEvaluationOrCheckpoint()
    {
        var dir = TestData.TempDirectory();
        using var p = TrainerProcess.Start([.. SmallFlags(dir, steps: 1000, evalEvery: 2), "--benchmark-steps", "5"]);

        Assert.Equal(0, p.WaitForExit(Timeout));

        var events = p.Lines.Select(l => TrainerProtocol.ParseLine(l)).ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.IsType<InfoReported>(e));
        Assert.True(((InfoReported)events[1]).Values["ms_per_step"].GetDouble() > 0);
        Assert.False(File.Exists(Path.Combine(dir, "checkpoint.homm")));
        Assert.Contains("benchmark, 3 timed steps", p.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_BadFlag_ExitsWith2AndAConfigError()
    {
        using var p = TrainerProcess.Start("--layrs", "2");

        Assert.Equal(2, p.WaitForExit(Timeout));
        var error = Assert.IsType<TrainerErrorReported>(TrainerProtocol.ParseLine(p.Lines.Single()));
        Assert.Equal("config", error.Reason);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Resume_KilledAt200_FinishesAt400WithTheLossOfAStraightRun()
    {
        var (expected, resumed, resumedFrom) = StraightThenKilledAndResumed(TestData.Small(steps: 400, evalEvery: 100, dropout: 0.1), killAfterCheckpoint: 200);

        Assert.True(resumedFrom >= 200);
        Assert.Equal(expected["train/loss"], resumed["train/loss"], 1e-4);
        Assert.Equal(expected["val/loss"], resumed["val/loss"], 1e-4);
        Assert.Equal(expected["val/acc"], resumed["val/acc"], 1e-4);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Resume_ImageFolderKilledMidEpoch_FinishesWithTheLossOfAStraightRun()
    {
        // 480 training images after the 120 held out: 15 batches of 32 an epoch, so the checkpoint at
        // step 20 is a third into the second epoch. Every random augmentation is on.
        using var folder = new SmallFashionFolder();
        var small = TestData.Small(steps: 40, evalEvery: 10, dropout: 0.1);
        var settings = small with
        {
            Data = small.Data with
            {
                Dataset = HommDataset.ImageFolderName, Path = folder.Path, ImageSize = 28,
                RandomResizedCrop = true, RandaugmentP = 0.5, MixProb = 1.0,
            },
        };

        var (expected, resumed, resumedFrom) = StraightThenKilledAndResumed(settings, killAfterCheckpoint: 20);

        Assert.InRange(resumedFrom, 20, 39);
        foreach (var name in new[] { "train/loss", "val/loss", "val/acc", "test/loss", "test/acc" })
            Assert.Equal(expected[name], resumed[name], 1e-4);
    }

    [Fact]
    public void Pause_StopLinePausedAtARung_CheckpointsAndResumesToTheStraightRunsExactResult()
    {
        // Dropout on, so the resumed run must also restore the random state of every later step.
        var settings = TestData.Small(steps: 60, evalEvery: 20, dropout: 0.1);
        IReadOnlyDictionary<string, double> straight;
        using (var p = TrainerProcess.Start("--config", WriteTrialJson(TestData.TempDirectory(), settings, resume: false)))
        {
            Assert.True(p.WaitForExit(Timeout) == 0, p.Stderr);
            straight = FinalFromLines(p.Lines);
        }

        var dir = TestData.TempDirectory();
        using (var first = TrainerProcess.Start("--config", WriteTrialJson(dir, settings, resume: false)))
        {
            // As the dispatcher does: the pause goes out when the rung's metrics line arrives.
            Assert.NotNull(first.ReadUntil(l => l.StartsWith("{\"step\":20", StringComparison.Ordinal), Timeout));
            first.Send(Encoding.UTF8.GetString(ControlCommand.StopLine(StopReason.Paused)).TrimEnd('\n'));
            first.CloseInput();
            Assert.True(first.WaitForExit(Timeout) == 0, first.Stderr);
            var events = first.Lines.Select(l => TrainerProtocol.ParseLine(l)).ToList();
            Assert.DoesNotContain(events, e => e is FinalResultReported);
            Assert.Contains("(paused)", first.Stderr, StringComparison.Ordinal);
            Assert.True(File.Exists(events.OfType<CheckpointReported>().Last().Path));
        }

        using var second = TrainerProcess.Start("--config", WriteTrialJson(dir, settings, resume: true));
        Assert.True(second.WaitForExit(Timeout) == 0, second.Stderr);
        var resumed = FinalFromLines(second.Lines);

        Assert.InRange(Assert.IsType<InfoReported>(TrainerProtocol.ParseLine(second.Lines[0])).Values["resumed_from_step"].GetInt64(), 20, 59);
        foreach (var name in new[] { "train/loss", "train/acc", "val/loss", "val/acc", "test/loss", "test/acc" })
            Assert.True(straight[name] == resumed[name], $"{name}: straight {straight[name]:R}, paused and resumed {resumed[name]:R}");
    }

    /// <summary>
    /// The final metrics of a straight run, and of a run killed (SIGKILL) once its checkpoint of
    /// step <paramref name="killAfterCheckpoint"/> is written and then resumed, with the step it resumed from.
    /// </summary>
    private static (IReadOnlyDictionary<string, double> Straight, IReadOnlyDictionary<string, double> Resumed, long ResumedFrom) StraightThenKilledAndResumed(
        HommTrainerSettings settings, int killAfterCheckpoint)
    {
        IReadOnlyDictionary<string, double> expected;
        using (var straight = TrainerProcess.Start("--config", WriteTrialJson(TestData.TempDirectory(), settings, resume: false)))
        {
            Assert.True(straight.WaitForExit(Timeout) == 0, straight.Stderr);
            expected = FinalFromLines(straight.Lines);
        }

        var dir = TestData.TempDirectory();
        var checkpoint = $"\"step\":{killAfterCheckpoint.ToString(CultureInfo.InvariantCulture)}";
        using (var first = TrainerProcess.Start("--config", WriteTrialJson(dir, settings, resume: false)))
        {
            Assert.NotNull(first.ReadUntil(l => l.StartsWith("{\"checkpoint\"", StringComparison.Ordinal) && l.Contains(checkpoint, StringComparison.Ordinal), Timeout));
            first.KillHard();
        }

        using var second = TrainerProcess.Start("--config", WriteTrialJson(dir, settings, resume: true));
        Assert.True(second.WaitForExit(Timeout) == 0, second.Stderr);
        var info = Assert.IsType<InfoReported>(TrainerProtocol.ParseLine(second.Lines[0]));
        return (expected, FinalFromLines(second.Lines), info.Values["resumed_from_step"].GetInt64());
    }

    private static IReadOnlyDictionary<string, double> FinalFromLines(IEnumerable<string> lines) =>
        lines.Select(l => TrainerProtocol.ParseLine(l)).OfType<FinalResultReported>().Single().Metrics;
}
