using System.Diagnostics;
using System.Runtime.CompilerServices;
using HoMM.Dispatch.Protocol;

namespace HoMM.Dispatch.Processes;

/// <summary>
/// How to start one trainer process: argv (the program — a path, or a name looked up on PATH — and
/// its arguments), an existing working directory, variables set on top of the dispatcher's own
/// environment (a null value removes one), and the trial's log file (appended).
/// </summary>
public sealed record TrainerStartInfo(
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string?> Environment,
    string LogPath)
{
    public int MaxLineBytes { get; init; } = TrainerProtocol.DefaultMaxLineBytes;

    /// <summary>The cap of the log file (<c>trainer.log_max</c>): past it, the head and the attempt's last lines are kept.</summary>
    public long MaxLogBytes { get; init; } = StudyFiles.Trainer.TrainerDefinition.DefaultLogMaxBytes;
}

/// <summary>The trainer could not be started at all (program not found, not executable...).</summary>
public sealed class TrainerStartException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One running trainer, the leader of its own process group and session.
/// <para>
/// Why <c>setsid</c> (util-linux) rather than a P/Invoke of posix_spawn with POSIX_SPAWN_SETPGROUP:
/// starting through setsid keeps .NET's Process for everything that is easy to get wrong by hand —
/// the pipes (created close-on-exec, so one trainer never holds another's stdin open), the
/// asynchronous streams, and the reaping of the child (.NET's SIGCHLD handling waits only for
/// children it started; a posix_spawn'ed child would need its own waitpid loop that races it).
/// setsid calls setsid(2) and then execs the trainer in the same process, so the pid .NET reports
/// is the trainer's, and pid = process group id = session id. A new session also detaches the
/// trainer from the terminal: Ctrl-C reaches only the dispatcher, which then stops the trainer
/// with a stop line (a checkpoint) instead of the terminal's SIGINT killing it mid-write. It costs
/// one extra exec (about a millisecond, see the start-up benchmark test).
/// </para>
/// <para>
/// The pipes do the rest of the lifetime contract: when the dispatcher dies, even by kill -9, the
/// trainer's stdin reaches end-of-file and a well-behaved trainer exits.
/// </para>
/// </summary>
public sealed class TrainerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TrainerLog _log;
    private readonly OutputWatch _watch = new();
    private readonly Task _stderrPump;
    private readonly BoundedLineReader _stdout;
    private readonly Lock _stdinLock = new();
    private bool _stdinClosed;
    private int _eventsTaken;

    private TrainerProcess(Process process, TrainerLog log, int maxLineBytes)
    {
        _process = process;
        _log = log;
        Identity = ProcessIdentity.OfGroupLeader(process.Id);
        LiveTrainers.Add(Identity.ProcessGroupId);
        _stdout = new BoundedLineReader(process.StandardOutput.BaseStream, maxLineBytes);
        _stderrPump = PumpStderrAsync(new BoundedLineReader(process.StandardError.BaseStream, maxLineBytes));
    }

    /// <summary>Pid, process group and start time, for killing a stale trainer later.</summary>
    public ProcessIdentity Identity { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last non-empty stderr lines, for failure messages.</summary>
    public IReadOnlyList<string> StderrTail => _watch.StderrTail;

    /// <summary>The first output line (stderr or a stdout log line) that reported running out of memory.</summary>
    public string? OutOfMemoryLine => _watch.OutOfMemoryLine;

    /// <summary>Set when the program could not be executed (setsid reported it on stderr).</summary>
    public string? ExecFailure => _watch.ExecFailure;

    /// <summary>Starts the trainer in a new session and process group.</summary>
    /// <exception cref="TrainerStartException">The program is not found or not executable, or setsid is missing.</exception>
    public static TrainerProcess Start(TrainerStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("trainer processes need Linux (process groups, /proc)");
        if (info.Arguments.Count == 0)
            throw new ArgumentException("the trainer command is empty", nameof(info));
        if (!Directory.Exists(info.WorkingDirectory))
            throw new TrainerStartException($"the trainer's working directory '{info.WorkingDirectory}' does not exist");

        var path = info.Environment.TryGetValue("PATH", out var p) ? p : System.Environment.GetEnvironmentVariable("PATH");
        var program = ResolveProgram(info.Arguments[0], info.WorkingDirectory, path);

        var psi = new ProcessStartInfo(Setsid.Value)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = info.WorkingDirectory,
        };
        psi.ArgumentList.Add(program);
        foreach (var a in info.Arguments.Skip(1))
            psi.ArgumentList.Add(a);
        foreach (var (key, value) in info.Environment)
        {
            if (value is null)
                psi.Environment.Remove(key);
            else
                psi.Environment[key] = value;
        }

        var log = new TrainerLog(info.LogPath, info.MaxLogBytes);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new TrainerStartException($"could not start '{program}'");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log.Dispose();
            throw new TrainerStartException($"could not start '{program}': {e.Message}", e);
        }
        catch
        {
            log.Dispose();
            throw;
        }
        return new TrainerProcess(process, log, info.MaxLineBytes);
    }

    /// <summary>
    /// The protocol messages the trainer writes on stdout, until it closes stdout. Log lines go to
    /// the log file instead; protocol warnings go to both. One consumer only.
    /// </summary>
    public async IAsyncEnumerable<TrainerEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _eventsTaken, 1) != 0)
            throw new InvalidOperationException("the trainer's events can be read only once");
        while (true)
        {
            ReadLine? read;
            try
            {
                read = await _stdout.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The stream was closed under us (see AbandonOutput): treat as end of output.
                yield break;
            }
            if (read is not { } line)
                yield break;
            var evt = TrainerProtocol.ParseLine(line.Text, line.Truncated);
            switch (evt)
            {
                case LogLine log:
                    _watch.Observe(log.Text, fromStderr: false);
                    _log.Line(log.Truncated ? log.Text + " [line cut]" : log.Text);
                    continue;
                case ProtocolWarning w:
                    _log.Note($"protocol: {w.Message}: {w.Line}");
                    break;
            }
            yield return evt;
        }
    }

    /// <summary>Writes a control line on the trainer's stdin; false when stdin is closed or the trainer is gone.</summary>
    public bool TrySend(byte[] line)
    {
        ArgumentNullException.ThrowIfNull(line);
        lock (_stdinLock)
        {
            if (_stdinClosed)
                return false;
            try
            {
                var stdin = _process.StandardInput.BaseStream;
                stdin.Write(line);
                stdin.Flush();
                return true;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // EPIPE: the trainer exited or closed its stdin. Not an error for the dispatcher.
                return false;
            }
        }
    }

    /// <summary>Closes the trainer's stdin: a well-behaved trainer stops at end-of-file.</summary>
    public void CloseInput()
    {
        lock (_stdinLock)
        {
            if (_stdinClosed)
                return;
            _stdinClosed = true;
            try
            {
                _process.StandardInput.Close();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // Already broken pipe: closed is what we wanted.
            }
        }
    }

    /// <summary>Sends a signal to the trainer's whole process group; false when none of it is left.</summary>
    public bool SignalGroup(int signal)
    {
        // Until setsid has run, the group does not exist yet and the trainer cannot have children:
        // signal the process itself then.
        if (Posix.SignalGroup(Identity.ProcessGroupId, signal))
            return true;
        return !_process.HasExited && Posix.SignalProcess(Identity.Pid, signal);
    }

    /// <summary>
    /// Kills what is left of the group after the trainer exited (data-loader workers, a shell's
    /// children...) and returns their pids. They would otherwise keep a GPU busy or stdout open.
    /// </summary>
    public IReadOnlyList<int> KillLeftovers()
    {
        // The common case, an empty group, costs one system call; the /proc scan is for the log.
        if (!Posix.GroupExists(Identity.ProcessGroupId))
            return [];
        var left = ProcFs.ListGroup(Identity.ProcessGroupId).Select(p => p.Pid).ToList();
        if (left.Count > 0 && Posix.SignalGroup(Identity.ProcessGroupId, Posix.SigKill))
            _log.Note($"killed {left.Count} process(es) left in the trainer's group: {string.Join(' ', left)}");
        return left;
    }

    /// <summary>Waits until the trainer process has exited (its group may live on; see <see cref="KillLeftovers"/>).</summary>
    public async Task<TrainerExit> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return new TrainerExit(_process.ExitCode);
    }

    /// <summary>Waits for stderr to reach end-of-file (all of it in the log).</summary>
    public Task StderrDrained => _stderrPump;

    /// <summary>
    /// Stops reading output that a process outside the group still holds open (a grandchild that
    /// called setsid itself), so the attempt can finish.
    /// </summary>
    public void AbandonOutput()
    {
        _log.Note("output still open after the trainer's group ended (a process escaped the group?); stopped reading it");
        try
        {
            _process.StandardOutput.BaseStream.Dispose();
            _process.StandardError.BaseStream.Dispose();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Appends a "[homm]" note to the trial's log.</summary>
    public void Note(string text) => _log.Note(text);

    /// <summary>Kills the group if still running, then releases the pipes and the log.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            SignalGroup(Posix.SigKill);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Unkillable (D state); nothing more to do than not wait forever.
            }
        }
        if (_process.HasExited)
        {
            KillLeftovers();
            LiveTrainers.Remove(Identity.ProcessGroupId);
        }
        CloseInput();
        try
        {
            await _stderrPump.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            AbandonOutput();
        }
        _process.Dispose();
        _log.Dispose();
    }

    private async Task PumpStderrAsync(BoundedLineReader reader)
    {
        // Runs on the thread pool from the start so a slow log disk never blocks Start().
        await Task.Yield();
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                _watch.Observe(line.Text, fromStderr: true);
                _log.Line(line.Truncated ? line.Text + " [line cut]" : line.Text);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Closed by AbandonOutput or disposal.
        }
    }

    /// <summary>The program to exec: a path (relative to <paramref name="workingDirectory"/>) or a name looked up on <paramref name="path"/>; also the pre-flight check of `run`.</summary>
    /// <exception cref="TrainerStartException">Not found, or not executable.</exception>
    public static string ResolveProgram(string program, string workingDirectory, string? path)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(program, workingDirectory);
            if (!File.Exists(full))
                throw new TrainerStartException($"the trainer program '{program}' does not exist (looked for {full})");
            if (!IsExecutable(full))
                throw new TrainerStartException($"the trainer program '{full}' is not executable; run chmod +x on it, or start it through its interpreter, e.g. [python3, {program}]");
            return full;
        }
        foreach (var dir in (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate) && IsExecutable(candidate))
                return candidate;
        }
        throw new TrainerStartException($"the trainer program '{program}' was not found on PATH ({path}); install it or give its full path");
    }

    private static bool IsExecutable(string file) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    private static readonly Lazy<string> Setsid = new(() =>
        new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists)
        ?? throw new TrainerStartException("setsid (from util-linux) is not installed; install util-linux (apt-get install util-linux)"));
}
