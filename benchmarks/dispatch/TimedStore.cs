using System.Collections.Concurrent;
using System.Reflection;
using HoMM.Core.Trials;
using HoMM.Storage;

namespace HoMM.Benchmarks.Dispatch;

/// <summary>
/// An <see cref="ITrialStore"/> that passes every call through and notes when the driver began an
/// ask (its last read of the trials before it created one) and when each trial's result was committed.
/// </summary>
public class TimedStore : DispatchProxy
{
    private ITrialStore _inner = null!;
    private TimeProvider _time = null!;
    private double _lastRead;
    private readonly Lock _lock = new();

    public ConcurrentDictionary<long, double> AskStarted { get; } = new();

    public ConcurrentDictionary<long, double> Committed { get; } = new();

    /// <summary>When the trial's row was written (the driver then queues its job).</summary>
    public ConcurrentDictionary<long, double> Created { get; } = new();

    /// <summary>When a delivery of the trial's job first asked the store for the trial (Hangfire delivered it).</summary>
    public ConcurrentDictionary<long, double> Delivered { get; } = new();

    public static (ITrialStore Store, TimedStore Timing) Wrap(ITrialStore inner, TimeProvider time)
    {
        var proxy = Create<ITrialStore, TimedStore>();
        var timing = (TimedStore)(object)proxy;
        timing._inner = inner;
        timing._time = time;
        return (proxy, timing);
    }

    /// <summary>Wall-clock seconds since the Unix epoch, the clock a trainer reads with $EPOCHREALTIME.</summary>
    public double Now() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalSeconds;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var now = Now();
        if (targetMethod.Name == nameof(ITrialStore.GetTrialsAsync))
        {
            lock (_lock)
                _lastRead = now;
        }
        if (targetMethod.Name == nameof(ITrialStore.GetTrialAsync) && args![0] is long deliveredId)
            Delivered.TryAdd(deliveredId, now);
        object? result;
        try
        {
            result = targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        if (targetMethod.Name == nameof(ITrialStore.CreateTrialAsync))
            {
            double asked;
            lock (_lock)
                asked = _lastRead;
            return AfterCreate((Task<FrozenTrial>)result!, asked);
        }
        // The dispatcher commits as the trial's owner; anyone else through the plain compare-and-set.
        if (targetMethod.Name == nameof(ITrialStore.TryFinishOwnedAsync) && args![2] is TrialState.Complete
            || targetMethod.Name == nameof(ITrialStore.TrySetStateAsync) && args![1] is TrialState.Complete)
            return AfterComplete((Task<bool>)result!, (long)args[0]!);
        return result;
    }

    private async Task<FrozenTrial> AfterCreate(Task<FrozenTrial> task, double askStarted)
    {
        var trial = await task.ConfigureAwait(false);
        AskStarted[trial.Id] = askStarted;
        Created[trial.Id] = Now();
        return trial;
    }

    private async Task<bool> AfterComplete(Task<bool> task, long trialId)
    {
        var ok = await task.ConfigureAwait(false);
        if (ok)
            Committed[trialId] = Now();
        return ok;
    }
}
