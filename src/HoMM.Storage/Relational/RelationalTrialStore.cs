using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Text.Json;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Storage.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace HoMM.Storage.Relational;

/// <summary>
/// The <see cref="ITrialStore"/> logic shared by the relational stores (SQLite and PostgreSQL); a subclass supplies the connection and how to open a write transaction.
/// <para>
/// How the guarantees are kept: every write to a study's trials runs in one transaction that
/// first increments the study's <c>revision</c>. That single UPDATE (a) serialises the study's
/// writers (SQLite allows one writer anyway; PostgreSQL holds the row lock to commit), so a
/// check-then-write inside the transaction is race-free, and (b) numbers the change, which the
/// trial records as its change sequence: commits happen in revision order, so a reader that
/// sees revision N has every change up to N. State transitions are additionally a conditional
/// UPDATE … WHERE state = expected, atomic on its own.
/// </para>
/// </summary>
public abstract partial class RelationalTrialStore : ITrialStore, IDisposable
{
    private readonly PooledDbContextFactory<StoreDbContext> contexts;
    private readonly TimeProvider clock;

    // Immutable facts, cached to save a query per call: a trial never moves to another study,
    // and a study's objective metric and direction never change.
    private readonly ConcurrentDictionary<long, long> studyOfTrial = new();
    private readonly ConcurrentDictionary<long, (string Metric, StudyDirection Direction)> studyFacts = new();

    private protected RelationalTrialStore(DbContextOptions<StoreDbContext> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        contexts = new PooledDbContextFactory<StoreDbContext>(options);
        clock = timeProvider;
    }

    /// <summary>The schema version this program writes (stored in the schema_version table).</summary>
    public static int SchemaVersion => SchemaMigrator.CurrentVersion;

    /// <summary>Names the database in error messages ("SQLite database /home/me/homm.db").</summary>
    private protected abstract string DatabaseDescription { get; }

    /// <summary>Opens a transaction that holds the database's write lock from its first statement
    /// (SQLite: BEGIN IMMEDIATE, so it waits for the lock instead of failing later on upgrade).</summary>
    private protected abstract Task<IDbContextTransaction> BeginWriteAsync(StoreDbContext db, CancellationToken cancellationToken);

