namespace HoMM.Core.Trials;

/// <summary>The life of a trial: Waiting → Running → Complete | Pruned | Fail. Finished states never change.</summary>
public enum TrialState
{
    Waiting,
    Running,
    Complete,
    Pruned,
    Fail,
}

public static class TrialStateExtensions
{
    public static bool IsFinished(this TrialState state) =>
        state is TrialState.Complete or TrialState.Pruned or TrialState.Fail;
}

/// <summary>Whether the objective is minimised or maximised.</summary>
public enum StudyDirection
{
    Minimize,
    Maximize,
}
