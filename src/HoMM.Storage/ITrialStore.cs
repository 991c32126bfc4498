using System.Text.Json;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Storage;

/// <summary>
/// Where studies and their trials live, shared by every process of a search (the driver, local
/// and remote workers, the dashboard). Implementations: <see cref="Sqlite.SqliteTrialStore"/>
/// (one machine) and, later, PostgreSQL (a cluster); both pass the same contract tests.
/// <para><b>Guarantees</b></para>
/// <list type="bullet">
/// <item><b>Thread and process safety.</b> Every member may be called from any thread, and any number
/// of store instances, in any number of processes, may work on the same database at once. Each
/// call is atomic: it is committed in full or not at all, and once its task has completed the
/// change survives the process being killed (kill -9). Whether it also survives a power loss
/// depends on the implementation's settings (SQLite: <c>synchronous=FULL</c>, the default here).</item>
/// <item><b>Snapshots never change.</b> A returned <see cref="FrozenTrial"/> (and every other record) is
/// a copy taken when it was read: later changes in the store do not show in it, and its
/// collections cannot be modified. Read again to see changes.</item>
/// <item><b>States move forward only, by compare-and-set.</b> Waiting → Running → Complete | Pruned | Fail | Cancelled
/// (Waiting may also go straight to any of them; Cancelled takes no value). A promoting scheduler adds
/// one loop: Running → Paused (checkpointed at a rung) → Waiting (promoted) → Running; a Paused trial
/// may also end Pruned, Fail or Cancelled, never Complete. <see cref="TrySetStateAsync"/>
/// changes the state only if it still is <c>expectedFrom</c> and returns false otherwise, so of
/// two processes racing for the same transition exactly one wins.</item>
/// <item><b>Who owns a Running trial.</b> The caller whose Waiting → Running transition returned true
/// owns the trial; when its worker died, the dispatcher that opens the trial's next attempt
/// takes it over. Only the owner reports intermediate values and finishes the trial. The store
/// does not check ownership, but a stale owner that comes back late cannot undo anything: its
/// own finishing transition returns false once the trial is finished.</item>
/// <item><b>Finished trials never change again.</b> Once Complete, Pruned, Fail or Cancelled, a trial's state,
/// value, reason, parameters, intermediate values and attributes are final: writes to them return
/// false and change nothing. Only attempt bookkeeping continues (the trainer that finished the
/// trial still exits afterwards, and its attempt is closed then).</item>
/// <item><b>Trial numbers</b> are 0, 1, 2, … per study, assigned atomically: unique and without gaps
/// whatever the number of concurrent creators. A deleted trial leaves its number unused: numbers are never reused.</item>
/// <item><b>Deletion</b> removes a finished trial (or a whole study) with everything stored of it,
/// in one transaction; nothing of another trial or study is touched. Readers holding its id get
/// <see cref="KeyNotFoundException"/> or null, as for an id that never existed.</item>
/// <item><b>Change cursor.</b> Every change to a trial (created, params, state, values, attrs,
/// attempts) gives it a new position in its study's change sequence; <see cref="GetTrialsAsync"/>
/// with <see cref="TrialQuery.ChangedAfter"/> returns exactly the trials changed since an earlier
/// cursor (possibly a few more, never fewer), and in <see cref="TrialPage.DeletedNumbers"/> the trials deleted since it.</item>
/// <item><b>Values.</b> Times are the injected <see cref="TimeProvider"/>'s, kept to the millisecond.
/// Intermediate values may be NaN or ±infinity. A Complete trial's value must not be NaN (a NaN
/// objective is a failure: use Fail); a NaN value given with Pruned or Fail is stored as no value.</item>
/// </list>
/// Unknown study or trial ids raise <see cref="KeyNotFoundException"/>; invalid arguments raise
/// <see cref="ArgumentException"/>; neither changes anything.
/// </summary>
public interface ITrialStore
{
    // ---- studies ----

    /// <summary>Creates a study. Its search space is stored as JSON with its fingerprint.</summary>
    /// <exception cref="StudyExistsException">A study of that name exists (also when another process just created it).</exception>
    Task<StudyRecord> CreateStudyAsync(NewStudy study, CancellationToken cancellationToken = default);

    Task<StudyRecord?> GetStudyAsync(string name, CancellationToken cancellationToken = default);

