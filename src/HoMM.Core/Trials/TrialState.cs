namespace HoMM.Core.Trials;

/// <summary>
/// The life of a trial: Waiting → Running → Complete | Pruned | Fail | Cancelled (Waiting may also
/// end at once). Finished states never change. Cancelled is a person's decision (the trial was not
/// wanted), not a result: samplers and pruners never see a cancelled trial, and it does not count
/// toward the trial budget.
/// <para>
/// Under a promoting scheduler (<c>pruner: {mode: promote}</c>) a Running trial that reaches a rung
/// checkpoints and becomes Paused, freeing its slot; a promotion moves it Paused → Waiting, and it
/// runs again from its checkpoint. A paused trial that is never promoted ends Pruned when the study
/// ends (or Cancelled by a person). Paused is not finished: its checkpoint is kept.
/// </para>
/// </summary>
public enum TrialState
{
    Waiting,
    Running,
    Complete,
    Pruned,
    Fail,
    Cancelled,

    /// <summary>Stopped at a rung with its checkpoint kept, waiting to be promoted (appended: stored values keep their numbers).</summary>
    Paused,
}

public static class TrialStateExtensions
{
    public static bool IsFinished(this TrialState state) =>
        state is TrialState.Complete or TrialState.Pruned or TrialState.Fail or TrialState.Cancelled;

    /// <summary>Whether a trial in this state spends the study's trial budget: a finished one, unless a person cancelled it.</summary>
    public static bool CountsTowardBudget(this TrialState state) => state.IsFinished() && state != TrialState.Cancelled;
}

/// <summary>Whether the objective is minimised or maximised.</summary>
public enum StudyDirection
{
    Minimize,
    Maximize,
}
