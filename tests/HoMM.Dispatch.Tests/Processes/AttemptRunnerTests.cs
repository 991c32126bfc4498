using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Protocol;

namespace HoMM.Dispatch.Tests.Processes;

public sealed class AttemptRunnerTests : IDisposable
{
    // Generous grace for trainers that do stop (a loaded CI machine must not turn a graceful exit
    // into a SIGTERM); short grace where the test is the escalation itself.
    private static readonly AttemptRunnerOptions Patient = new()
    {
        StopGracePeriod = TimeSpan.FromSeconds(10),
        TerminateGracePeriod = TimeSpan.FromSeconds(2),
        OutputDrainTimeout = TimeSpan.FromSeconds(2),
        MaxLineBytes = 4096,
    };

    private static readonly AttemptRunnerOptions Impatient = Patient with
    {
        StopGracePeriod = TimeSpan.FromMilliseconds(300),
        TerminateGracePeriod = TimeSpan.FromMilliseconds(300),
    };

    private readonly TempDir _dir = new();
    private readonly AttemptRunner _runner = new(Patient, TimeProvider.System);
    private readonly AttemptRunner _impatientRunner = new(Impatient, TimeProvider.System);

    public void Dispose() => _dir.Dispose();

    private AttemptRequest Request(string scriptBody, Dictionary<string, object>? parameters = null, TrainerSlot? slot = null) => new()
    {
        TrialId = 42,
        TrialNumber = 7,
        Params = parameters ?? new Dictionary<string, object> { ["lr"] = 0.001 },
        Command = TestCommand.Custom(["bash", _dir.Script("trainer.sh", scriptBody)]),
        TrialDirectory = Path.Combine(_dir.Path, "trial-7"),
        Slot = slot ?? TrainerSlot.Cpu("cpu0", 2),
    };

    private string Log(AttemptRequest r) => File.ReadAllText(r.EffectiveLogPath);

    [Fact]
    public async Task RunAsync_MetricsThenFinal_CompletesAndDeliversEventsInOrder()
    {
        var observer = new RecordingObserver();
        var request = Request("""
            echo '{"step":100,"metrics":{"train/loss":0.9,"val/acc":0.5}}'
            echo 'epoch 1 done'
            echo '{"step":200,"metrics":{"train/loss":0.5,"val/acc":0.8}}'
            echo '{"final":{"val/acc":0.8}}'
            """);

        var result = await _runner.RunAsync(request, observer);

        var completed = Assert.IsType<AttemptOutcome.Completed>(result.Outcome);
        Assert.Equal(0.8, completed.FinalMetrics["val/acc"]);
        Assert.Equal([100L, 200L], observer.Of<MetricsReported>().Select(m => m.Step));
        Assert.Equal(0.8, observer.Of<MetricsReported>().Last().Metrics["val/acc"]);
        Assert.Equal(200, result.LastStep);
        Assert.Equal(0, result.Exit!.Value.ExitCode);
        Assert.Contains("epoch 1 done", Log(request), StringComparison.Ordinal);
        Assert.DoesNotContain(observer.Events, e => e is LogLine);
    }

    [Fact]
    public async Task RunAsync_Started_ReportsGroupLeaderIdentityBeforeAnyEvent()
    {
        var observer = new RecordingObserver();
        var request = Request("""
            read -r _ _ _ _ pgid sid _ < /proc/$$/stat
            echo "{\"info\":{\"pid\":$$,\"pgid\":$pgid,\"sid\":$sid}}"
            echo '{"final":{"x":1}}'
            """);

        var result = await _runner.RunAsync(request, observer);

        Assert.IsType<AttemptOutcome.Completed>(result.Outcome);
        Assert.NotNull(observer.Started);
        Assert.Equal(0, observer.EventsBeforeStart);
        Assert.Equal(observer.Started, result.Process);
        var pid = observer.Info("pid").GetInt32();
        Assert.Equal(pid, observer.Started.Pid);
        Assert.Equal(pid, observer.Info("pgid").GetInt32());
        Assert.Equal(pid, observer.Info("sid").GetInt32());
        Assert.Equal(pid, observer.Started.ProcessGroupId);
        Assert.NotNull(observer.Started.StartTime);
        Assert.Equal(ProcFs.ReadBootId(), observer.Started.BootId);
    }

