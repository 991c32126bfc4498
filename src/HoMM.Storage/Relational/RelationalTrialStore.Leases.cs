using HoMM.Core.Trials;
using Microsoft.EntityFrameworkCore;

namespace HoMM.Storage.Relational;

// The dispatcher's leases (ITrialStore: "leases: who runs a trial"). Claims, commits and the
// reconciler's take run inside a write of the trial's study, so their check-then-write is
// race-free (see the class comment); renewals and releases are one conditional UPDATE each and
// do not move the study's change cursor, since nothing a reader shows changes.
public abstract partial class RelationalTrialStore
{
    public async Task<TrialClaim> TryClaimAsync(long trialId, string owner, TimeSpan lease, string? takeOverFrom = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var studyId = await StudyOfTrialAsync(trialId, cancellationToken);
        return await WriteInStudyAsync(studyId, async (db, counters) =>
        {
            var state = await db.Trials.Where(t => t.Id == trialId).Select(t => t.State).SingleAsync(cancellationToken);
            if (state.IsFinished())
                return (false, new TrialClaim(false, state, false, null, null));
            var now = Now();
            var row = await db.Leases.SingleOrDefaultAsync(l => l.TrialId == trialId, cancellationToken);
            var free = row is null || row.Owner is null || row.LeaseUntil is not { } until || until <= now
                       || row.Owner == takeOverFrom || row.Owner == owner;
            if (!free)
                return (false, new TrialClaim(false, state, false, row!.Owner, row.LeaseUntil));
            if (row is null)
            {
                row = new TrialLeaseEntity { TrialId = trialId };
                db.Leases.Add(row);
            }
            row.Owner = owner;
            row.LeaseUntil = now + lease;
            await db.SaveChangesAsync(cancellationToken);
            if (state == TrialState.Waiting)
                await SetStateAsync(db, counters.Revision, trialId, TrialState.Running, TrialState.Waiting, null, null, cancellationToken);
            return (true, new TrialClaim(true, TrialState.Running, state == TrialState.Running, owner, row.LeaseUntil));
        }, cancellationToken);
    }

    public async Task<bool> RenewLeaseAsync(long trialId, string owner, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        DateTimeOffset? until = Now() + lease;
        return await UpdateOwnLeaseAsync(trialId, owner, until, cancellationToken);
    }

    public async Task<bool> ReleaseLeaseAsync(long trialId, string owner, CancellationToken cancellationToken = default) =>
        await UpdateOwnLeaseAsync(trialId, owner, null, cancellationToken);

    public async Task<bool> TryFinishOwnedAsync(long trialId, string owner, TrialState to, double? value = null, string? reason = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ValidateTransition(to, TrialState.Running, value);
        if (to == TrialState.Running)
            throw new ArgumentException("an owner's commit ends the trial's run: Complete, Pruned, Fail, Cancelled or Paused, not Running", nameof(to));
        var studyId = await StudyOfTrialAsync(trialId, cancellationToken);
        return await WriteInStudyAsync(studyId, async (db, counters) =>
        {
            if (!await HoldsLeaseAsync(db, trialId, owner, cancellationToken))
                return (false, false);
            var changed = await SetStateAsync(db, counters.Revision, trialId, to, TrialState.Running, value, reason, cancellationToken);
            return (changed, changed);
        }, cancellationToken);
    }

    public Task<bool> TryCompleteOwnedAsync(long trialId, string owner, IReadOnlyList<double> values, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return CompleteAsync(trialId, values, TrialState.Running, owner, cancellationToken);
    }

    /// <summary>
    /// Whether <paramref name="owner"/> holds the trial, inside the caller's write: a lease that ran
    /// out still counts until someone else claims the trial (a claim replaces the owner).
    /// </summary>
    private static Task<bool> HoldsLeaseAsync(StoreDbContext db, long trialId, string owner, CancellationToken cancellationToken) =>
        db.Leases.AnyAsync(l => l.TrialId == trialId && l.Owner == owner, cancellationToken);

