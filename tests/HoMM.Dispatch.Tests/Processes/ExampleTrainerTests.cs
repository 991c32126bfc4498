using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Protocol;

namespace HoMM.Dispatch.Tests.Processes;

/// <summary>
/// examples/custom-trainer/train.py run through the real runner: the documented example must
/// speak the protocol, and its --fault modes must end the way docs/custom-trainer.md says.
/// </summary>
public sealed class ExampleTrainerTests : IDisposable
{
    private static readonly string Python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private static readonly string Example = Path.Combine(RepoRoot(), "examples", "custom-trainer", "train.py");

    private readonly TempDir _dir = new();

    private readonly AttemptRunner _runner = new(new AttemptRunnerOptions
    {
        StopGracePeriod = TimeSpan.FromSeconds(10),
        TerminateGracePeriod = TimeSpan.FromSeconds(2),
    }, TimeProvider.System);

    public void Dispose() => _dir.Dispose();

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HoMM.Search.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("HoMM.Search.sln not found above " + AppContext.BaseDirectory);
    }

    private AttemptRequest Request(params string[] extra) => new()
    {
        TrialId = 1,
        TrialNumber = 0,
        Params = new Dictionary<string, object> { ["lr"] = 0.5, ["wd"] = 1e-4 },
        Command = TestCommand.Custom([Python, Example, "--lr", "{lr}", "--wd", "{wd}", "--steps", "60", "--step-time", "0", .. extra]),
        TrialDirectory = Path.Combine(_dir.Path, "trial-0"),
        Slot = TrainerSlot.Cpu("cpu0", 1),
        Objective = "val/acc",
    };

    [Fact]
    public async Task Example_Normal_CompletesWithCurveCheckpointAndInfo()
    {
        var observer = new RecordingObserver();

        var result = await _runner.RunAsync(Request(), observer);

        var completed = Assert.IsType<AttemptOutcome.Completed>(result.Outcome);
        Assert.InRange(completed.FinalMetrics["val/acc"], 0.6, 1.0);
        Assert.Equal([20L, 40L, 60L], observer.Of<MetricsReported>().Select(m => m.Step));
        Assert.Equal(60, result.LastCheckpoint!.Step);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "trial-0", "checkpoint.json")));
        Assert.Equal("1", observer.Info("threads").GetString());
    }

    [Theory]
    [InlineData("crash", FailureKind.Crashed, "SIGSEGV")]
    [InlineData("nan", FailureKind.Diverged, "diverged: loss is NaN at step 40")]
    [InlineData("oom", FailureKind.OutOfMemory, "CUDA out of memory")]
    [InlineData("error", FailureKind.TrainerError, "the data set is empty")]
    public async Task Example_Fault_FailsWithReason(string fault, FailureKind kind, string reason)
    {
        var result = await _runner.RunAsync(Request("--fault", fault, "--fault-step", "30"), new RecordingObserver());

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(kind, failed.Kind);
        Assert.Contains(reason, failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Example_Hang_TimesOut()
    {
        var request = Request("--fault", "hang", "--fault-step", "1") with { Timeout = TimeSpan.FromMilliseconds(500) };

        var impatient = new AttemptRunner(new AttemptRunnerOptions
        {
            StopGracePeriod = TimeSpan.FromMilliseconds(300),
            TerminateGracePeriod = TimeSpan.FromMilliseconds(300),
        }, TimeProvider.System);

        var result = await impatient.RunAsync(request, new RecordingObserver());

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(FailureKind.Timeout, failed.Kind);
        Assert.Empty(ProcFs.ListGroup(result.Process!.ProcessGroupId));
    }

    [Fact]
    public async Task Example_PrunedThenResumed_ContinuesFromCheckpoint()
    {
        var shutdown = new CancellationTokenSource();
        var first = new RecordingObserver
        {
            OnEvent = (e, _) =>
            {
                if (e is CheckpointReported { Step: 20 })
                    shutdown.Cancel();
                return ValueTask.CompletedTask;
            },
        };
        // Too long to finish before the shutdown arrives, however loaded the machine; the resumed
        // attempt runs the rest without the pretend work.
        var slow = Request("--steps", "2000", "--step-time", "0.01");
        var fast = Request("--steps", "2000") with { Attempt = 2, Resume = true };

        var interrupted = await _runner.RunAsync(slow, first, shutdown.Token);
        var second = new RecordingObserver();
        var resumed = await _runner.RunAsync(fast, second);

        Assert.IsType<AttemptOutcome.Interrupted>(interrupted.Outcome);
        Assert.IsType<AttemptOutcome.Completed>(resumed.Outcome);
        var from = second.Info("resumed_from").GetInt32();
        Assert.Equal(interrupted.LastCheckpoint!.Step, from);
        Assert.InRange(from, 20, 1999);
        Assert.All(second.Of<MetricsReported>(), m => Assert.True(m.Step > from));
        shutdown.Dispose();
    }

    [Fact]
    public async Task TrainerProcess_StdinClosed_ExampleExitsWhileAnotherTrainerRuns()
    {
        // If the second trainer had inherited the first one's stdin pipe, closing it would not
        // reach the first: a dead dispatcher would then leave it running.
        Directory.CreateDirectory(Path.Combine(_dir.Path, "a"));
        Directory.CreateDirectory(Path.Combine(_dir.Path, "b"));
        var env = new Dictionary<string, string?> { ["PYTHONUNBUFFERED"] = "1" };
        string[] argv = [Python, Example, "--steps", "100000", "--step-time", "0.01", "--eval-every", "10"];
        await using var a = TrainerProcess.Start(new TrainerStartInfo(argv, Path.Combine(_dir.Path, "a"), env, Path.Combine(_dir.Path, "a.log")));
        await using var b = TrainerProcess.Start(new TrainerStartInfo(argv, Path.Combine(_dir.Path, "b"), env, Path.Combine(_dir.Path, "b.log")));
        await using var events = a.ReadEventsAsync().GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync()); // running

        a.CloseInput();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var exit = await a.WaitForExitAsync(cts.Token);

        Assert.Equal(0, exit.ExitCode);
        Assert.False(b.HasExited);
        await a.StderrDrained.WaitAsync(cts.Token); // the exit can be seen before the last stderr line is in the log
        Assert.Contains("stdin closed", File.ReadAllText(Path.Combine(_dir.Path, "a.log")), StringComparison.Ordinal);
    }
}