    private protected abstract Task<IReadOnlySet<string>> GetTableNamesAsync(StoreDbContext db, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps other processes from creating or upgrading the schema until this transaction ends
    /// (SQLite: the write lock already does; PostgreSQL: an advisory lock, since two servers'
    /// CREATE TABLEs would otherwise both run and one fail on the duplicate).
    /// </summary>
    /// <summary>Whether this store was opened only to read (it never creates, migrates or writes).</summary>
    private protected virtual bool IsReadOnly => false;

    private protected virtual Task LockSchemaAsync(StoreDbContext db, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Lets a subclass queue this process's writers before they ask the database for its lock
    /// (null: no in-process queue). Returns what to dispose when the write is over.
    /// </summary>
    private protected virtual ValueTask<IDisposable?> EnterWriteGateAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    /// <summary>Creates the schema on first use (unless <paramref name="createSchema"/> is false:
    /// then an empty database is a <see cref="StoreEmptyException"/>), checks its version, applies upgrades.</summary>
    private protected async Task InitializeAsync(CancellationToken cancellationToken, bool createSchema = true)
    {
        if (IsReadOnly)
        {
            // A reader takes no write lock and writes nothing: it checks the schema as it is.
            await using var reader = contexts.CreateDbContext();
            await SchemaMigrator.CheckReadableAsync(reader, await GetTableNamesAsync(reader, cancellationToken), DatabaseDescription, cancellationToken);
            return;
        }
        await using var db = contexts.CreateDbContext();
        await using var tx = await BeginWriteScopeAsync(db, cancellationToken);
        await LockSchemaAsync(db, cancellationToken);
        var tables = await GetTableNamesAsync(db, cancellationToken);
        await SchemaMigrator.MigrateAsync(db, tx.Transaction, tables, DatabaseDescription, Now(), createSchema, cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    // ------------------------------------------------------------------ studies

    public async Task<StudyRecord> CreateStudyAsync(NewStudy study, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(study);
        var entity = new StudyEntity
        {
            Name = study.Name,
            Direction = study.Direction,
            ObjectiveMetric = study.ObjectiveMetric,
            ObjectivesJson = study.Objectives.Count > 1 ? ObjectivesJson.Serialize(study.Objectives) : null,
            SearchSpaceJson = SearchSpaceJson.Serialize(study.SearchSpace),
            SearchSpaceFingerprint = SearchSpaceJson.Fingerprint(study.SearchSpace),
            CreatedAt = Now(),
        };
        var attrs = Attrs(study.UserAttrs, AttrScope.User).Concat(Attrs(study.SystemAttrs, AttrScope.System)).ToList();

        try
        {
            await using var db = contexts.CreateDbContext();
            await using var tx = await BeginWriteScopeAsync(db, cancellationToken);
            if (await db.Studies.AnyAsync(s => s.Name == study.Name, cancellationToken))
                throw new StudyExistsException(study.Name);
            db.Studies.Add(entity);
            foreach (var a in attrs)
                a.Study = entity;
            db.StudyAttrs.AddRange(attrs);
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex)
        {
            // Lost a race on the unique name to another process (possible where writers are not
            // serialised, as in PostgreSQL).
            if (await GetStudyAsync(study.Name, cancellationToken) is not null)
                throw new StudyExistsException(study.Name, ex);
            throw;
        }
        return ToRecord(entity);

        static IEnumerable<StudyAttrEntity> Attrs(IReadOnlyDictionary<string, JsonElement>? attrs, AttrScope scope) =>
            (attrs ?? ReadOnlyDictionary<string, JsonElement>.Empty).Select(kv => new StudyAttrEntity
            {
                Scope = scope,
                Key = kv.Key,
                ValueJson = AttrJson(kv.Key, kv.Value),
            });
    }

    public async Task<StudyRecord?> GetStudyAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var db = contexts.CreateDbContext();
        var entity = await db.Studies.AsNoTracking().SingleOrDefaultAsync(s => s.Name == name, cancellationToken);
        return entity is null ? null : ToRecord(entity);
    }

    public async Task<StudyRecord?> GetStudyAsync(long studyId, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var entity = await db.Studies.AsNoTracking().SingleOrDefaultAsync(s => s.Id == studyId, cancellationToken);
        return entity is null ? null : ToRecord(entity);
    }

    public async Task<IReadOnlyList<StudySummary>> ListStudiesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var studies = await db.Studies.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var counts = await db.Trials
            .GroupBy(t => new { t.StudyId, t.State })
            .Select(g => new { g.Key.StudyId, g.Key.State, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var complete = (await db.Trials
                .Where(t => t.State == TrialState.Complete)
                .Select(t => new { t.StudyId, t.Number, t.State, t.Value })
                .ToListAsync(cancellationToken))
            .ToLookup(t => t.StudyId);

        return studies.Select(s =>
        {
            var byState = AllStates();
            foreach (var c in counts.Where(c => c.StudyId == s.Id))
                byState[c.State] = c.Count;
            var best = BestTrialRule.Of(complete[s.Id], s.Direction, t => t.State, t => t.Number, t => t.Value);
            return new StudySummary(ToRecord(s), byState.AsReadOnly(), best?.Value);
        }).ToList();
    }

    public Task SetStudyAttrAsync(long studyId, AttrScope scope, string key, JsonElement value, CancellationToken cancellationToken = default)
    {
        var json = AttrJson(key, value);
        return WriteInStudyAsync(studyId, async (db, _) =>
        {
            var existing = await db.StudyAttrs.SingleOrDefaultAsync(a => a.StudyId == studyId && a.Scope == scope && a.Key == key, cancellationToken);
            if (existing is null)
                db.StudyAttrs.Add(new StudyAttrEntity { StudyId = studyId, Scope = scope, Key = key, ValueJson = json });
            else
                existing.ValueJson = json;
            await db.SaveChangesAsync(cancellationToken);
            return (true, true);
        }, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, JsonElement>> GetStudyAttrsAsync(long studyId, AttrScope scope, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        await RequireStudyAsync(db, studyId, cancellationToken);
        var rows = await db.StudyAttrs.AsNoTracking()
            .Where(a => a.StudyId == studyId && a.Scope == scope)
            .Select(a => new { a.Key, a.ValueJson })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Key, r => ParseAttr(r.ValueJson), StringComparer.Ordinal).AsReadOnly();
    }

    public async Task<bool> DeleteStudyAsync(long studyId, CancellationToken cancellationToken = default)
    {
        bool deleted;
        try
        {
            deleted = await WriteInStudyAsync(studyId, async (db, _) =>
            {
                // Children first, explicitly: no reliance on the provider's ON DELETE CASCADE.
                var trials = db.Trials.Where(t => t.StudyId == studyId).Select(t => t.Id);
                await db.Params.Where(p => trials.Contains(p.TrialId)).ExecuteDeleteAsync(cancellationToken);
                await db.IntermediateValues.Where(v => trials.Contains(v.TrialId)).ExecuteDeleteAsync(cancellationToken);
                await db.Attempts.Where(a => trials.Contains(a.TrialId)).ExecuteDeleteAsync(cancellationToken);
                await db.TrialAttrs.Where(a => trials.Contains(a.TrialId)).ExecuteDeleteAsync(cancellationToken);
                await db.Leases.Where(l => trials.Contains(l.TrialId)).ExecuteDeleteAsync(cancellationToken);
                await db.Trials.Where(t => t.StudyId == studyId).ExecuteDeleteAsync(cancellationToken);
                await db.StudyAttrs.Where(a => a.StudyId == studyId).ExecuteDeleteAsync(cancellationToken);
                await db.Studies.Where(s => s.Id == studyId).ExecuteDeleteAsync(cancellationToken);
                return (true, true);
            }, cancellationToken);
        }
        catch (KeyNotFoundException)
        {
            deleted = false;
        }
        studyFacts.TryRemove(studyId, out _);
        foreach (var (trialId, _) in studyOfTrial.Where(kv => kv.Value == studyId).ToList())
            studyOfTrial.TryRemove(trialId, out _);
        return deleted;
    }

    // ------------------------------------------------------------------ trials

    public Task<FrozenTrial> CreateTrialAsync(
        long studyId,
        IReadOnlyDictionary<string, object>? parameters = null,
        IReadOnlyDictionary<string, Distribution>? distributions = null,
        CancellationToken cancellationToken = default)
    {
        parameters ??= ReadOnlyDictionary<string, object>.Empty;
        distributions ??= ReadOnlyDictionary<string, Distribution>.Empty;
        var missing = parameters.Keys.Except(distributions.Keys).Concat(distributions.Keys.Except(parameters.Keys)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"parameters and distributions must name the same parameters; only one of them has: {string.Join(", ", missing.Order())}",
                nameof(distributions));
        }
        var paramRows = parameters.Select(kv => NewParam(kv.Key, distributions[kv.Key], kv.Value)).ToList();

        return WriteInStudyAsync(studyId, async (db, counters) =>
        {
            var trial = new TrialEntity
            {
                StudyId = studyId,
                Number = counters.TrialNumber,
                State = TrialState.Waiting,
                CreatedAt = Now(),
                ChangeSeq = counters.Revision,
            };
            db.Trials.Add(trial);
            foreach (var p in paramRows)
                p.Trial = trial;
            db.Params.AddRange(paramRows);
            await db.SaveChangesAsync(cancellationToken);
            studyOfTrial.TryAdd(trial.Id, studyId);
            return (true, ToFrozen(trial, paramRows, [], new Dictionary<string, Distribution>(StringComparer.Ordinal)));
        }, cancellationToken, trialNumbers: 1);
    }

    public Task<bool> SetParamAsync(long trialId, string name, Distribution distribution, object value, CancellationToken cancellationToken = default)
    {
        var row = NewParam(name, distribution, value);
        return WriteInTrialAsync(trialId, async (db, trial, revision) =>
        {
            if (trial.State.IsFinished())
                return (false, false);
            var existing = await db.Params.AsNoTracking().SingleOrDefaultAsync(p => p.TrialId == trialId && p.Name == name, cancellationToken);
            if (existing is not null)
            {
                if (existing.InternalValue == row.InternalValue && existing.DistributionJson == row.DistributionJson)
                    return (false, true);
                var old = DistributionJson.Deserialize(existing.DistributionJson);
                throw new InvalidOperationException(
                    $"trial {trialId}: parameter '{name}' is already {old.ToExternal(existing.InternalValue)} from {old}; " +
                    $"it cannot become {value} from {distribution}, since the trainer may already use it");
            }
            row.TrialId = trialId;
            db.Params.Add(row);
            trial.ChangeSeq = revision;
            await db.SaveChangesAsync(cancellationToken);
            return (true, true);
        }, cancellationToken);
    }

    public async Task<bool> TrySetStateAsync(
        long trialId,
        TrialState to,
        TrialState expectedFrom,
        double? value = null,
        string? reason = null,
        CancellationToken cancellationToken = default)
    {
        ValidateTransition(to, expectedFrom, value);
        var studyId = await StudyOfTrialAsync(trialId, cancellationToken);
        return await WriteInStudyAsync(studyId, async (db, counters) =>
        {
            var changed = await SetStateAsync(db, counters.Revision, trialId, to, expectedFrom, value, reason, cancellationToken);
            return (changed, changed);
        }, cancellationToken);
    }

    public Task<bool> TryCompleteAsync(long trialId, IReadOnlyList<double> values, TrialState expectedFrom = TrialState.Running, CancellationToken cancellationToken = default) =>
        CompleteAsync(trialId, values, expectedFrom, owner: null, cancellationToken);

    /// <summary>Completes with every objective's value; with an <paramref name="owner"/>, only while it holds the trial's lease.</summary>
    private async Task<bool> CompleteAsync(long trialId, IReadOnlyList<double> values, TrialState expectedFrom, string? owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
            throw new ArgumentException("a Complete trial needs its objective values", nameof(values));
        ValidateTransition(TrialState.Complete, expectedFrom, values[0]);
        if (values.Any(double.IsNaN))
            throw new ArgumentException($"a Complete trial cannot have a NaN value ({ObjectivesJson.SerializeValues(values)}): a NaN objective is a failure, set the trial to Fail", nameof(values));
        var studyId = await StudyOfTrialAsync(trialId, cancellationToken);
        var objectives = (await GetStudyAsync(studyId, cancellationToken))!.Objectives.Count;
        if (values.Count != objectives)
            throw new ArgumentException($"trial {trialId}: {values.Count} values for a study with {objectives} objective{(objectives == 1 ? "" : "s")}", nameof(values));
        var json = objectives > 1 ? ObjectivesJson.SerializeValues(values) : null;
        return await WriteInStudyAsync(studyId, async (db, counters) =>
        {
            if (owner is not null && !await HoldsLeaseAsync(db, trialId, owner, cancellationToken))
                return (false, false);
            var revision = counters.Revision;
            var now = Now();
            var changed = await db.Trials
                .Where(t => t.Id == trialId && t.State == expectedFrom)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.State, TrialState.Complete)
                    .SetProperty(t => t.ChangeSeq, revision)
                    .SetProperty(t => t.FinishedAt, now)
                    .SetProperty(t => t.Value, values[0])
                    .SetProperty(t => t.ValuesJson, json)
                    .SetProperty(t => t.Reason, (string?)null), cancellationToken);
            if (changed == 1)
                await EndLeaseAsync(db, trialId, cancellationToken);
            return (changed == 1, changed == 1);
        }, cancellationToken);
    }

    /// <summary>The compare-and-set of a state change, inside a write of the trial's study.</summary>
    private async Task<bool> SetStateAsync(StoreDbContext db, long revision, long trialId, TrialState to, TrialState expectedFrom,
        double? value, string? reason, CancellationToken cancellationToken)
    {
        double? stored = value is { } v && !double.IsNaN(v) ? v : null;
        var now = Now();
        // Compare-and-set in one statement: atomic across processes whatever else holds.
        var changed = await db.Trials
            .Where(t => t.Id == trialId && t.State == expectedFrom)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(t => t.State, to);
                s.SetProperty(t => t.ChangeSeq, revision);
                if (to == TrialState.Running)
                {
                    s.SetProperty(t => t.StartedAt, now);
                }
                else if (to is TrialState.Paused or TrialState.Waiting)
                {
                    // Not finished: no end time, no value; a pause says where it stopped.
                    s.SetProperty(t => t.Reason, reason);
                }
                else
                {
                    s.SetProperty(t => t.FinishedAt, now);
                    s.SetProperty(t => t.Value, stored);
                    s.SetProperty(t => t.Reason, reason);
                }
            }, cancellationToken);
        // A finished (or paused) trial has no owner: a dispatcher still renewing its lease learns
        // that it lost the trial (a user's cancel, say) at its next heartbeat; a promoted one is
        // claimed afresh from Waiting.
        if (changed == 1 && to != TrialState.Running)
            await EndLeaseAsync(db, trialId, cancellationToken);
        return changed == 1;
    }

