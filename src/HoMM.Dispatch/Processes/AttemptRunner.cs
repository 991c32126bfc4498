using HoMM.Dispatch.Protocol;

namespace HoMM.Dispatch.Processes;

/// <summary>
/// Runs one attempt of a trial as a trainer process and says how it ended. Thread-safe: one
/// runner serves every slot of a worker, each RunAsync call is independent.
/// </summary>
public sealed class AttemptRunner
{
    private readonly AttemptRunnerOptions _options;
    private readonly TimeProvider _time;

    public AttemptRunner(AttemptRunnerOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _time = timeProvider;
    }

    /// <summary>
    /// Writes trial.json, starts the trainer in its own process group, feeds its protocol messages
    /// to <paramref name="observer"/>, enforces the timeout, and returns once the trainer and
    /// everything left in its group are gone.
    /// <para>
    /// Cancelling <paramref name="cancellationToken"/> (Ctrl-C, a shutdown of the queue, a lost lease) does not abandon
    /// the trainer: it is stopped like any other stop (stop line, then SIGTERM, then SIGKILL to its
    /// group) and the result is <see cref="AttemptOutcome.Interrupted"/>, or Completed when the final
    /// result arrived first. RunAsync does not throw OperationCanceledException.
    /// </para>
    /// Throws only what the observer throws (after killing the trainer's group) and I/O errors of
    /// the trial folder; every failure of the trainer itself is an outcome.
    /// </summary>
    public async Task<AttemptResult> RunAsync(AttemptRequest request, IAttemptObserver observer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(observer);
        var started = _time.GetTimestamp();
        if (cancellationToken.IsCancellationRequested)
            return NotStarted(new AttemptOutcome.Interrupted("cancelled before the trainer started"), StopReason.Shutdown, started);

        Directory.CreateDirectory(request.TrialDirectory);
        TrainerEnvironment.WriteTrialFile(request);
        TrainerProcess process;
        IReadOnlyList<string> argv = [];
        long? oomKillsBefore = null;
        try
        {
            var command = request.Command.Render(new TrainerCommandContext(
                request.Params, request.TrialDirectory, request.TrialJsonPath, request.TrialNumber, request.Resume,
                request.StudyName, request.StudyDirectory, request.EffectiveWorkingDirectory));
            argv = command.Arguments;
            oomKillsBefore = OomKillCounter.Read();
            process = TrainerProcess.Start(new TrainerStartInfo(argv, request.EffectiveWorkingDirectory, TrainerEnvironment.Build(request, command.Environment), request.EffectiveLogPath)
            {
                MaxLineBytes = _options.MaxLineBytes,
                MaxLogBytes = request.LogMaxBytes,
            });
        }
        catch (Exception e) when (e is TrainerCommandException or TrainerStartException)
        {
            var reason = $"could not start the trainer: {e.Message}";
            AppendNote(request, $"attempt {request.Attempt} of trial {request.TrialNumber}: {reason}");
            return NotStarted(new AttemptOutcome.Failed(FailureKind.StartFailed, reason), null, started);
        }

        await using (process.ConfigureAwait(false))
        {
            process.Note($"attempt {request.Attempt} of trial {request.TrialNumber} started at {_time.GetUtcNow():u} " +
                         $"on slot {request.Slot.Id}: pid {process.Identity.Pid}, {QuoteArgv(argv)}");
            var attempt = new RunningAttempt(process, _options, _time, request.ObjectiveInEveryMetricsLine ? request.Objective : null);
            try
            {
                return await RunStartedAsync(request, observer, attempt, process, started, oomKillsBefore, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await attempt.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<AttemptResult> RunStartedAsync(
        AttemptRequest request, IAttemptObserver observer, RunningAttempt attempt, TrainerProcess process,
        long started, long? oomKillsBefore, CancellationToken cancellationToken)
    {
        var exiting = process.WaitForExitAsync(CancellationToken.None);
        try
        {
            await observer.OnStartedAsync(attempt).ConfigureAwait(false);
        }
        catch
        {
            await KillAndWaitAsync(process, exiting, "the dispatcher could not record the attempt's start").ConfigureAwait(false);
            throw;
        }

        using var onCancel = cancellationToken.Register(() => attempt.Stop(StopReason.Shutdown));
        if (request.Timeout is { } timeout)
            attempt.StartTimeout(timeout);

        var reading = attempt.ReadAsync(observer);
        if (await Task.WhenAny(reading, exiting).ConfigureAwait(false) == reading && reading.IsFaulted)
        {
            await KillAndWaitAsync(process, exiting, "the dispatcher failed while handling its output").ConfigureAwait(false);
            await reading.ConfigureAwait(false); // rethrows the observer's exception
        }

        var exit = await exiting.ConfigureAwait(false);
        attempt.MarkExited();
        process.KillLeftovers();
        // With the group gone, the pipes close; only a process that left the group could hold them.
        if (!await CompletesWithinAsync(Task.WhenAll(reading, process.StderrDrained)).ConfigureAwait(false))
            process.AbandonOutput();
        await reading.ConfigureAwait(false);

        var facts = attempt.Facts(exit, request.Timeout, request.Objective) with { KernelOomKill = OomKillCounter.Rose(oomKillsBefore, OomKillCounter.Read()) };
        var outcome = AttemptClassifier.Classify(facts);
        process.Note($"attempt {request.Attempt} ended ({exit}): {Describe(outcome)}");
        return new AttemptResult(outcome, process.Identity, exit, attempt.LastStep, attempt.StopRequested,
            attempt.LastCheckpoint, _time.GetElapsedTime(started));
    }

    private async Task<bool> CompletesWithinAsync(Task task)
    {
        try
        {
            await task.WaitAsync(_options.OutputDrainTimeout, _time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (Exception)
        {
            // The observer's exception is rethrown by the caller's await; here only "done" matters.
            return true;
        }
    }

    private static async Task KillAndWaitAsync(TrainerProcess process, Task<TrainerExit> exiting, string why)
    {
        process.Note($"{why}; killing the trainer's process group");
        process.SignalGroup(Posix.SigKill);
        await exiting.ConfigureAwait(false);
        process.KillLeftovers();
    }

    private AttemptResult NotStarted(AttemptOutcome outcome, StopReason? stop, long started) =>
        new(outcome, null, null, null, stop, null, _time.GetElapsedTime(started));

    private static void AppendNote(AttemptRequest request, string text)
    {
        using var log = new TrainerLog(request.EffectiveLogPath, request.LogMaxBytes);
        log.Note(text);
    }

    private static string Describe(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Completed c => $"completed with {string.Join(", ", c.FinalMetrics.Select(kv => $"{kv.Key}={kv.Value}"))}",
        AttemptOutcome.Pruned p => p.LastStep is { } s ? $"pruned at step {s}" : "pruned",
        AttemptOutcome.Interrupted i => $"interrupted: {i.Reason}",
        AttemptOutcome.Failed f => $"failed: {f.Reason}",
        _ => outcome.ToString(),
    };

    private static string QuoteArgv(IEnumerable<string> argv) =>
        string.Join(' ', argv.Select(a => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));

    /// <summary>The per-attempt state: what was seen, the stop request and its escalation.</summary>
    private sealed class RunningAttempt(TrainerProcess process, AttemptRunnerOptions options, TimeProvider time, string? requiredObjective)
        : IAttemptControl, IAsyncDisposable
    {
        private readonly Lock _lock = new();
        private readonly CancellationTokenSource _exited = new();
        private readonly List<Task> _timers = [];
        private FinalResultReported? _final;
        private bool _finalBeforeStop;
        private TrainerErrorReported? _error;
        private string? _protocolViolation;
        private bool _hasExited;

        public ProcessIdentity Process => process.Identity;

        public long? LastStep { get; private set; }

        public StopReason? StopRequested { get; private set; }

        public CheckpointReported? LastCheckpoint { get; private set; }

        public void Stop(StopReason reason)
        {
            lock (_lock)
            {
                if (StopRequested is not null || _hasExited)
                    return;
                StopRequested = reason;
                _timers.Add(EscalateAsync(reason));
            }
        }

        public void StartTimeout(TimeSpan timeout)
        {
            lock (_lock)
                _timers.Add(TimeoutAsync(timeout));
        }

        public void MarkExited()
        {
            lock (_lock)
                _hasExited = true;
            _exited.Cancel();
        }

        public async Task ReadAsync(IAttemptObserver observer)
        {
            // Yield first: the caller must reach its WhenAny before a fast trainer's lines are handled.
            await Task.Yield();
            await foreach (var evt in process.ReadEventsAsync().ConfigureAwait(false))
            {
                string? violation = null;
                lock (_lock)
                {
                    switch (evt)
                    {
                        case MetricsReported m:
                            LastStep = m.Step;
                            if (requiredObjective is not null && _protocolViolation is null && !m.Metrics.ContainsKey(requiredObjective))
                                violation = _protocolViolation = MissingObjective(m, requiredObjective);
                            break;
                        case FinalResultReported f when _final is null:
                            _final = f;
                            _finalBeforeStop = StopRequested is null;
                            break;
                        case TrainerErrorReported e:
                            _error ??= e;
                            break;
                        case CheckpointReported c:
                            LastCheckpoint = c;
                            break;
                    }
                }
                if (violation is not null)
                {
                    process.Note(violation);
                    Stop(StopReason.Protocol);
                }
                await observer.OnEventAsync(evt, this).ConfigureAwait(false);
            }
        }

        private static string MissingObjective(MetricsReported m, string objective)
        {
            var names = m.Metrics.Keys.Order(StringComparer.Ordinal).ToList();
            var hint = Core.Constraints.NameSuggestion.Closest(objective, names) is { } close ? $" (did you mean {close}?)" : "";
            var reported = names.Count == 0 ? "no metrics" : $"metrics {string.Join(", ", names)}";
            return $"the trainer reported {reported} at step {m.Step.ToString(System.Globalization.CultureInfo.InvariantCulture)} but not the objective {objective}{hint}; " +
                   "every metrics line must include the objective: fix objective.metric or what the trainer reports";
        }

        public AttemptFacts Facts(TrainerExit exit, TimeSpan? timeout, string? objective)
        {
            lock (_lock)
            {
                return new AttemptFacts(exit, _final, _finalBeforeStop, StopRequested, timeout, _error,
                    process.OutOfMemoryLine, process.ExecFailure, process.StderrTail, LastStep, objective, _protocolViolation);
            }
        }

        private async Task TimeoutAsync(TimeSpan timeout)
        {
            try
            {
                await Task.Delay(timeout, time, _exited.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            process.Note($"time limit of {AttemptClassifier.FormatDuration(timeout)} reached");
            Stop(StopReason.Timeout);
        }

        private async Task EscalateAsync(StopReason reason)
        {
            await Task.Yield();
            process.Note($"stop requested ({reason.WireName()}): sending the stop line and closing stdin");
            process.TrySend(ControlCommand.StopLine(reason));
            process.CloseInput();
            // A cancelled trial never runs again: no checkpoint to wait for, its group goes within seconds.
            var (stopGrace, terminateGrace) = reason == StopReason.User
                ? (options.CancelGracePeriod, options.CancelGracePeriod)
                : (options.StopGracePeriod, options.TerminateGracePeriod);
            try
            {
                await Task.Delay(stopGrace, time, _exited.Token).ConfigureAwait(false);
                process.Note($"still running {AttemptClassifier.FormatDuration(stopGrace)} after the stop line: SIGTERM to process group {Process.ProcessGroupId}");
                process.SignalGroup(Posix.SigTerm);
                await Task.Delay(terminateGrace, time, _exited.Token).ConfigureAwait(false);
                process.Note($"still running {AttemptClassifier.FormatDuration(terminateGrace)} after SIGTERM: SIGKILL to process group {Process.ProcessGroupId}");
                process.SignalGroup(Posix.SigKill);
            }
            catch (OperationCanceledException)
            {
                // Exited: nothing left to escalate.
            }
            catch (InvalidOperationException e)
            {
                process.Note($"could not signal the trainer: {e.Message}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            MarkExited();
            Task[] timers;
            lock (_lock)
                timers = [.. _timers];
            await Task.WhenAll(timers).ConfigureAwait(false);
            _exited.Dispose();
        }
    }
}
