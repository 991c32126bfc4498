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

    /// <summary>Trial: the model's parameter count, as the trainer reported it (<c>{"info":{"params":…}}</c>).</summary>
    public const string InfoParams = InfoPrefix + "params";

    /// <summary>Trial: the model's FLOPs per example, as the trainer reported them.</summary>
    public const string InfoFlops = InfoPrefix + "flops";

    /// <summary>
    /// Trial: the running trainer, <c>{node, pid, pgid, start_time, boot_id}</c>: what a recovering
    /// dispatcher needs to find and kill a trainer its dead predecessor left behind.
    /// </summary>
    public const string Process = "process";

    /// <summary>
    /// Trial: every metric of the trainer's final line, <c>{"val/acc": 0.91, "test/acc": 0.90, …}</c>,
    /// written just before the trial completes. The test-set metrics (<c>test/*</c>) are kept only
    /// here: they are never intermediate values, so no sampler or pruner sees them.
    /// </summary>
    public const string FinalMetrics = "final_metrics";

    /// <summary>Trial: the last checkpoint, <c>{path, step}</c> (path may be relative to the trial folder).</summary>
    public const string Checkpoint = "checkpoint";

    /// <summary>
    /// Trial (pruner mode: promote): the step the trial runs to before it pauses again, written by
    /// the driver when it promotes the trial (a number). Absent: the trial's first rung. Kept in the
    /// store so that a trial resumed after a crash still pauses at the rung it was promoted to.
    /// </summary>
    public const string PromotedUntil = "promotion/until";

    /// <summary>
    /// Trial: where an imported trial's result comes from, <c>{"study": "old", "trial": 7}</c> (a fork's
    /// history) or <c>{"file": "/path/results.csv", "line": 3}</c> (<c>homm-search import</c>). It ran
    /// nowhere here: it informs the sampler but does not spend the study's trial budget.
    /// </summary>
    public const string Imported = "imported";

    /// <summary>
    /// Trial: what a person should know about how it ran that is neither its state nor its reason, e.g. a
    /// trainer that reported a step out of order; a JSON list of strings, oldest first, written through
    /// <see cref="TrialNotes"/>. The trial page, <c>trials</c> and <c>export</c> show them.
    /// </summary>
    public const string Notes = "notes";

    /// <summary>Trial: a user's request to stop it (JSON string: the reason).</summary>
    public const string ControlStop = "control/stop";

    /// <summary>
    /// Study: the trials deleted from it, <c>[{"number": 3, "seq": 57}, …]</c>, <c>seq</c> being the study's
    /// revision of the deletion: the store's tombstones, so that a reader following the change cursor
    /// learns that a trial it holds is gone (<see cref="TrialPage.DeletedNumbers"/>). Written by the store only.
    /// </summary>
    public const string DeletedTrials = "deleted_trials";

    /// <summary>Study: JSON true while paused (no new trials start).</summary>
    public const string ControlPaused = "control/paused";

    /// <summary>Study: the text of the study file it was created from (a cluster worker runs the study from it).</summary>
    public const string StudyFile = "study_file";

    /// <summary>Study: that study file's full path (a cluster worker resolves the trainer's relative paths against its folder,
    /// which must then be on a shared file system).</summary>
    public const string StudyFilePath = "study_file_path";

    /// <summary>Study: the <c>--set</c> overrides (<c>key.path=value</c>) applied to that study file when the study was
    /// created, a JSON list of strings in order; absent when there were none. Whoever reads the stored file applies them too.</summary>
    public const string StudyOverrides = "study_overrides";

    /// <summary>Study: the built-in trainer's fixed settings that make up the study's identity
    /// (HoMM.TrainerSettings' <c>HommSettings.Identity</c>), a JSON object by setting key, e.g.
    /// <c>{"model.dim": 64, ...}</c>; <c>run</c> refuses a study file that changes one of them.</summary>
    public const string TrainerIdentity = "trainer_identity";

    /// <summary>Study (cluster): JSON true while the study should be driven (set by <c>run</c> when it starts, false when it
    /// ends on its own or by Ctrl-C); a kill leaves it true, and a worker takes the study over.</summary>
    public const string ClusterDriving = "cluster/driving";
}