    public Task<bool> ReportAsync(long trialId, long step, IReadOnlyDictionary<string, double> metrics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentOutOfRangeException.ThrowIfZero(metrics.Count, nameof(metrics));
        if (metrics.Keys.FirstOrDefault(string.IsNullOrWhiteSpace) is { } bad)
            throw new ArgumentException($"metric names must not be empty (got '{bad}')", nameof(metrics));

        return WriteInTrialAsync(trialId, async (db, trial, revision) =>
        {
            if (trial.State != TrialState.Running)
                return (false, false);
            var now = Now();
            var existing = await db.IntermediateValues
                .Where(v => v.TrialId == trialId && v.Step == step)
                .ToDictionaryAsync(v => v.Metric, StringComparer.Ordinal, cancellationToken);
            foreach (var (metric, value) in metrics)
            {
                double? stored = double.IsNaN(value) ? null : value;
                if (existing.TryGetValue(metric, out var row))
                {
                    row.Value = stored;
                    row.ReportedAt = now;
                }
                else
                {
                    db.IntermediateValues.Add(new IntermediateValueEntity { TrialId = trialId, Step = step, Metric = metric, Value = stored, ReportedAt = now });
                }
            }
            trial.ChangeSeq = revision;
            await db.SaveChangesAsync(cancellationToken);
            return (true, true);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<IntermediateValue>> GetIntermediateValuesAsync(long trialId, string? metric = null, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        await RequireTrialAsync(db, trialId, cancellationToken);
        var query = db.IntermediateValues.AsNoTracking().Where(v => v.TrialId == trialId);
        if (metric is not null)
            query = query.Where(v => v.Metric == metric);
        var rows = await query.OrderBy(v => v.Step).ThenBy(v => v.Metric).ToListAsync(cancellationToken);
        return rows.Select(v => new IntermediateValue(v.Step, v.Metric, v.Value ?? double.NaN, v.ReportedAt)).ToList().AsReadOnly();
    }

    public Task<bool> SetTrialAttrAsync(long trialId, AttrScope scope, string key, JsonElement value, CancellationToken cancellationToken = default)
    {
        var json = AttrJson(key, value);
        return WriteInTrialAsync(trialId, async (db, trial, revision) =>
        {
            if (trial.State.IsFinished())
                return (false, false);
            var existing = await db.TrialAttrs.SingleOrDefaultAsync(a => a.TrialId == trialId && a.Scope == scope && a.Key == key, cancellationToken);
            if (existing is null)
                db.TrialAttrs.Add(new TrialAttrEntity { TrialId = trialId, Scope = scope, Key = key, ValueJson = json });
            else
                existing.ValueJson = json;
            trial.ChangeSeq = revision;
            await db.SaveChangesAsync(cancellationToken);
            return (true, true);
        }, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, JsonElement>> GetTrialAttrsAsync(long trialId, AttrScope scope, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        await RequireTrialAsync(db, trialId, cancellationToken);
        var rows = await db.TrialAttrs.AsNoTracking()
            .Where(a => a.TrialId == trialId && a.Scope == scope)
            .Select(a => new { a.Key, a.ValueJson })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Key, r => ParseAttr(r.ValueJson), StringComparer.Ordinal).AsReadOnly();
    }

    public async Task<IReadOnlyDictionary<long, JsonElement>> GetTrialAttrOfStudyAsync(long studyId, AttrScope scope, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var db = contexts.CreateDbContext();
        await RequireStudyAsync(db, studyId, cancellationToken);
        var rows = await db.TrialAttrs.AsNoTracking()
            .Where(a => a.Scope == scope && a.Key == key && a.Trial!.StudyId == studyId)
            .Select(a => new { a.TrialId, a.ValueJson })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.TrialId, r => ParseAttr(r.ValueJson)).AsReadOnly();
    }

    public async Task<IReadOnlyDictionary<long, IReadOnlyDictionary<string, JsonElement>>> GetTrialAttrsOfStudyAsync(
        long studyId, AttrScope scope, long changedAfter = 0, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        await RequireStudyAsync(db, studyId, cancellationToken);
        var rows = await db.TrialAttrs.AsNoTracking()
            .Where(a => a.Scope == scope && a.Trial!.StudyId == studyId && a.Trial.ChangeSeq > changedAfter)
            .Select(a => new { a.TrialId, a.Key, a.ValueJson })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.TrialId).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, JsonElement>)g.ToDictionary(r => r.Key, r => ParseAttr(r.ValueJson), StringComparer.Ordinal).AsReadOnly())
            .AsReadOnly();
    }

