namespace HoMM.Core.Trials;

/// <summary>
/// The life of a trial: Waiting → Running → Complete | Pruned | Fail | Cancelled (Waiting may also
/// end at once). Finished states never change. Cancelled is a person's decision (the trial was not
/// wanted), not a result: samplers and pruners never see a cancelled trial, and it does not count
/// toward the trial budget.
/// </summary>
public enum TrialState
{
    Waiting,
    Running,
    Complete,
    Pruned,
    Fail,
    Cancelled,
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
