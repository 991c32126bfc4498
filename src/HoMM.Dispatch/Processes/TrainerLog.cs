using System.Text;

namespace HoMM.Dispatch.Processes;

/// <summary>
/// The trial's log file: the trainer's stderr, its non-protocol stdout lines and the dispatcher's
/// own notes (prefixed "[homm]"), in arrival order. Appended across attempts; flushed per line so
/// the dashboard can tail it live and nothing is lost when the dispatcher is killed.
/// Thread-safe: stdout and stderr are pumped on different tasks.
/// </summary>
internal sealed class TrainerLog : IDisposable
{
    /// <summary>Log lines are cut to this many characters (the protocol reader already bounds them in bytes).</summary>
    private const int MaxLineChars = 64 * 1024;

    private readonly Lock _lock = new();
    private readonly FileStream _file;
    private bool _disposed;

    public TrainerLog(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
    }

    public string Path { get; }

    private bool _failed;

    public void Line(string text)
    {
        var line = text.Length > MaxLineChars ? string.Concat(text.AsSpan(0, MaxLineChars), " [cut]") : text;
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (_lock)
        {
            if (_disposed)
                return;
            if (_failed)
                return;
            try
            {
                // One write per line: lines of the two streams never interleave mid-line.
                _file.Write(bytes);
                _file.Flush();
            }
            catch (IOException e)
            {
                // A full disk: the trainer's output is still read (so it never blocks on a full
                // pipe) but no longer kept; the driver learns of it and stops the study.
                _failed = true;
                Driver.DiskSpace.Report($"writing {Path}", e);
            }
        }
    }

    public void Note(string text) => Line("[homm] " + text);

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
            _file.Dispose();
        }
    }
}

/// <summary>
/// Watches the trainer's text output for what the exit code alone cannot tell: an allocator that
/// ran out of memory (CUDA, libtorch, C++, Python), or an exec that failed. Keeps the last lines of
/// stderr for failure messages. Thread-safe.
/// </summary>
internal sealed class OutputWatch
{
    private const int TailLines = 20;
    private const int TailLineChars = 500;

    private static readonly string[] OutOfMemoryMarks =
    [
        "out of memory",            // "CUDA out of memory", "CUDA error: out of memory", "RuntimeError: ... out of memory"
        "outofmemoryerror",         // torch.cuda.OutOfMemoryError, java.lang.OutOfMemoryError
        "std::bad_alloc",
        "memoryerror",              // Python's MemoryError
        "can't allocate memory",    // libtorch DefaultCPUAllocator
        "cannot allocate memory",   // ENOMEM
        "cublas_status_alloc_failed",
        "cudnn_status_alloc_failed",
    ];

    private readonly Lock _lock = new();
    private readonly Queue<string> _stderrTail = new();

    /// <summary>The first line that reported an out-of-memory condition, or null.</summary>
    public string? OutOfMemoryLine { get; private set; }

    /// <summary>setsid's "failed to execute" message when the trainer program could not be started.</summary>
    public string? ExecFailure { get; private set; }

    public void Observe(string line, bool fromStderr)
    {
        lock (_lock)
        {
            if (OutOfMemoryLine is null && OutOfMemoryMarks.Any(m => line.Contains(m, StringComparison.OrdinalIgnoreCase)))
                OutOfMemoryLine = Shorten(line.Trim());
            if (!fromStderr)
                return;
            if (ExecFailure is null && line.StartsWith("setsid: failed to execute", StringComparison.Ordinal))
                ExecFailure = Shorten(line["setsid: ".Length..]);
            if (string.IsNullOrWhiteSpace(line))
                return;
            _stderrTail.Enqueue(Shorten(line.TrimEnd()));
            if (_stderrTail.Count > TailLines)
                _stderrTail.Dequeue();
        }
    }

    /// <summary>The last non-empty stderr lines, oldest first.</summary>
    public IReadOnlyList<string> StderrTail
    {
        get
        {
            lock (_lock)
                return [.. _stderrTail];
        }
    }

    private static string Shorten(string line) =>
        line.Length <= TailLineChars ? line : string.Concat(line.AsSpan(0, TailLineChars), "…");
}
