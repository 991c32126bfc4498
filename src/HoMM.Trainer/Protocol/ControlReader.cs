using System.Text.Json;

namespace HoMM.Trainer.Protocol;

/// <summary>
/// Reads control lines from the dispatcher on a background thread: <c>{"cmd":"stop","reason":…}</c>
/// (or a bare <c>stop</c> typed by hand) asks the trainer to stop; end of input means the dispatcher
/// is gone and the trainer must not outlive it. Other lines are ignored (later versions may add
/// commands). The training loop polls <see cref="StopReason"/> between steps.
/// </summary>
public sealed class ControlReader
{
    /// <summary>The reason given when stdin ends.</summary>
    public const string EndOfInput = "stdin closed";

    private volatile string? _stopReason;

    /// <summary>Null while training should go on; otherwise why it should stop.</summary>
    public string? StopReason => _stopReason;

    /// <summary>Starts reading <paramref name="input"/> on a background thread.</summary>
    public static ControlReader Start(TextReader input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reader = new ControlReader();
        var thread = new Thread(() => reader.Run(input)) { IsBackground = true, Name = "homm-train stdin" };
        thread.Start();
        return reader;
    }

    /// <summary>A reader that never asks to stop (in-process use and tests).</summary>
    public static ControlReader None() => new();

    /// <summary>Asks the loop to stop, as a stop line would.</summary>
    public void RequestStop(string reason) => _stopReason ??= reason;

    private void Run(TextReader input)
    {
        try
        {
            while (input.ReadLine() is { } line)
            {
                if (ParseStop(line) is { } reason)
                {
                    RequestStop(reason);
                    return;
                }
            }
        }
        catch (IOException)
        {
            // A broken pipe is the same as end of input.
        }

        RequestStop(EndOfInput);
    }

    /// <summary>The reason of a stop line, or null for any other line.</summary>
    internal static string? ParseStop(string line)
    {
        var trimmed = line.Trim();
        if (trimmed == "stop")
            return "stop";
        if (!trimmed.StartsWith('{'))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(trimmed);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("cmd", out var cmd)
                && cmd.ValueKind == JsonValueKind.String && cmd.GetString() == "stop")
            {
                return root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() ?? "stop" : "stop";
            }
        }
        catch (JsonException)
        {
            // Not a control line.
        }

        return null;
    }
}