    public async Task<FrozenTrial?> GetTrialAsync(long trialId, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var studyId = await db.Trials.Where(t => t.Id == trialId).Select(t => (long?)t.StudyId).SingleOrDefaultAsync(cancellationToken);
        if (studyId is null)
            return null;
        var facts = await StudyFactsAsync(db, studyId.Value, cancellationToken);
        var (trials, _) = await LoadAsync(db, db.Trials.Where(t => t.Id == trialId), facts.Metric, cancellationToken);
        return trials.SingleOrDefault();
    }

    public async Task<FrozenTrial?> GetTrialByNumberAsync(long studyId, int number, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var facts = await StudyFactsAsync(db, studyId, cancellationToken);
        var (trials, _) = await LoadAsync(db, db.Trials.Where(t => t.StudyId == studyId && t.Number == number), facts.Metric, cancellationToken);
        return trials.SingleOrDefault();
    }

    public async Task<TrialPage> GetTrialsAsync(long studyId, TrialQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new TrialQuery();
        await using var db = contexts.CreateDbContext();
        var facts = await StudyFactsAsync(db, studyId, cancellationToken);
        // Read the revision before the trials: everything up to it is committed (commits happen in
        // revision order), so it is a safe cursor even when the query filters every change out.
        var revision = await db.Studies.Where(s => s.Id == studyId).Select(s => (long?)s.Revision).SingleOrDefaultAsync(cancellationToken)
            ?? throw new KeyNotFoundException($"study {studyId} does not exist in {DatabaseDescription}");

        var trials = db.Trials.Where(t => t.StudyId == studyId);
        if (query.ChangedAfter > 0)
            trials = trials.Where(t => t.ChangeSeq > query.ChangedAfter);
        if (query.States is { } states)
        {
            var list = states.ToList();
            trials = trials.Where(t => list.Contains(t.State));
        }
        var (loaded, maxSeq) = await LoadAsync(db, trials, query.IntermediateValues ? query.Metric ?? facts.Metric : null, cancellationToken);
        IReadOnlyList<int> deleted = [];
        if (query.ChangedAfter > 0)
        {
            var json = await db.StudyAttrs.AsNoTracking()
                .Where(a => a.StudyId == studyId && a.Scope == AttrScope.System && a.Key == SystemAttrs.DeletedTrials)
                .Select(a => a.ValueJson).SingleOrDefaultAsync(cancellationToken);
            if (json is not null)
                deleted = (JsonSerializer.Deserialize<List<Tombstone>>(json) ?? []).Where(t => t.Seq > query.ChangedAfter).Select(t => t.Number).ToList();
        }
        return new TrialPage(loaded.AsReadOnly(), Math.Max(revision, maxSeq)) { DeletedNumbers = deleted };
    }

