using System.Globalization;
using Microsoft.Extensions.Logging;

namespace HoMM.Dispatch.Logging;

/// <summary>
/// Writes log entries as plain lines (<c>2026-05-01 22:14:03Z warn  trial 7: …</c>) to a text
/// writer: the run's log file (<c>&lt;runs&gt;/&lt;study&gt;/run.log</c>) or a worker's output.
/// Each line is flushed at once, so a killed process leaves every entry it made. Thread-safe.
/// </summary>
public sealed class LineLogger : ILogger, IDisposable
{
    private readonly Lock _lock = new();
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private readonly TimeProvider _time;
    private readonly LogLevel _minimum;

    /// <param name="writer">Where the lines go.</param>
    /// <param name="time">Stamps each line.</param>
    /// <param name="minimum">Entries below this level are dropped.</param>
    /// <param name="ownsWriter">Dispose <paramref name="writer"/> with this logger.</param>
    public LineLogger(TextWriter writer, TimeProvider? time = null, LogLevel minimum = LogLevel.Information, bool ownsWriter = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _time = time ?? TimeProvider.System;
        _minimum = minimum;
        _ownsWriter = ownsWriter;
    }

    /// <summary>A logger appending to the file <paramref name="path"/> (its folder is created).</summary>
    public static LineLogger AppendTo(string path, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Shared: tests and people read the log while the run writes it.
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        return new LineLogger(new StreamWriter(stream), time, ownsWriter: true);
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= _minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
            return;
        var message = formatter(state, exception);
        if (exception is not null && !message.Contains(exception.Message, StringComparison.Ordinal))
            message += $" ({exception.GetType().Name}: {exception.Message})";
        var line = string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():yyyy-MM-dd HH:mm:ss}Z {Level(logLevel),-5} {message}");
        lock (_lock)
        {
            try
            {
                _writer.WriteLine(line);
                _writer.Flush();
            }
            catch (ObjectDisposedException)
            {
                // The run has ended; a late entry of a background task has nowhere to go.
            }
            catch (IOException e)
            {
                // A full disk must not take dispatch down from inside a log call: the driver
                // learns of it and says so on the terminal.
                Driver.DiskSpace.Report("writing the run log", e);
            }
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "fatal",
    };

    public void Dispose()
    {
        if (!_ownsWriter)
            return;
        lock (_lock)
        {
            try
            {
                _writer.Dispose();
            }
            catch (IOException)
            {
                // The last buffered lines could not be written (a full disk): already reported.
            }
        }
    }
}
