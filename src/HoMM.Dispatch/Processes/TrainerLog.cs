using System.Globalization;
using System.Text;
using HoMM.StudyFiles.Trainer;

namespace HoMM.Dispatch.Processes;

/// <summary>
/// The trial's log file: the trainer's stderr, its non-protocol stdout lines and the dispatcher's
/// own notes (prefixed "[homm]"), in arrival order. Appended across attempts; flushed per line so
/// the dashboard can tail it live and nothing is lost when the dispatcher is killed.
/// <para>
/// Capped (<c>trainer.log_max</c>): once the file would pass the cap less a tail reserve
/// (a quarter of the cap, at most 32 KiB), a "[homm]" line says so and the attempt's further lines
/// are held in memory, only the newest that fit in the reserve; when the attempt ends they are
/// written after a "… N bytes dropped …" line. So the file keeps the head (start-up, the first
/// errors) and the end (the last traceback). A later attempt of a capped log adds at most its own
/// reserve. A dispatcher killed before the attempt ends loses the held tail, not the head.
/// </para>
/// Thread-safe: stdout and stderr are pumped on different tasks.
/// </summary>
internal sealed class TrainerLog : IDisposable
{
    /// <summary>Log lines are cut to this many characters (the protocol reader already bounds them in bytes).</summary>
    private const int MaxLineChars = 64 * 1024;

    /// <summary>
    /// The most of an attempt's end held back for after the marker line: the last few hundred lines
    /// (a traceback), small enough that the dashboard's 64 KiB view shows the marker above them.
    /// </summary>
    private const long MaxTailBytes = 32 << 10;

    private readonly Lock _lock = new();
    private readonly FileStream _file;
    private readonly long _maxBytes;
    private readonly long _tailBytes;
    private readonly Queue<byte[]> _tail = new();
    private long _size;
    private bool _failed;
    private long _held;
    private bool _capped;
    private bool _disposed;

    /// <param name="path">The log file (appended; its folder is created).</param>
    /// <param name="maxBytes">The cap, <c>trainer.log_max</c>.</param>
    public TrainerLog(string path, long maxBytes = TrainerDefinition.DefaultLogMaxBytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, TrainerDefinition.MinLogMaxBytes);
        Path = path;
        _maxBytes = maxBytes;
        _tailBytes = Math.Min(maxBytes / 4, MaxTailBytes);
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        _size = _file.Length;
    }

    public string Path { get; }

    /// <summary>The bytes of this attempt's output left out of the file so far (0 while under the cap).</summary>
    public long DroppedBytes { get; private set; }

    public void Line(string text)
    {
        var line = text.Length > MaxLineChars ? string.Concat(text.AsSpan(0, MaxLineChars), " [cut]") : text;
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (_lock)
        {
            if (_disposed)
                return;
            if (!_capped && _size + bytes.Length > _maxBytes - _tailBytes)
            {
                _capped = true;
                Write(string.Create(CultureInfo.InvariantCulture,
                    $"[homm] trainer.log reached {_size:N0} bytes, near its cap of {_maxBytes:N0} (trainer.log_max): from here this attempt keeps only its last {_tailBytes:N0} bytes, written after a '… N bytes dropped …' line when it ends"));
            }
            if (!_capped)
            {
                Write(bytes);
                return;
            }
            _tail.Enqueue(bytes);
            _held += bytes.Length;
            while (_held > _tailBytes)
            {
                var dropped = _tail.Dequeue();
                _held -= dropped.Length;
                DroppedBytes += dropped.Length;
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
            if (_capped)
            {
                Write(string.Create(CultureInfo.InvariantCulture, $"[homm] … {DroppedBytes:N0} bytes dropped (trainer.log_max) …"));
                while (_tail.TryDequeue(out var line))
                    Write(line);
            }
            _file.Dispose();
        }
    }

    private void Write(string line) => Write(Encoding.UTF8.GetBytes(line + "\n"));

    private void Write(byte[] bytes)
    {
        if (_failed)
            return;
        try
        {
            // One write per line: lines of the two streams never interleave mid-line.
            _file.Write(bytes);
            _file.Flush();
            _size += bytes.Length;
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