    public async Task<TrialLease?> GetLeaseAsync(long trialId, CancellationToken cancellationToken = default)
    {
        await using var db = contexts.CreateDbContext();
        await RequireTrialAsync(db, trialId, cancellationToken);
        var row = await db.Leases.AsNoTracking().SingleOrDefaultAsync(l => l.TrialId == trialId, cancellationToken);
        return row is null ? null : new TrialLease(row.TrialId, row.Owner, row.LeaseUntil, row.DispatchedAt);
    }

    public async Task<IReadOnlyList<long>> TakeExpiredAsync(long studyId, TimeSpan redispatchInterval, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(redispatchInterval, TimeSpan.Zero);
        // A read first: the reconciler asks every second on every host, and mostly nothing is due,
        // so it takes no write lock then.
        List<long> due;
        await using (var db = contexts.CreateDbContext())
            due = await Due(db, studyId, Now(), redispatchInterval).ToListAsync(cancellationToken);
        if (due.Count == 0)
            return [];
        return await WriteInStudyAsync(studyId, async (db, _) =>
        {
            var now = Now();
            // Again inside the write: another host may have taken some meanwhile (compare-and-set).
            var taken = await Due(db, studyId, now, redispatchInterval).ToListAsync(cancellationToken);
            if (taken.Count == 0)
                return (false, (IReadOnlyList<long>)[]);
            var rows = await db.Leases.Where(l => taken.Contains(l.TrialId)).ToDictionaryAsync(l => l.TrialId, cancellationToken);
            foreach (var id in taken)
            {
                if (!rows.TryGetValue(id, out var row))
                    db.Leases.Add(row = new TrialLeaseEntity { TrialId = id });
                row.DispatchedAt = now;
            }
            await db.SaveChangesAsync(cancellationToken);
            return (true, (IReadOnlyList<long>)taken.AsReadOnly());
        }, cancellationToken);
    }

    /// <summary>Running trials of the study with no live lease, not queued again within the interval.</summary>
    private static IQueryable<long> Due(StoreDbContext db, long studyId, DateTimeOffset now, TimeSpan redispatchInterval)
    {
        DateTimeOffset? nowN = now;
        DateTimeOffset? cutoff = now - redispatchInterval;
        return from t in db.Trials
               where t.StudyId == studyId && t.State == TrialState.Running
               join l in db.Leases on t.Id equals l.TrialId into leases
               from l in leases.DefaultIfEmpty()
               where l == null || ((l.Owner == null || l.LeaseUntil == null || l.LeaseUntil <= nowN)
                                   && (l.DispatchedAt == null || l.DispatchedAt <= cutoff))
               orderby t.Number
               select t.Id;
    }

    /// <summary>Sets the lease's end when <paramref name="owner"/> holds it; null ends it (and the ownership).</summary>
    private async Task<bool> UpdateOwnLeaseAsync(long trialId, string owner, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        await using var db = contexts.CreateDbContext();
        await using var tx = await BeginWriteScopeAsync(db, cancellationToken);
        var changed = await db.Leases
            .Where(l => l.TrialId == trialId && l.Owner == owner)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(l => l.LeaseUntil, until);
                if (until is null)
                    s.SetProperty(l => l.Owner, (string?)null);
            }, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return changed == 1;
    }

    /// <summary>Ends whatever lease the trial has (it was finished), inside the caller's write.</summary>
    private static Task<int> EndLeaseAsync(StoreDbContext db, long trialId, CancellationToken cancellationToken) =>
        db.Leases.Where(l => l.TrialId == trialId).ExecuteUpdateAsync(s =>
        {
            s.SetProperty(l => l.Owner, (string?)null);
            s.SetProperty(l => l.LeaseUntil, (DateTimeOffset?)null);
        }, cancellationToken);
}
