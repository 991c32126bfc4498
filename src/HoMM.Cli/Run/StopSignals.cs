using System.Runtime.InteropServices;

namespace HoMM.Cli.Run;

/// <summary>What a stop signal asks <c>run</c> to do.</summary>
internal enum StopRequest
{
    /// <summary>The first: stop gracefully (stop lines; trainers checkpoint).</summary>
    Stop,

    /// <summary>The same signal again within <see cref="StopSignals.SameSourceWindow"/> of the first: one request, not two.</summary>
    Repeat,

    /// <summary>A later one: quit at once, killing the trainers' process groups first.</summary>
    QuitNow,
}

/// <summary>
/// How <c>run</c> reads SIGINT and SIGTERM. GNU <c>timeout</c> (and a shell's job control, and
/// process supervisors) signal the process and then its whole process group, so one request
/// arrives as two signals microseconds apart; counting them as two would skip the graceful stop.
/// So the same signal within <see cref="SameSourceWindow"/> of the first counts as one, and only a
/// later one — a person pressing Ctrl-C again — quits at once.
/// </summary>
internal sealed class StopSignals(TimeProvider time)
{
    /// <summary>Signals this close together count as one.</summary>
    public static readonly TimeSpan SameSourceWindow = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private long _first;
    private PosixSignal _firstSignal;

    public StopRequest Receive(PosixSignal signal)
    {
        lock (_lock)
        {
            if (_first == 0)
            {
                _first = time.GetTimestamp();
                _firstSignal = signal;
                return StopRequest.Stop;
            }
            return signal == _firstSignal && time.GetElapsedTime(_first) < SameSourceWindow ? StopRequest.Repeat : StopRequest.QuitNow;
        }
    }
}
