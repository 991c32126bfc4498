namespace HoMM.Storage;

/// <summary>
/// Names of the system attributes the components exchange through the store: the dispatcher writes
/// them, reports, the dashboard and the CLI read them (the dashboard writes the controls). One place,
/// so writer and readers cannot drift apart; they are part of the database format.
/// </summary>
public static class SystemAttrs
{
    /// <summary>Trial: absolute path of the trial's folder (trainer.log, checkpoints, trial.json).</summary>
    public const string TrialDir = "trial_dir";

    /// <summary>Trial: the worker slot the trial runs or ran on, e.g. <c>cpu0</c>, <c>gpu1</c>.</summary>
    public const string Slot = "slot";

    /// <summary>Trial: prefix of the entries of the trainer's info lines, e.g. <c>info/params</c>.</summary>
    public const string InfoPrefix = "info/";

    /// <summary>Trial: the last checkpoint, <c>{path, step}</c> (path may be relative to the trial folder).</summary>
    public const string Checkpoint = "checkpoint";

    /// <summary>Trial: a user's request to stop it (JSON string: the reason).</summary>
    public const string ControlStop = "control/stop";

    /// <summary>Study: JSON true while paused (no new trials start).</summary>
    public const string ControlPaused = "control/paused";
}
