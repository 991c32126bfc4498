using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Protocol;

namespace HoMM.Dispatch.Tests.Processes;

public class AttemptClassifierTests
{
    private static readonly FinalResultReported Final = new(new Dictionary<string, double> { ["val/acc"] = 0.9 }, null);

    [Fact]
    public void Classify_FinalAfterPruneRequest_IsPruned()
    {
        // A trainer may report partial metrics when told to stop: not a result.
        var outcome = AttemptClassifier.Classify(new AttemptFacts(new TrainerExit(0), Final, FinalBeforeStop: false, Stop: StopReason.Pruned, LastStep: 40));
        Assert.Equal(new AttemptOutcome.Pruned(40), outcome);
    }

    [Fact]
    public void Classify_PauseRequest_IsPausedEvenAfterAPartialFinal()
    {
        Assert.Equal(new AttemptOutcome.Paused(90), AttemptClassifier.Classify(new AttemptFacts(new TrainerExit(0), Stop: StopReason.Paused, LastStep: 90)));
        Assert.Equal(new AttemptOutcome.Paused(90), AttemptClassifier.Classify(new AttemptFacts(new TrainerExit(0), Final, FinalBeforeStop: false, Stop: StopReason.Paused, LastStep: 90)));
        // The trainer finished before the pause reached it: the result stands.
        Assert.IsType<AttemptOutcome.Completed>(AttemptClassifier.Classify(new AttemptFacts(new TrainerExit(0), Final, FinalBeforeStop: true, Stop: StopReason.Paused)));
    }

    [Fact]
    public void Classify_FinalBeforePruneRequest_IsCompleted()
    {
        var outcome = AttemptClassifier.Classify(new AttemptFacts(new TrainerExit(0), Final, FinalBeforeStop: true, Stop: StopReason.Pruned));
        Assert.IsType<AttemptOutcome.Completed>(outcome);
    }

    [Fact]
    public void Classify_FinalThenCrashAtExit_IsCompleted()
    {
        // CUDA teardown segfaults after the result was written are common; the result stands.
        var outcome = AttemptClassifier.Classify(new AttemptFacts(new TrainerExit(139), Final));
        Assert.IsType<AttemptOutcome.Completed>(outcome);
    }

    [Fact]
    public void Classify_NonFiniteObjective_IsDiverged()
    {
        var final = new FinalResultReported(new Dictionary<string, double> { ["val/acc"] = double.NaN }, null);
        var outcome = AttemptClassifier.Classify(new AttemptFacts(new TrainerExit(0), final, Objective: "val/acc"));
        Assert.Equal(new AttemptOutcome.Failed(FailureKind.Diverged, "diverged: the final val/acc is NaN"), outcome);
    }

    [Fact]
    public void Classify_UserStop_IsStopped()
    {
        var outcome = AttemptClassifier.Classify(new AttemptFacts(new TrainerExit(143), Stop: StopReason.User, LastStep: 9));
        Assert.Equal(new AttemptOutcome.Failed(FailureKind.Stopped, "cancelled at step 9"), outcome);
    }

    [Fact]
    public void Classify_Exit137WithoutAKernelOomKill_CrashedAndNotCalledOutOfMemory()
    {
        // A trainer's own exit(137) reads the same as SIGKILL: only the kernel's count may say OOM.
        var outcome = Assert.IsType<AttemptOutcome.Failed>(AttemptClassifier.Classify(new AttemptFacts(new TrainerExit(137))));
        Assert.Equal(FailureKind.Crashed, outcome.Kind);
        Assert.DoesNotContain("often the kernel", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("the kernel counted no out-of-memory kill", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_SigkillWhileTheKernelCountedAnOomKill_IsOutOfMemory()
    {
        var outcome = Assert.IsType<AttemptOutcome.Failed>(AttemptClassifier.Classify(new AttemptFacts(new TrainerExit(137), KernelOomKill: true)));
        Assert.Equal(FailureKind.OutOfMemory, outcome.Kind);
        Assert.Contains("killed by the kernel's out-of-memory killer", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OomKillCounter_ThisMachine_ReadsACountThatNeverRisesWithoutAKill()
    {
        var before = OomKillCounter.Read();
        var after = OomKillCounter.Read();

        Assert.NotNull(before); // /proc/vmstat has oom_kill since Linux 4.13
        Assert.False(OomKillCounter.Rose(before, before));
        Assert.False(OomKillCounter.Rose(null, after));
        Assert.True(OomKillCounter.Rose(before, before + 1));
    }

    [Fact]
    public void Classify_OtherErrorWithOomOnStderr_IsOutOfMemory()
    {
        var error = new TrainerErrorReported("step failed", TrainerErrorKind.Other, null);
        var outcome = Assert.IsType<AttemptOutcome.Failed>(AttemptClassifier.Classify(new AttemptFacts(new TrainerExit(1), Error: error, OutOfMemoryLine: "CUDA out of memory")));
        Assert.Equal(FailureKind.OutOfMemory, outcome.Kind);
    }

    [Fact]
    public void Classify_OtherError_KeepsTrainerReason()
    {
        var error = new TrainerErrorReported("no images in /data", TrainerErrorKind.Other, "data");
        var outcome = AttemptClassifier.Classify(new AttemptFacts(new TrainerExit(2), Error: error));
        Assert.Equal(new AttemptOutcome.Failed(FailureKind.TrainerError, "trainer error (data): no images in /data"), outcome);
    }

    [Theory]
    [InlineData(400, "0.4s")]
    [InlineData(90_000, "1m 30s")]
    [InlineData(600_000, "10m")]
    [InlineData(7_200_000, "2h")]
    [InlineData(5_400_000, "1h 30m")]
    public void FormatDuration_IsShortAndReadable(int ms, string expected)
    {
        Assert.Equal(expected, AttemptClassifier.FormatDuration(TimeSpan.FromMilliseconds(ms)));
    }
}