    [Fact]
    public async Task RunAsync_MetricsLineWithoutTheObjective_StopsTheTrainerAtOnceAndFailsWithTheNamesItReported()
    {
        // A trainer that would train for a minute, reporting its accuracy under another name.
        var request = Request("""
            for s in $(seq 1 600); do
              echo "{\"step\":$s,\"metrics\":{\"train/loss\":0.5,\"val/accuracy\":0.8}}"
              if read -t 0.1 line; then echo "got: $line" >&2; exit 0; fi
            done
            echo '{"final":{"val/accuracy":0.8}}'
            """) with { Objective = "val/acc", ObjectiveInEveryMetricsLine = true };
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await _runner.RunAsync(request, new RecordingObserver());

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(FailureKind.MissingObjective, failed.Kind);
        Assert.Equal("the trainer reported metrics train/loss, val/accuracy at step 1 but not the objective val/acc (did you mean val/accuracy?); " +
                     "every metrics line must include the objective: fix objective.metric or what the trainer reports", failed.Reason);
        Assert.Equal(StopReason.Protocol, result.StopRequested);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("got: {\"cmd\":\"stop\",\"reason\":\"protocol\"}", Log(request), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MetricsWithoutObjectiveWhenNotRequired_RunsToTheEnd()
    {
        var request = Request("""
            echo '{"step":1,"metrics":{"train/loss":0.5}}'
            echo '{"final":{"val/acc":0.8}}'
            """) with { Objective = "val/acc" };

        var result = await _runner.RunAsync(request, new RecordingObserver());

        Assert.IsType<AttemptOutcome.Completed>(result.Outcome);
    }

    [Fact]
    public async Task RunAsync_Exit139_FailsAsCrashWithSignalName()
    {
        var request = Request("""
            echo '{"step":5,"metrics":{"loss":1}}'
            echo 'Segmentation fault (core dumped)' >&2
            exit 139
            """);

        var result = await _runner.RunAsync(request, new RecordingObserver());

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(FailureKind.Crashed, failed.Kind);
        Assert.Contains("crashed (SIGSEGV, exit code 139) at step 5: Segmentation fault (core dumped)", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(11, result.Exit!.Value.Signal);
    }

    [Fact]
    public async Task RunAsync_KilledBySignal_FailsAsCrash()
    {
        var result = await _runner.RunAsync(Request("kill -ABRT $$"), new RecordingObserver());

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(FailureKind.Crashed, failed.Kind);
        Assert.Contains("SIGABRT", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_FailsWithLastStderrLine()
    {
        var result = await _runner.RunAsync(Request("""
            echo 'Traceback (most recent call last):' >&2
            echo "ModuleNotFoundError: No module named 'torch'" >&2
            exit 1
            """), new RecordingObserver());

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(FailureKind.Crashed, failed.Kind);
        Assert.Equal("crashed (exit code 1): ModuleNotFoundError: No module named 'torch'", failed.Reason);
    }

    [Fact]
    public async Task RunAsync_DivergedErrorLine_FailsAsDiverged()
    {
        var result = await _runner.RunAsync(Request("""
            echo '{"step":300,"metrics":{"train/loss":NaN}}'
            echo '{"error":"loss is NaN at step 300","reason":"diverged"}'
            exit 3
            """), new RecordingObserver());

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(FailureKind.Diverged, failed.Kind);
        Assert.Equal("diverged: loss is NaN at step 300", failed.Reason);
        Assert.Equal(300, result.LastStep);
    }

    [Theory]
    [InlineData("RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB")]
    [InlineData("terminate called after throwing an instance of 'std::bad_alloc'")]
    [InlineData("MemoryError")]
    public async Task RunAsync_OutOfMemoryOnStderr_FailsAsOutOfMemory(string message)
    {
        var result = await _runner.RunAsync(Request($"""
            echo "{message}" >&2
            echo 'more noise after the error' >&2
            exit 1
            """), new RecordingObserver());

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(FailureKind.OutOfMemory, failed.Kind);
        Assert.Contains(message, failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OomErrorLine_FailsAsOutOfMemory()
    {
        var result = await _runner.RunAsync(Request("""echo '{"error":"batch 512 does not fit","reason":"oom"}'"""), new RecordingObserver());

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(FailureKind.OutOfMemory, failed.Kind);
        Assert.Equal("out of memory: batch 512 does not fit", failed.Reason);
    }

    [Fact]
    public async Task RunAsync_ExitZeroWithoutFinal_FailsWithNoFinalResult()
    {
        var result = await _runner.RunAsync(Request("""echo '{"step":1,"metrics":{"x":1}}'"""), new RecordingObserver());

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(FailureKind.NoFinalResult, failed.Kind);
    }

    [Fact]
    public async Task RunAsync_HangingTrainerWithChild_TimeoutKillsTheWholeGroup()
    {
        // Ignores the stop line, stdin's end and SIGTERM: only SIGKILL to the group ends it.
        var observer = new RecordingObserver();
        var request = Request("""
            trap '' TERM
            sleep 300 &
            echo "{\"info\":{\"child\":$!}}"
            echo '{"step":1,"metrics":{"x":1}}'
            while true; do sleep 0.05; done
            """) with { Timeout = TimeSpan.FromMilliseconds(400) };

        var result = await _impatientRunner.RunAsync(request, observer);

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(FailureKind.Timeout, failed.Kind);
        Assert.Equal("timeout: still running after 0.4s at step 1", failed.Reason);
        Assert.Equal(StopReason.Timeout, result.StopRequested);
        Assert.Equal(9, result.Exit!.Value.Signal);
        var child = observer.Info("child").GetInt32();
        Assert.True(await Procs.GoneWithinAsync(child, TimeSpan.FromSeconds(2)), $"child {child} of the trainer still runs");
        Assert.Empty(ProcFs.ListGroup(result.Process!.ProcessGroupId));
        var log = Log(request);
        Assert.Contains("SIGTERM to process group", log, StringComparison.Ordinal);
        Assert.Contains("SIGKILL to process group", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PrunedByObserver_StopLineReachesTrainerWhichExitsByItself()
    {
        var observer = new RecordingObserver
        {
            OnEvent = (e, attempt) =>
            {
                if (e is MetricsReported { Step: 2 })
                    attempt.Stop(StopReason.Pruned);
                return ValueTask.CompletedTask;
            },
        };
        var request = Request("""
            step=0
            while true; do
              step=$((step+1))
              echo "{\"step\":$step,\"metrics\":{\"val/acc\":0.1}}"
              if read -r -t 0.05 line; then
                echo "{\"info\":{\"got\":$(printf '%s' "$line" | sed 's/"/\\"/g; s/^/"/; s/$/"/')}}"
                exit 0
              fi
            done
            """);

        var result = await _runner.RunAsync(request, observer);

        var pruned = Assert.IsType<AttemptOutcome.Pruned>(result.Outcome);
        Assert.True(pruned.LastStep >= 2);
        Assert.Equal("""{"cmd":"stop","reason":"pruned"}""", observer.Info("got").GetString());
        Assert.Equal(0, result.Exit!.Value.ExitCode);
        Assert.DoesNotContain("SIGTERM", Log(request), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsGracefullyAndIsInterrupted()
    {
        using var cts = new CancellationTokenSource();
        var observer = new RecordingObserver
        {
            OnEvent = (e, _) =>
            {
                if (e is MetricsReported)
                    cts.Cancel();
                return ValueTask.CompletedTask;
            },
        };
        var request = Request("""
            echo '{"step":1,"metrics":{"x":1}}'
            read -r line
            echo "{\"checkpoint\":\"ckpt.json\",\"step\":1}"
            case "$line" in *shutdown*) exit 0;; *) exit 5;; esac
            """);

        var result = await _runner.RunAsync(request, observer, cts.Token);

        Assert.IsType<AttemptOutcome.Interrupted>(result.Outcome);
        Assert.Equal(StopReason.Shutdown, result.StopRequested);
        Assert.Equal(0, result.Exit!.Value.ExitCode);
        Assert.Equal(new CheckpointReported(1, "ckpt.json"), result.LastCheckpoint);
    }

    [Fact]
    public async Task RunAsync_FinalBeforeCancellation_IsStillCompleted()
    {
        using var cts = new CancellationTokenSource();
        var observer = new RecordingObserver
        {
            OnEvent = (e, _) =>
            {
                if (e is FinalResultReported)
                    cts.Cancel();
                return ValueTask.CompletedTask;
            },
        };
        var request = Request("""
            echo '{"final":{"x":1}}'
            read -r line
            """);

        var result = await _runner.RunAsync(request, observer, cts.Token);

        Assert.IsType<AttemptOutcome.Completed>(result.Outcome);
    }

    [Fact]
    public async Task RunAsync_CpuSlot_PassesEmptyCudaDevicesAndThreadSettings()
    {
        var observer = new RecordingObserver();
        var request = Request("""
            echo "{\"info\":{\"cuda\":\"${CUDA_VISIBLE_DEVICES-unset}\",\"omp\":\"$OMP_NUM_THREADS\",\"mkl\":\"$MKL_NUM_THREADS\",\"wait\":\"$OMP_WAIT_POLICY\",\"trial_dir\":\"$HOMM_TRIAL_DIR\",\"cwd\":\"$PWD\",\"trial\":\"$HOMM_TRIAL_NUMBER\",\"resume\":\"$HOMM_RESUME\",\"slot\":\"$HOMM_SLOT\"}}"
            echo '{"final":{"x":1}}'
            """, slot: TrainerSlot.Cpu("cpu1", 3));

        await _runner.RunAsync(request, observer);

        Assert.Equal("", observer.Info("cuda").GetString());
        Assert.Equal("3", observer.Info("omp").GetString());
        Assert.Equal("3", observer.Info("mkl").GetString());
        Assert.Equal("PASSIVE", observer.Info("wait").GetString());
        Assert.Equal(request.TrialDirectory, observer.Info("trial_dir").GetString());
        Assert.Equal(request.TrialDirectory, observer.Info("cwd").GetString());
        Assert.Equal("7", observer.Info("trial").GetString());
        Assert.Equal("0", observer.Info("resume").GetString());
        Assert.Equal("cpu1", observer.Info("slot").GetString());
    }

    [Fact]
    public async Task RunAsync_GpuSlot_PassesItsDevices()
    {
        var observer = new RecordingObserver();
        var request = Request("""
            echo "{\"info\":{\"cuda\":\"$CUDA_VISIBLE_DEVICES\",\"omp\":\"$OMP_NUM_THREADS\"}}"
            echo '{"final":{"x":1}}'
            """, slot: TrainerSlot.Gpu("gpu1", "1", 4));

        await _runner.RunAsync(request, observer);

        Assert.Equal("1", observer.Info("cuda").GetString());
        Assert.Equal("4", observer.Info("omp").GetString());
    }

    [Fact]
    public async Task RunAsync_CustomCommand_SubstitutesParametersAndResolvesStudyFiles()
    {
        var script = _dir.Script("train.sh", """
            printf '%s\n' "$@" > args.txt
            echo '{"final":{"x":1}}'
            """);
        var request = Request("") with
        {
            Command = TestCommand.Custom(["bash", "train.sh", "--lr", "{lr}", "--order={order}", "{name}", "{{literal}}", "--dir", "{trial_dir}"]),
            Params = new Dictionary<string, object> { ["lr"] = 1e-5, ["order"] = 2L, ["name"] = "a b" },
            StudyDirectory = _dir.Path,
        };

        var result = await _runner.RunAsync(request, new RecordingObserver());

        Assert.IsType<AttemptOutcome.Completed>(result.Outcome);
        var args = File.ReadAllLines(Path.Combine(request.TrialDirectory, "args.txt"));
        Assert.Equal(["--lr", "1e-05", "--order=2", "a b", "{literal}", "--dir", request.TrialDirectory], args);
        Assert.Contains(script, Log(request), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WorkingDirectoryGiven_RunsThereWithTrialFilesInTheTrialFolder()
    {
        var observer = new RecordingObserver();
        var request = Request("""
            echo "{\"info\":{\"cwd\":\"$PWD\",\"params\":\"$HOMM_PARAMS_FILE\"}}"
            echo '{"final":{"x":1}}'
            """) with { WorkingDirectory = _dir.Path };

        await _runner.RunAsync(request, observer);

        Assert.Equal(_dir.Path, observer.Info("cwd").GetString());
        Assert.Equal(Path.Combine(request.TrialDirectory, "trial.json"), observer.Info("params").GetString());
        Assert.True(File.Exists(Path.Combine(request.TrialDirectory, "trainer.log")));
    }

    [Fact]
    public async Task RunAsync_ExecutableScript_RunsDirectlyAndReadsTrialJson()
    {
        var script = _dir.Script("direct.sh", """
            lr=$(sed -n 's/.*"lr": \([0-9.e-]*\).*/\1/p' "$HOMM_PARAMS_FILE")
            echo "{\"final\":{\"lr\":$lr}}"
            """);
        var request = Request("") with { Command = TestCommand.Custom([script]) };

        var result = await _runner.RunAsync(request, new RecordingObserver());

        var completed = Assert.IsType<AttemptOutcome.Completed>(result.Outcome);
        Assert.Equal(0.001, completed.FinalMetrics["lr"]);
    }

    [Fact]
    public async Task RunAsync_ProgramNotFound_FailsToStartWithAClearReason()
    {
        var request = Request("") with { Command = TestCommand.Custom(["no-such-trainer-xyz", "--lr", "{lr}"]) };

        var result = await _runner.RunAsync(request, new RecordingObserver());

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(FailureKind.StartFailed, failed.Kind);
        Assert.Contains("'no-such-trainer-xyz' was not found on PATH", failed.Reason, StringComparison.Ordinal);
        Assert.Null(result.Process);
        Assert.Contains("not found on PATH", Log(request), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingParameter_FailsToStart()
    {
        var request = Request("") with { Command = TestCommand.Custom(["bash", "-c", "true", "{wd}"]) };

        var result = await _runner.RunAsync(request, new RecordingObserver());

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(FailureKind.StartFailed, failed.Kind);
        Assert.Contains("no parameter 'wd'", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HugeLineAndStderr_GoToTheLogCutAndTheFinalStillCounts()
    {
        var request = Request("""
            head -c 100000 /dev/zero | tr '\0' x
            echo
            echo 'warning: something on stderr' >&2
            echo '{"final":{"x":2}}'
            """);

        var result = await _runner.RunAsync(request, new RecordingObserver());

        var completed = Assert.IsType<AttemptOutcome.Completed>(result.Outcome);
        Assert.Equal(2, completed.FinalMetrics["x"]);
        var log = Log(request);
        Assert.Contains("warning: something on stderr", log, StringComparison.Ordinal);
        Assert.Contains(new string('x', 4096) + " [line cut]", log, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', 4097), log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ChildLeftBehindAfterExit_IsKilled()
    {
        var observer = new RecordingObserver();
        var request = Request("""
            sleep 300 &
            echo "{\"info\":{\"child\":$!}}"
            echo '{"final":{"x":1}}'
            """);

        var result = await _runner.RunAsync(request, observer);

        Assert.IsType<AttemptOutcome.Completed>(result.Outcome);
        Assert.True(await Procs.GoneWithinAsync(observer.Info("child").GetInt32(), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task RunAsync_GrandchildEscapesTheGroupHoldingStdout_AttemptStillEnds()
    {
        var observer = new RecordingObserver();
        var request = Request("""
            setsid sleep 30 &
            escaped=$!
            # Wait until it has left the group (its own session): before that, the group kill at the
            # trainer's exit still reaches it and the pipes close normally (seen on a loaded machine).
            n=0
            while [ "$(cut -d' ' -f6 /proc/$escaped/stat 2>/dev/null)" != "$escaped" ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n+1)); done
            echo "{\"info\":{\"escaped\":$escaped}}"
            echo '{"final":{"x":1}}'
            """);

        var result = await _runner.RunAsync(request, observer);

        var escaped = observer.Info("escaped").GetInt32();
        var stat = ProcFs.ReadStat(escaped);
        if (stat is { Command: "sleep" } && stat.SessionId == escaped)
            Posix.SignalProcess(escaped, Posix.SigKill);
        Assert.IsType<AttemptOutcome.Completed>(result.Outcome);
        Assert.Contains("stopped reading it", Log(request), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ObserverThrows_KillsTrainerAndRethrows()
    {
        var observer = new RecordingObserver
        {
            OnEvent = (e, _) => e is MetricsReported ? throw new InvalidOperationException("database is gone") : ValueTask.CompletedTask,
        };
        var request = Request("""
            trap '' TERM
            echo '{"step":1,"metrics":{"x":1}}'
            while true; do sleep 0.05; done
            """);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => _runner.RunAsync(request, observer));

        Assert.Equal("database is gone", e.Message);
        Assert.False(Procs.IsAlive(observer.Started!.Pid));
    }

    [Fact]
    public async Task RunAsync_ObjectiveMissingFromFinal_Fails()
    {
        var request = Request("""echo '{"final":{"val/loss":0.3}}'""") with { Objective = "val/acc" };

        var result = await _runner.RunAsync(request, new RecordingObserver());

        var failed = Assert.IsType<AttemptOutcome.Failed>(result.Outcome);
        Assert.Equal(FailureKind.NoFinalResult, failed.Kind);
        Assert.Contains("has no \"val/acc\"", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TrialJson_HoldsParamsAndSettings()
    {
        using var settings = System.Text.Json.JsonDocument.Parse("""{"epochs":3,"dataset":"fashion-mnist"}""");
        var request = Request("""echo '{"final":{"x":1}}'""") with
        {
            Params = new Dictionary<string, object> { ["lr"] = 0.001, ["order"] = 2, ["act"] = "gelu", ["bias"] = true },
            Settings = settings.RootElement,
            StudyName = "fmnist",
            Attempt = 2,
            Resume = true,
        };

        await _runner.RunAsync(request, new RecordingObserver());

        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(request.TrialJsonPath));
        var root = doc.RootElement;
        Assert.Equal("fmnist", root.GetProperty("study").GetString());
        Assert.Equal(42, root.GetProperty("trial_id").GetInt64());
        Assert.Equal(2, root.GetProperty("attempt").GetInt32());
        Assert.True(root.GetProperty("resume").GetBoolean());
        Assert.Equal(0.001, root.GetProperty("params").GetProperty("lr").GetDouble());
        Assert.Equal(2, root.GetProperty("params").GetProperty("order").GetInt32());
        Assert.Equal("gelu", root.GetProperty("params").GetProperty("act").GetString());
        Assert.True(root.GetProperty("params").GetProperty("bias").GetBoolean());
        Assert.Equal(3, root.GetProperty("settings").GetProperty("epochs").GetInt32());
    }
}
