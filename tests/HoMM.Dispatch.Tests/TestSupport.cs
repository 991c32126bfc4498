using System.Text.Json;
using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Protocol;
using HoMM.StudyFiles.Trainer;

// Trainer processes need Linux: process groups, /proc, setsid.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace HoMM.Dispatch.Tests;

/// <summary>Custom trainer commands written as a study file would write them.</summary>
internal static class TestCommand
{
    /// <summary>A command from its arguments (and environment), parsed by the study files' template engine.</summary>
    public static TrainerCommand Custom(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        TrainerCommand.Custom(
            arguments.Select(Template).ToList(),
            environment?.ToDictionary(e => e.Key, e => Template(e.Value), StringComparer.Ordinal));

    private static TemplateString Template(string text) =>
        TemplateString.TryParse(text, out var error) ?? throw new ArgumentException($"'{text}': {error!.Value.Message}", nameof(text));
}

/// <summary>A temporary folder for one test, removed afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "homm-dispatch-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes a bash script (with a shebang, executable) and returns its path.</summary>
    public string Script(string name, string body)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, "#!/usr/bin/env bash\n" + body.Replace("\r\n", "\n", StringComparison.Ordinal));
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Records what an attempt reports; optional hooks act on events (prune, throw).</summary>
internal sealed class RecordingObserver : IAttemptObserver
{
    private readonly Lock _lock = new();
    private readonly List<TrainerEvent> _events = [];

    public ProcessIdentity? Started { get; private set; }

    public int EventsBeforeStart { get; private set; }

    public Func<TrainerEvent, IAttemptControl, ValueTask>? OnEvent { get; init; }

    public Func<IAttemptControl, ValueTask>? OnStart { get; init; }

    public IReadOnlyList<TrainerEvent> Events
    {
        get
        {
            lock (_lock)
                return [.. _events];
        }
    }

    public IEnumerable<T> Of<T>() where T : TrainerEvent => Events.OfType<T>();

    /// <summary>The value of key <paramref name="key"/> in the info lines.</summary>
    public JsonElement Info(string key) => Of<InfoReported>().First(i => i.Values.ContainsKey(key)).Values[key];

    public async ValueTask OnStartedAsync(IAttemptControl attempt)
    {
        lock (_lock)
        {
            Started = attempt.Process;
            EventsBeforeStart = _events.Count;
        }
        if (OnStart is not null)
            await OnStart(attempt);
    }

    public async ValueTask OnEventAsync(TrainerEvent trainerEvent, IAttemptControl attempt)
    {
        lock (_lock)
            _events.Add(trainerEvent);
        if (OnEvent is not null)
            await OnEvent(trainerEvent, attempt);
    }
}

internal static class Procs
{
    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => ProcFs.ReadStat(pid) is { IsZombie: false };

    /// <summary>Waits up to <paramref name="timeout"/> for the process to be gone.</summary>
    public static async Task<bool> GoneWithinAsync(int pid, TimeSpan timeout)
    {
        var until = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (IsAlive(pid))
        {
            if (Environment.TickCount64 > until)
                return false;
            await Task.Delay(10);
        }
        return true;
    }
}