    Task<StudyRecord?> GetStudyAsync(long studyId, CancellationToken cancellationToken = default);

    /// <summary>All studies, by name, with their trial counts and best value.</summary>
    Task<IReadOnlyList<StudySummary>> ListStudiesAsync(CancellationToken cancellationToken = default);

    /// <summary>Sets (or replaces) one study attribute.</summary>
    Task SetStudyAttrAsync(long studyId, AttrScope scope, string key, JsonElement value, CancellationToken cancellationToken = default);

    Task<IReadOnlyDictionary<string, JsonElement>> GetStudyAttrsAsync(long studyId, AttrScope scope, CancellationToken cancellationToken = default);

    /// <summary>Deletes the study, its trials and everything stored of them (parameters, values, attributes, attempts).</summary>
    /// <returns>False when there is no such study (already deleted).</returns>
    Task<bool> DeleteStudyAsync(long studyId, CancellationToken cancellationToken = default);

    // ---- trials ----

    /// <summary>
    /// Creates a Waiting trial with the next number of its study. <paramref name="parameters"/>
    /// holds external values (what the trainer gets) and must have the same keys as
    /// <paramref name="distributions"/>; each value must lie in its distribution.
    /// </summary>
    Task<FrozenTrial> CreateTrialAsync(
        long studyId,
        IReadOnlyDictionary<string, object>? parameters = null,
        IReadOnlyDictionary<string, Distribution>? distributions = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets one parameter of an unfinished trial. A parameter is set once: setting it again to the
    /// same value and distribution does nothing (so a retried call is harmless); to another value
    /// it raises <see cref="InvalidOperationException"/>, since the trainer may already use it.
    /// </summary>
    /// <returns>False when the trial is finished.</returns>
    Task<bool> SetParamAsync(long trialId, string name, Distribution distribution, object value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Compare-and-set: moves the trial to <paramref name="to"/> only if it is
    /// <paramref name="expectedFrom"/> now, atomically across processes. Running records the start
    /// time; the finished states record the end time. Complete needs a <paramref name="value"/>;
    /// Pruned takes an optional one (usually the last intermediate value); <paramref name="reason"/>
    /// says why a trial was pruned or failed (the dashboard shows it).
    /// </summary>
    /// <returns>False when the trial was not in <paramref name="expectedFrom"/> (another process got there first).</returns>
    /// <exception cref="ArgumentException">The transition is not one the life of a trial allows.</exception>
    Task<bool> TrySetStateAsync(
        long trialId,
        TrialState to,
        TrialState expectedFrom,
        double? value = null,
        string? reason = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes a trial of a multi-objective study with one value per objective (in
    /// <see cref="StudyRecord.Objectives"/> order), compare-and-set from <paramref name="expectedFrom"/>
    /// like <see cref="TrySetStateAsync"/>; the first value becomes <see cref="FrozenTrial.Value"/>
    /// and the whole vector <see cref="FrozenTrial.Values"/>. No value may be NaN (that trial failed).
    /// </summary>
    /// <returns>False when the trial was not in <paramref name="expectedFrom"/>.</returns>
    /// <exception cref="ArgumentException">The count differs from the study's objectives, or a value is NaN.</exception>
    Task<bool> TryCompleteAsync(long trialId, IReadOnlyList<double> values, TrialState expectedFrom = TrialState.Running, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the values of one or more metrics at <paramref name="step"/> of a Running trial.
    /// Reporting a metric again at the same step replaces it (a trainer resumed from a checkpoint
    /// re-reports the steps after it).
    /// </summary>
    /// <returns>False when the trial is not Running (nothing is recorded).</returns>
    Task<bool> ReportAsync(long trialId, long step, IReadOnlyDictionary<string, double> metrics, CancellationToken cancellationToken = default);

    /// <summary>Every recorded value of the trial (or of one metric), by step then metric.</summary>
    Task<IReadOnlyList<IntermediateValue>> GetIntermediateValuesAsync(long trialId, string? metric = null, CancellationToken cancellationToken = default);

    /// <summary>Sets (or replaces) one trial attribute, e.g. the system attrs of <see cref="SystemAttrs"/>.</summary>
    /// <returns>False when the trial is finished.</returns>
    Task<bool> SetTrialAttrAsync(long trialId, AttrScope scope, string key, JsonElement value, CancellationToken cancellationToken = default);

    Task<IReadOnlyDictionary<string, JsonElement>> GetTrialAttrsAsync(long trialId, AttrScope scope, CancellationToken cancellationToken = default);

    /// <summary>
    /// One attribute of every trial of the study that has it, by trial id, in one read: a column
    /// of a table (e.g. <see cref="SystemAttrs.FinalMetrics"/>) without a query per trial.
    /// </summary>
    Task<IReadOnlyDictionary<long, JsonElement>> GetTrialAttrOfStudyAsync(long studyId, AttrScope scope, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every attribute of <paramref name="scope"/> of the study's trials changed after the change
    /// cursor <paramref name="changedAfter"/> (0: all), by trial id, in one read: what a reader of
    /// a whole study needs without a query per trial. Trials without attributes are absent.
    /// </summary>
    Task<IReadOnlyDictionary<long, IReadOnlyDictionary<string, JsonElement>>> GetTrialAttrsOfStudyAsync(
        long studyId, AttrScope scope, long changedAfter = 0, CancellationToken cancellationToken = default);

    Task<FrozenTrial?> GetTrialAsync(long trialId, CancellationToken cancellationToken = default);

    Task<FrozenTrial?> GetTrialByNumberAsync(long studyId, int number, CancellationToken cancellationToken = default);

    /// <summary>The study's trials in number order (all, or those the query selects) and the cursor for the next incremental read.</summary>
    Task<TrialPage> GetTrialsAsync(long studyId, TrialQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds finished trials whose results are known elsewhere (another study, a table of results):
    /// all of them or none, in one transaction, numbered after the study's trials. Each comes with
    /// its parameters, state (Complete, Pruned or Fail), value, intermediate values and system
    /// attributes, as given; the caller checks them against the study's rules first.
    /// </summary>
    /// <exception cref="ArgumentException">A trial is not finished, Cancelled, Complete without a value, or a parameter lacks its distribution (nothing is imported).</exception>
    Task<IReadOnlyList<FrozenTrial>> ImportTrialsAsync(long studyId, IReadOnlyList<ImportedTrial> trials, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a finished trial and everything stored of it; its number is recorded as deleted at
    /// a new change-cursor position (<see cref="TrialPage.DeletedNumbers"/>) and never reused.
    /// </summary>
    /// <returns>False when the trial is Waiting or Running (cancel it first: its trainer may run) or was already deleted.</returns>
    Task<bool> DeleteTrialAsync(long trialId, CancellationToken cancellationToken = default);

    /// <summary>How many trials the study has in each state (every state present, zeros included).</summary>
    Task<IReadOnlyDictionary<TrialState, int>> CountTrialsAsync(long studyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The study's best trial by <see cref="BestTrialRule"/> (Complete, finite value, best for the
    /// direction, ties: the lowest number), or null. In a multi-objective study this ranks by the
    /// first objective; its answer is the Pareto front (<see cref="HoMM.Core.MultiObjective.ParetoFrontRule"/>).
    /// </summary>
    Task<FrozenTrial?> GetBestTrialAsync(long studyId, CancellationToken cancellationToken = default);

    // ---- attempts ----

    /// <summary>Opens the next attempt of an unfinished trial (number = previous + 1).</summary>
    /// <returns>Null when the trial is finished: there is nothing left to run.</returns>
    Task<TrialAttempt?> StartAttemptAsync(long trialId, AttemptStart start, CancellationToken cancellationToken = default);

    /// <summary>Records the trainer's process id and process group once it has started, so a later
    /// recovery can kill it if it outlives its dispatcher.</summary>
    /// <returns>False when the attempt has already ended.</returns>
    Task<bool> SetAttemptProcessAsync(long attemptId, int pid, int processGroup, CancellationToken cancellationToken = default);

    /// <summary>Closes an attempt with the trainer's exit code (null if it never started or was
    /// lost) and why it ended ("completed", "pruned", "exit 139", "timeout after 3600 s", …).</summary>
    /// <returns>False when the attempt had already ended (the first end wins).</returns>
    Task<bool> EndAttemptAsync(long attemptId, int? exitCode, string? reason, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TrialAttempt>> GetAttemptsAsync(long trialId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The attempts of the study's trials changed after the change cursor <paramref name="changedAfter"/>
    /// (0: all), by trial id, each list by attempt number, in one read. Trials never started are absent.
    /// </summary>
    Task<IReadOnlyDictionary<long, IReadOnlyList<TrialAttempt>>> GetAttemptsOfStudyAsync(
        long studyId, long changedAfter = 0, CancellationToken cancellationToken = default);

    // ---- leases: who runs a trial ----

    /// <summary>
    /// Compare-and-set: gives <paramref name="owner"/> the lease of the trial for
    /// <paramref name="lease"/> when nobody holds it — a Waiting trial becomes Running; a Running
    /// trial whose lease ran out (or was released, or is held by <paramref name="takeOverFrom"/>,
    /// an owner the caller knows to be dead) changes owner. Of any number of dispatchers claiming
    /// at once, in any number of processes, exactly one gets it. The lease lasts until the store's
    /// clock passes <see cref="TrialClaim.LeaseUntil"/>; the owner keeps it with
    /// <see cref="RenewLeaseAsync"/>. Hosts' clocks must agree to well within a lease.
    /// </summary>
    /// <returns>Whether the caller now owns the trial, and otherwise why not (finished, or who holds it).</returns>
    Task<TrialClaim> TryClaimAsync(long trialId, string owner, TimeSpan lease, string? takeOverFrom = null, CancellationToken cancellationToken = default);

    /// <summary>The owner's heartbeat: extends its lease to now + <paramref name="lease"/>.</summary>
    /// <returns>False when <paramref name="owner"/> no longer holds the trial (another took it over after
    /// the lease ran out, or the trial was finished): the caller must stop working on it.</returns>
    Task<bool> RenewLeaseAsync(long trialId, string owner, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>The owner hands the trial back (it stays Running): anyone may claim it at once.</summary>
    /// <returns>False when <paramref name="owner"/> did not hold it.</returns>
    Task<bool> ReleaseLeaseAsync(long trialId, string owner, CancellationToken cancellationToken = default);

    /// <summary>
    /// The owner's commit: Running → <paramref name="to"/> (Complete, Pruned, Fail, or Paused at a rung; values as in
    /// <see cref="TrySetStateAsync"/>) only while <paramref name="owner"/> holds the lease — a lease
    /// that ran out still counts until someone else claims the trial. Ends the lease.
    /// </summary>
    /// <returns>False when the trial is not Running or another dispatcher owns it now.</returns>
    Task<bool> TryFinishOwnedAsync(long trialId, string owner, TrialState to, double? value = null, string? reason = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// The owner's commit of a multi-objective trial: <see cref="TryCompleteAsync(long, IReadOnlyList{double}, TrialState, CancellationToken)"/>
    /// from Running, only while <paramref name="owner"/> holds the lease (as <see cref="TryFinishOwnedAsync"/>). Ends the lease.
    /// </summary>
    /// <returns>False when the trial is not Running or another dispatcher owns it now.</returns>
    Task<bool> TryCompleteOwnedAsync(long trialId, string owner, IReadOnlyList<double> values, CancellationToken cancellationToken = default);

    /// <summary>The trial's lease (null when it was never claimed).</summary>
    Task<TrialLease?> GetLeaseAsync(long trialId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The reconciler's query: the study's Running trials whose lease ran out (or was released,
    /// or never existed) and that were not handed to the queue again within
    /// <paramref name="redispatchInterval"/>. Marks each one dispatched now by compare-and-set,
    /// so of several hosts asking at once exactly one gets (and queues) each trial.
    /// </summary>
    Task<IReadOnlyList<long>> TakeExpiredAsync(long studyId, TimeSpan redispatchInterval, CancellationToken cancellationToken = default);

    // ---- workers ----

    /// <summary>Records that a worker is alive now (creating its row on the first beat).</summary>
    Task<WorkerHeartbeat> HeartbeatAsync(WorkerInfo worker, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<WorkerHeartbeat>> GetWorkersAsync(CancellationToken cancellationToken = default);

    /// <summary>Forgets a worker (on clean shutdown). Returns false when it was unknown.</summary>
    Task<bool> RemoveWorkerAsync(string workerId, CancellationToken cancellationToken = default);
}