    public async Task<IReadOnlyList<FrozenTrial>> ImportTrialsAsync(long studyId, IReadOnlyList<ImportedTrial> trials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trials);
        if (trials.Count == 0)
            return [];
        var objectives = (await GetStudyAsync(studyId, cancellationToken) ?? throw new KeyNotFoundException($"no study with id {studyId}")).Objectives.Count;
        // Everything is checked before the transaction: a bad trial imports nothing.
        var rows = trials.Select((t, i) =>
        {
            if (!t.State.IsFinished() || t.State == TrialState.Cancelled)
                throw new ArgumentException($"imported trial {i}: a {t.State} trial cannot be imported; only Complete, Pruned or Fail", nameof(trials));
            var values = t.Values ?? (t.Value is { } one ? [one] : null);
            if (t.State == TrialState.Complete && (values is null || values.Any(double.IsNaN)))
                throw new ArgumentException($"imported trial {i}: a Complete trial needs a value that is not NaN", nameof(trials));
            if (t.State == TrialState.Complete && values!.Count != objectives)
                throw new ArgumentException($"imported trial {i}: {values.Count} values for a study with {objectives} objective{(objectives == 1 ? "" : "s")}", nameof(trials));
            if (t.Values is { Count: > 0 } given && t.Value is { } first && !first.Equals(given[0]))
                throw new ArgumentException($"imported trial {i}: its value ({first}) is not its first objective's ({given[0]})", nameof(trials));
            var missing = t.Params.Keys.Except(t.Distributions.Keys).Concat(t.Distributions.Keys.Except(t.Params.Keys)).ToList();
            if (missing.Count > 0)
                throw new ArgumentException($"imported trial {i}: parameters and distributions must name the same parameters; only one of them has: {string.Join(", ", missing.Order())}", nameof(trials));
            return (Trial: t, Params: t.Params.Select(kv => NewParam(kv.Key, t.Distributions[kv.Key], kv.Value)).ToList(),
                Attrs: t.SystemAttrs.Select(kv => new TrialAttrEntity { Scope = AttrScope.System, Key = kv.Key, ValueJson = AttrJson(kv.Key, kv.Value) }).ToList(),
                Values: values);
        }).ToList();

        return await WriteInStudyAsync(studyId, async (db, counters) =>
        {
            var now = Now();
            var entities = new List<(TrialEntity Entity, List<TrialParamEntity> Params)>();
            for (var i = 0; i < rows.Count; i++)
            {
                var (t, ps, attrs, values) = rows[i];
                var entity = new TrialEntity
                {
                    StudyId = studyId,
                    Number = counters.TrialNumber + i,
                    State = t.State,
                    Value = values is [var v, ..] && !double.IsNaN(v) ? v : null,
                    ValuesJson = objectives > 1 && values is { } all && all.Count == objectives ? ObjectivesJson.SerializeValues(all) : null,
                    Reason = t.Reason,
                    CreatedAt = now,
                    StartedAt = Millis(t.Started),
                    FinishedAt = Millis(t.Finished) ?? now,
                    ChangeSeq = counters.Revision,
                };
                db.Trials.Add(entity);
                foreach (var p in ps)
                    p.Trial = entity;
                db.Params.AddRange(ps);
                foreach (var a in attrs)
                    a.Trial = entity;
                db.TrialAttrs.AddRange(attrs);
                db.IntermediateValues.AddRange(t.IntermediateValues.Select(v => new IntermediateValueEntity
                {
                    Trial = entity, Step = v.Step, Metric = v.Metric, Value = double.IsNaN(v.Value) ? null : v.Value, ReportedAt = v.Reported == default ? now : Millis(v.Reported)!.Value,
                }));
                entities.Add((entity, ps));
            }
            await db.SaveChangesAsync(cancellationToken);
            var cache = new Dictionary<string, Distribution>(StringComparer.Ordinal);
            IReadOnlyList<FrozenTrial> result = entities.Select(e =>
            {
                studyOfTrial.TryAdd(e.Entity.Id, studyId);
                return ToFrozen(e.Entity, e.Params, [], cache);
            }).ToList();
            return (true, result);
        }, cancellationToken, trialNumbers: rows.Count);

