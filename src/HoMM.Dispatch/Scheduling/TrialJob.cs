using Quartz;
using Quartz.Extensibility;

namespace HoMM.Dispatch.Scheduling;

/// <summary>What a fired trial job does: run the trial's next attempt (the driver's trial runner).</summary>
public interface ITrialJobHandler
{
    /// <summary>
    /// Runs the trial until it is finished or the dispatcher shuts down. Returns normally when the
    /// trial is finished (or there was nothing to do); throws <see cref="OperationCanceledException"/>
    /// when <paramref name="cancellationToken"/> (a shutdown) interrupted it, so Quartz keeps the
    /// firing for recovery.
    /// </summary>
    ValueTask RunTrialAsync(long trialId, bool recovering, CancellationToken cancellationToken);
}

/// <summary>
/// One trial as a Quartz job. The job is stored with RequestRecovery, so a dispatcher killed while
/// it runs fires it again on restart; the handler then kills the stale trainer and resumes.
/// </summary>
internal sealed class TrialJob(ITrialJobHandler handler) : IJob
{
    public const string TrialIdKey = "trial_id";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var trialId = context.MergedJobDataMap.GetLong(TrialIdKey);
        await handler.RunTrialAsync(trialId, context.Recovering, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Builds every <see cref="TrialJob"/> with the one handler of this dispatcher.</summary>
internal sealed class TrialJobFactory(ITrialJobHandler handler) : IJobFactory
{
    public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler scheduler, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new JobScope(new TrialJob(handler), null));

    public ValueTask ReturnJob(JobScope scope, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
