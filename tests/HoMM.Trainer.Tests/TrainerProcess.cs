using System.Collections.Concurrent;
using System.Diagnostics;

namespace HoMM.Trainer.Tests;

/// <summary>homm-train started as the dispatcher starts it: stdin and stdout piped, stdout read line by line.</summary>
internal sealed class TrainerProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private TrainerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                _lines.CompleteAdding();
            else
                _lines.Add(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                _stderr.Enqueue(e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Every stdout line read so far, in order.</summary>
    public List<string> Lines { get; } = [];

    public string Stderr => string.Join('\n', _stderr);

    public static TrainerProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "homm-train"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["OMP_NUM_THREADS"] = "1";
        info.Environment.Remove("HOMM_RESUME");
        return new TrainerProcess(Process.Start(info)!);
    }

    /// <summary>Reads stdout until a line satisfies <paramref name="match"/>; null when stdout ends or the time runs out.</summary>
    public string? ReadUntil(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (!_lines.TryTake(out var line, TimeSpan.FromMilliseconds(200)))
            {
                if (_lines.IsCompleted)
                    return null;
                continue;
            }

            Lines.Add(line);
            if (match(line))
                return line;
        }

        return null;
    }

    /// <summary>Reads stdout to its end and waits for the exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        ReadUntil(_ => false, timeout);
        if (!_process.WaitForExit(timeout))
            throw new TimeoutException($"homm-train did not exit within {timeout}; stderr:\n{Stderr}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>SIGKILL, as kill -9.</summary>
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
        _lines.Dispose();
    }
}