        static DateTimeOffset? Millis(DateTimeOffset? t) =>
            t is { } x ? x.ToUniversalTime().AddTicks(-(x.UtcTicks % TimeSpan.TicksPerMillisecond)) : null;
    }

    public async Task<bool> DeleteTrialAsync(long trialId, CancellationToken cancellationToken = default)
    {
        var studyId = await StudyOfTrialAsync(trialId, cancellationToken);
        var deleted = await WriteInStudyAsync(studyId, async (db, counters) =>
        {
            var trial = await db.Trials.AsNoTracking().SingleOrDefaultAsync(t => t.Id == trialId, cancellationToken);
            if (trial is null || !trial.State.IsFinished())
                return (false, false);
            await db.Params.Where(p => p.TrialId == trialId).ExecuteDeleteAsync(cancellationToken);
            await db.IntermediateValues.Where(v => v.TrialId == trialId).ExecuteDeleteAsync(cancellationToken);
            await db.Attempts.Where(a => a.TrialId == trialId).ExecuteDeleteAsync(cancellationToken);
            await db.TrialAttrs.Where(a => a.TrialId == trialId).ExecuteDeleteAsync(cancellationToken);
            await db.Leases.Where(l => l.TrialId == trialId).ExecuteDeleteAsync(cancellationToken);
            await db.Trials.Where(t => t.Id == trialId).ExecuteDeleteAsync(cancellationToken);

            // The tombstone, at this write's revision: readers following the cursor drop the trial.
            var row = await db.StudyAttrs.SingleOrDefaultAsync(a => a.StudyId == studyId && a.Scope == AttrScope.System && a.Key == SystemAttrs.DeletedTrials, cancellationToken);
            var tombstones = row is null ? [] : JsonSerializer.Deserialize<List<Tombstone>>(row.ValueJson) ?? [];
            tombstones.Add(new Tombstone(trial.Number, counters.Revision));
            var json = JsonSerializer.Serialize(tombstones);
            if (row is null)
                db.StudyAttrs.Add(new StudyAttrEntity { StudyId = studyId, Scope = AttrScope.System, Key = SystemAttrs.DeletedTrials, ValueJson = json });
            else
                row.ValueJson = json;
            await db.SaveChangesAsync(cancellationToken);
            return (true, true);
        }, cancellationToken);
        if (deleted)
            studyOfTrial.TryRemove(trialId, out _);
        return deleted;
    }

    /// <summary>One deleted trial in <see cref="SystemAttrs.DeletedTrials"/>: its number and the revision of its deletion.</summary>
    private sealed record Tombstone(
        [property: System.Text.Json.Serialization.JsonPropertyName("number")] int Number,
        [property: System.Text.Json.Serialization.JsonPropertyName("seq")] long Seq);

    public async Task<IReadOnlyDictionary<TrialState, int>> CountTrialsAsync(long studyId, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        await RequireStudyAsync(db, studyId, cancellationToken);
        var counts = await db.Trials.Where(t => t.StudyId == studyId)
            .GroupBy(t => t.State)
            .Select(g => new { State = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var result = AllStates();
        foreach (var c in counts)
            result[c.State] = c.Count;
        return result.AsReadOnly();
    }

    public async Task<FrozenTrial?> GetBestTrialAsync(long studyId, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var facts = await StudyFactsAsync(db, studyId, cancellationToken);
        // Only the columns the rule reads; the winner is then loaded in full.
        var complete = await db.Trials.Where(t => t.StudyId == studyId && t.State == TrialState.Complete)
            .Select(t => new { t.Id, t.Number, t.State, t.Value })
            .ToListAsync(cancellationToken);
        if (BestTrialRule.Of(complete, facts.Direction, t => t.State, t => t.Number, t => t.Value) is not { } best)
            return null;
        var (trials, _) = await LoadAsync(db, db.Trials.Where(t => t.Id == best.Id), facts.Metric, cancellationToken);
        return trials.Single();
    }

    // ------------------------------------------------------------------ attempts

    public Task<TrialAttempt?> StartAttemptAsync(long trialId, AttemptStart start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentException.ThrowIfNullOrWhiteSpace(start.Node, nameof(start));
        ArgumentException.ThrowIfNullOrWhiteSpace(start.Slot, nameof(start));
        return WriteInTrialAsync(trialId, async (db, trial, revision) =>
        {
            if (trial.State.IsFinished())
                return (false, (TrialAttempt?)null);
            var last = await db.Attempts.Where(a => a.TrialId == trialId).MaxAsync(a => (int?)a.Number, cancellationToken) ?? 0;
            var attempt = new TrialAttemptEntity
            {
                TrialId = trialId,
                Number = last + 1,
                Node = start.Node,
                Slot = start.Slot,
                WorkerId = start.WorkerId,
                Pid = start.Pid,
                ProcessGroup = start.ProcessGroup,
                StartedAt = Now(),
            };
            db.Attempts.Add(attempt);
            trial.ChangeSeq = revision;
            await db.SaveChangesAsync(cancellationToken);
            return (true, ToAttempt(attempt));
        }, cancellationToken);
    }

    public Task<bool> SetAttemptProcessAsync(long attemptId, int pid, int processGroup, CancellationToken cancellationToken = default) =>
        WriteInAttemptAsync(attemptId, attempt =>
        {
            attempt.Pid = pid;
            attempt.ProcessGroup = processGroup;
        }, cancellationToken);

    public Task<bool> EndAttemptAsync(long attemptId, int? exitCode, string? reason, CancellationToken cancellationToken = default) =>
        WriteInAttemptAsync(attemptId, attempt =>
        {
            attempt.EndedAt = Now();
            attempt.ExitCode = exitCode;
            attempt.Reason = reason;
        }, cancellationToken);

    public async Task<IReadOnlyList<TrialAttempt>> GetAttemptsAsync(long trialId, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        await RequireTrialAsync(db, trialId, cancellationToken);
        var rows = await db.Attempts.AsNoTracking().Where(a => a.TrialId == trialId).OrderBy(a => a.Number).ToListAsync(cancellationToken);
        return rows.Select(ToAttempt).ToList().AsReadOnly();
    }

    public async Task<IReadOnlyDictionary<long, IReadOnlyList<TrialAttempt>>> GetAttemptsOfStudyAsync(
        long studyId, long changedAfter = 0, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        await RequireStudyAsync(db, studyId, cancellationToken);
        var rows = await db.Attempts.AsNoTracking()
            .Where(a => a.Trial!.StudyId == studyId && a.Trial.ChangeSeq > changedAfter)
            .ToListAsync(cancellationToken);
        return rows.GroupBy(a => a.TrialId).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<TrialAttempt>)g.OrderBy(a => a.Number).Select(ToAttempt).ToList().AsReadOnly())
            .AsReadOnly();
    }

    // ------------------------------------------------------------------ workers

    public async Task<WorkerHeartbeat> HeartbeatAsync(WorkerInfo worker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentException.ThrowIfNullOrWhiteSpace(worker.WorkerId, nameof(worker));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var db = contexts.CreateDbContext();
                await using var tx = await BeginWriteScopeAsync(db, cancellationToken);
                var now = Now();
                var row = await db.Workers.SingleOrDefaultAsync(w => w.WorkerId == worker.WorkerId, cancellationToken);
                if (row is null)
                {
                    row = new WorkerHeartbeatEntity { WorkerId = worker.WorkerId, Node = worker.Node, FirstSeenAt = now };
                    db.Workers.Add(row);
                }
                row.Node = worker.Node;
                row.Pid = worker.Pid;
                row.Slots = worker.Slots;
                row.Info = worker.Info;
                row.LastSeenAt = now;
                await db.SaveChangesAsync(cancellationToken);
                await tx.CommitAsync(cancellationToken);
                return ToHeartbeat(row);
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another process inserted the same worker id first; the retry updates its row.
            }
        }
    }

    public async Task<IReadOnlyList<WorkerHeartbeat>> GetWorkersAsync(CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.Workers.AsNoTracking().OrderBy(w => w.WorkerId).ToListAsync(cancellationToken);
        return rows.Select(ToHeartbeat).ToList().AsReadOnly();
    }

    public async Task<bool> RemoveWorkerAsync(string workerId, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Workers.Where(w => w.WorkerId == workerId).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    // ------------------------------------------------------------------ disposal

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases pooled connections (so the database file is no longer held open).</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>The clock's time in UTC, cut to the millisecond: what a returned record says is
    /// then exactly what a later read gives back (SQLite keeps milliseconds).</summary>
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow().ToUniversalTime();
        return now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerMillisecond));
    }

    // ------------------------------------------------------------------ write helpers

    /// <summary>
    /// Runs <paramref name="body"/> in a write transaction that first takes the study's next
    /// revision (and its next <paramref name="trialNumbers"/> trial numbers, the first returned) in one
    /// UPDATE … RETURNING. The body returns whether to commit (false: nothing changed, roll back,
    /// so the revision does not move either) and the result.
    /// </summary>
    private async Task<T> WriteInStudyAsync<T>(
        long studyId,
        Func<StoreDbContext, StudyCounters, Task<(bool Commit, T Result)>> body,
        CancellationToken cancellationToken,
        int trialNumbers = 0)
    {
        await using var db = contexts.CreateDbContext();
        await using var tx = await BeginWriteScopeAsync(db, cancellationToken);
        // Plain SQL because EF's ExecuteUpdate cannot return the new values; the snake_case
        // names are the same in every provider (see StoreDbContext).
        var counters = await (trialNumbers > 0
            ? db.Database.SqlQuery<StudyCounters>($"""
                UPDATE studies SET revision = revision + 1, next_trial_number = next_trial_number + {trialNumbers} WHERE id = {studyId}
                RETURNING revision AS "Revision", next_trial_number - {trialNumbers} AS "TrialNumber"
                """)
            : db.Database.SqlQuery<StudyCounters>($"""
                UPDATE studies SET revision = revision + 1 WHERE id = {studyId}
                RETURNING revision AS "Revision", -1 AS "TrialNumber"
                """)).ToListAsync(cancellationToken);
        if (counters.Count == 0)
            throw new KeyNotFoundException($"study {studyId} does not exist in {DatabaseDescription}");
        var (commit, result) = await body(db, counters[0]);
        if (commit)
            await tx.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>What <see cref="WriteInStudyAsync{T}"/> took from the study row.</summary>
    private sealed record StudyCounters(long Revision, int TrialNumber);

    /// <summary>A write transaction, and this process's place in the writers' queue.</summary>
    private protected sealed class WriteScope(IDbContextTransaction transaction, IDisposable? gate) : IAsyncDisposable
    {
        public IDbContextTransaction Transaction => transaction;

        public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            try
            {
                await transaction.DisposeAsync();
            }
            finally
            {
                gate?.Dispose();
            }
        }
    }

    private async Task<WriteScope> BeginWriteScopeAsync(StoreDbContext db, CancellationToken cancellationToken)
    {
        // Our write transactions are short and all-or-nothing: EF's automatic savepoint around
        // SaveChanges would only add two statements per write.
        db.Database.AutoSavepointsEnabled = false;
        var gate = await EnterWriteGateAsync(cancellationToken);
        try
        {
            return new WriteScope(await BeginWriteAsync(db, cancellationToken), gate);
        }
        catch
        {
            gate?.Dispose();
            throw;
        }
    }

    /// <summary>As <see cref="WriteInStudyAsync{T}"/>, with the trial loaded (tracked) inside the transaction.</summary>
    private async Task<T> WriteInTrialAsync<T>(long trialId, Func<StoreDbContext, TrialEntity, long, Task<(bool Commit, T Result)>> body, CancellationToken cancellationToken)
    {
        var studyId = await StudyOfTrialAsync(trialId, cancellationToken);
        return await WriteInStudyAsync(studyId, async (db, counters) =>
        {
            // A trial another process deleted while this one still had its study cached.
            var trial = await db.Trials.SingleOrDefaultAsync(t => t.Id == trialId, cancellationToken)
                ?? throw new KeyNotFoundException($"trial {trialId} does not exist in {DatabaseDescription}");
            return await body(db, trial, counters.Revision);
        }, cancellationToken);
    }

    /// <summary>Updates an open attempt; attempts of finished trials may still be closed.</summary>
    private async Task<bool> WriteInAttemptAsync(long attemptId, Action<TrialAttemptEntity> update, CancellationToken cancellationToken)
    {
        long trialId;
        await using (var db = contexts.CreateDbContext())
        {
            trialId = await db.Attempts.Where(a => a.Id == attemptId).Select(a => (long?)a.TrialId).SingleOrDefaultAsync(cancellationToken)
                ?? throw new KeyNotFoundException($"attempt {attemptId} does not exist in {DatabaseDescription}");
        }
        return await WriteInTrialAsync(trialId, async (db, trial, revision) =>
        {
            var attempt = await db.Attempts.SingleAsync(a => a.Id == attemptId, cancellationToken);
            if (attempt.EndedAt is not null)
                return (false, false);
            update(attempt);
            trial.ChangeSeq = revision;
            await db.SaveChangesAsync(cancellationToken);
            return (true, true);
        }, cancellationToken);
    }

    private async Task<long> StudyOfTrialAsync(long trialId, CancellationToken cancellationToken)
    {
        if (studyOfTrial.TryGetValue(trialId, out var cached))
            return cached;
        await using var db = contexts.CreateDbContext();
        var studyId = await db.Trials.Where(t => t.Id == trialId).Select(t => (long?)t.StudyId).SingleOrDefaultAsync(cancellationToken)
            ?? throw new KeyNotFoundException($"trial {trialId} does not exist in {DatabaseDescription}");
        studyOfTrial.TryAdd(trialId, studyId);
        return studyId;
    }

    // ------------------------------------------------------------------ read helpers

    private async Task<(string Metric, StudyDirection Direction)> StudyFactsAsync(StoreDbContext db, long studyId, CancellationToken cancellationToken)
    {
        if (studyFacts.TryGetValue(studyId, out var cached))
            return cached;
        var facts = await db.Studies.Where(s => s.Id == studyId)
            .Select(s => new { s.ObjectiveMetric, s.Direction })
            .SingleOrDefaultAsync(cancellationToken)
            ?? throw new KeyNotFoundException($"study {studyId} does not exist in {DatabaseDescription}");
        return studyFacts[studyId] = (facts.ObjectiveMetric, facts.Direction);
    }

    private async Task RequireStudyAsync(StoreDbContext db, long studyId, CancellationToken cancellationToken)
    {
        if (!studyFacts.ContainsKey(studyId) && !await db.Studies.AnyAsync(s => s.Id == studyId, cancellationToken))
            throw new KeyNotFoundException($"study {studyId} does not exist in {DatabaseDescription}");
    }

    private async Task RequireTrialAsync(StoreDbContext db, long trialId, CancellationToken cancellationToken)
    {
        if (!studyOfTrial.ContainsKey(trialId) && !await db.Trials.AnyAsync(t => t.Id == trialId, cancellationToken))
            throw new KeyNotFoundException($"trial {trialId} does not exist in {DatabaseDescription}");
    }

    /// <summary>
    /// Loads the selected trials as snapshots. The trial rows are read first and their children
    /// after: a child read later is never older than its trial row, so a snapshot may be a little
    /// newer than its change sequence says (the next incremental read returns it again), never older.
    /// </summary>
    private static async Task<(List<FrozenTrial> Trials, long MaxChangeSeq)> LoadAsync(
        StoreDbContext db, IQueryable<TrialEntity> selection, string? metric, CancellationToken cancellationToken)
    {
        var trials = await selection.AsNoTracking().OrderBy(t => t.Number).ToListAsync(cancellationToken);
        if (trials.Count == 0)
            return ([], 0);

        var ids = selection.Select(t => t.Id);
        var parameters = (await db.Params.AsNoTracking().Where(p => ids.Contains(p.TrialId)).ToListAsync(cancellationToken))
            .ToLookup(p => p.TrialId);
        // Curves are most of a study's rows (10,000 trials × 100 steps): only the three columns
        // a snapshot keeps are read (no metric text, no timestamp to parse), straight into each
        // trial's step → value map.
        var values = new Dictionary<long, Dictionary<long, double>>();
        if (metric is not null)
        {
            var rows = db.IntermediateValues.AsNoTracking()
                .Where(v => v.Metric == metric && ids.Contains(v.TrialId))
                .Select(v => new { v.TrialId, v.Step, v.Value })
                .AsAsyncEnumerable();
            Dictionary<long, double>? curve = null;
            var curveOf = -1L;
            await foreach (var v in rows.WithCancellation(cancellationToken))
            {
                if (curve is null || curveOf != v.TrialId)
                {
                    if (!values.TryGetValue(v.TrialId, out curve))
                        values[v.TrialId] = curve = [];
                    curveOf = v.TrialId;
                }
                curve[v.Step] = v.Value ?? double.NaN;
            }
        }

        // Most trials of a study share their distributions: parse each distinct JSON once.
        var distributionCache = new Dictionary<string, Distribution>(StringComparer.Ordinal);
        return (trials.Select(t => ToFrozen(t, parameters[t.Id], values.GetValueOrDefault(t.Id), distributionCache)).ToList(), trials.Max(t => t.ChangeSeq));
    }

    private static FrozenTrial ToFrozen(
        TrialEntity t,
        IEnumerable<TrialParamEntity> parameters,
        Dictionary<long, double>? values,
        Dictionary<string, Distribution> distributionCache)
    {
        var ps = new Dictionary<string, object>(StringComparer.Ordinal);
        var ds = new Dictionary<string, Distribution>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            if (!distributionCache.TryGetValue(p.DistributionJson, out var d))
                distributionCache[p.DistributionJson] = d = DistributionJson.Deserialize(p.DistributionJson);
            ds[p.Name] = d;
            ps[p.Name] = d.ToExternal(p.InternalValue);
        }
        var iv = values ?? [];

        return new FrozenTrial(
            Id: t.Id,
            Number: t.Number,
            State: t.State,
            Value: t.Value,
            Params: ps.AsReadOnly(),
            Distributions: ds.AsReadOnly(),
            IntermediateValues: iv.AsReadOnly(),
            Started: t.StartedAt,
            Finished: t.FinishedAt,
            FailReason: t.Reason,
            Values: t.ValuesJson is { } json ? ObjectivesJson.DeserializeValues(json) : null);
    }

    // ------------------------------------------------------------------ mapping and validation

    private static TrialParamEntity NewParam(string name, Distribution distribution, object value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(distribution);
        ArgumentNullException.ThrowIfNull(value);
        double internalValue;
        try
        {
            internalValue = distribution.ToInternal(value);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw new ArgumentException($"parameter '{name}': {value} is not a value of {distribution}", nameof(value), ex);
        }
        return new TrialParamEntity { Name = name, InternalValue = internalValue, DistributionJson = DistributionJson.Serialize(distribution) };
    }

    private static void ValidateTransition(TrialState to, TrialState expectedFrom, double? value)
    {
        if (expectedFrom.IsFinished())
            throw new ArgumentException($"a {expectedFrom} trial is finished and never changes state again", nameof(expectedFrom));
        if (to == TrialState.Waiting && expectedFrom != TrialState.Paused)
            throw new ArgumentException("only a Paused trial goes back to Waiting (promoted); no other trial ever does", nameof(to));
        if (to == TrialState.Paused && expectedFrom != TrialState.Running)
            throw new ArgumentException("only a Running trial can be Paused", nameof(expectedFrom));
        if (to is TrialState.Paused or TrialState.Waiting && value is not null)
            throw new ArgumentException("a paused or promoted trial has no value: it is not finished", nameof(value));
        if (expectedFrom == TrialState.Paused && to == TrialState.Complete)
            throw new ArgumentException("a Paused trial cannot complete: promote it (Waiting) to run it on", nameof(to));
        if (to == TrialState.Running && expectedFrom != TrialState.Waiting)
            throw new ArgumentException("only a Waiting trial can start Running", nameof(expectedFrom));
        if (to == TrialState.Complete && value is not { } v)
            throw new ArgumentException("a Complete trial needs its objective value", nameof(value));
        if (to == TrialState.Complete && double.IsNaN(value!.Value))
            throw new ArgumentException("a Complete trial cannot have a NaN value: a NaN objective is a failure, set the trial to Fail", nameof(value));
        if (to == TrialState.Cancelled && value is not null)
            throw new ArgumentException("a Cancelled trial has no value: it was not wanted, not measured", nameof(value));
        if (to == TrialState.Running && value is not null)
            throw new ArgumentException("a value is given when a trial finishes, not when it starts", nameof(value));
    }

    private static string AttrJson(string key, JsonElement value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (value.ValueKind == JsonValueKind.Undefined)
            throw new ArgumentException($"attribute '{key}' has no value (an undefined JsonElement)", nameof(value));
        return value.GetRawText();
    }

    private static JsonElement ParseAttr(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static Dictionary<TrialState, int> AllStates() => Enum.GetValues<TrialState>().ToDictionary(s => s, _ => 0);

    private static StudyRecord ToRecord(StudyEntity s) => new(
        s.Id,
        s.Name,
        s.Direction,
        s.ObjectiveMetric,
        SearchSpaceJson.Deserialize(s.SearchSpaceJson),
        s.SearchSpaceJson,
        s.SearchSpaceFingerprint,
        s.CreatedAt)
    {
        Objectives = s.ObjectivesJson is { } json ? ObjectivesJson.Deserialize(json) : [new StudyObjective(s.ObjectiveMetric, s.Direction)],
    };

    private static TrialAttempt ToAttempt(TrialAttemptEntity a) => new(
        a.Id, a.TrialId, a.Number, a.Node, a.Slot, a.WorkerId, a.Pid, a.ProcessGroup, a.StartedAt, a.EndedAt, a.ExitCode, a.Reason);

    private static WorkerHeartbeat ToHeartbeat(WorkerHeartbeatEntity w) => new(
        w.WorkerId, w.Node, w.Pid, w.Slots, w.Info, w.FirstSeenAt, w.LastSeenAt);
}
