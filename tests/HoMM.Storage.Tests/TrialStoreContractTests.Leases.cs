using HoMM.Core.Trials;

namespace HoMM.Storage.Tests;

// The dispatcher's leases: the store is the only judge of who runs a trial.
public abstract partial class TrialStoreContractTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(6);

    private async Task<(ITrialStore Store, FrozenTrial Trial)> WaitingTrialAsync()
    {
        var (store, study) = await StudyAsync();
        var (p, d) = Params();
        return (store, await store.CreateTrialAsync(study.Id, p, d));
    }

    [Fact]
    public async Task TryClaim_WaitingTrial_StartsItWithTheOwnerAndLease()
    {
        var (store, trial) = await WaitingTrialAsync();

        var claim = await store.TryClaimAsync(trial.Id, "a", Lease);

        Assert.True(claim.Claimed);
        Assert.False(claim.TookOver);
        Assert.Equal(TrialState.Running, (await store.GetTrialAsync(trial.Id))!.State);
        var lease = await store.GetLeaseAsync(trial.Id);
        Assert.Equal("a", lease!.Owner);
        Assert.Equal(Clock.GetUtcNow() + Lease, lease.LeaseUntil);
    }

    [Fact]
    public async Task TryClaim_ManyProcessesAtOnce_ExactlyOneWins()
    {
        var (first, trial) = await WaitingTrialAsync();
        var stores = new List<ITrialStore> { first };
        for (var i = 1; i < 4; i++)
            stores.Add(await StoreAsync());

        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => stores[i % stores.Count].TryClaimAsync(trial.Id, $"owner-{i}", Lease))));

        var winner = Assert.Single(claims, c => c.Claimed);
        Assert.All(claims.Where(c => !c.Claimed), c => Assert.Equal(winner.Owner, c.Owner));
    }

    [Fact]
    public async Task TryClaim_LiveLease_IsRefusedUntilItRunsOut_ThenTakenOver()
    {
        var (store, trial) = await WaitingTrialAsync();
        await store.TryClaimAsync(trial.Id, "a", Lease);

        Clock.Advance(Lease - TimeSpan.FromMilliseconds(1));
        var early = await store.TryClaimAsync(trial.Id, "b", Lease);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var late = await store.TryClaimAsync(trial.Id, "b", Lease);

        Assert.False(early.Claimed);
        Assert.Equal("a", early.Owner);
        Assert.True(late.Claimed);
        Assert.True(late.TookOver);
        Assert.False(await store.RenewLeaseAsync(trial.Id, "a", Lease)); // a has lost it
    }

    [Fact]
    public async Task TryClaim_FromAnOwnerKnownDead_TakesOverAtOnce()
    {
        var (store, trial) = await WaitingTrialAsync();
        await store.TryClaimAsync(trial.Id, "dead", Lease);

        Assert.False((await store.TryClaimAsync(trial.Id, "b", Lease, takeOverFrom: "someone-else")).Claimed);
        Assert.True((await store.TryClaimAsync(trial.Id, "b", Lease, takeOverFrom: "dead")).Claimed);
    }

    [Fact]
    public async Task TryClaim_FinishedTrial_IsRefused()
    {
        var (store, trial) = await WaitingTrialAsync();
        await store.TryClaimAsync(trial.Id, "a", Lease);
        Assert.True(await store.TryFinishOwnedAsync(trial.Id, "a", TrialState.Complete, 0.5));

        var again = await store.TryClaimAsync(trial.Id, "b", Lease);

        Assert.False(again.Claimed);
        Assert.Equal(TrialState.Complete, again.State);
    }

    [Fact]
    public async Task RenewLease_ByTheOwner_KeepsOthersOut()
    {
        var (store, trial) = await WaitingTrialAsync();
        await store.TryClaimAsync(trial.Id, "a", Lease);

        for (var i = 0; i < 5; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(2));
            Assert.True(await store.RenewLeaseAsync(trial.Id, "a", Lease));
        }

        Assert.False((await store.TryClaimAsync(trial.Id, "b", Lease)).Claimed);
        Assert.False(await store.RenewLeaseAsync(trial.Id, "b", Lease));
    }

    [Fact]
    public async Task ReleaseLease_LeavesTheTrialRunning_AndClaimableAtOnce()
    {
        var (store, trial) = await WaitingTrialAsync();
        await store.TryClaimAsync(trial.Id, "a", Lease);

        Assert.True(await store.ReleaseLeaseAsync(trial.Id, "a"));
        var claim = await store.TryClaimAsync(trial.Id, "b", Lease);

        Assert.True(claim.Claimed);
        Assert.True(claim.TookOver);
        Assert.False(await store.ReleaseLeaseAsync(trial.Id, "a"));
    }

    [Fact]
    public async Task TryFinishOwned_ByAnOwnerThatLostTheLease_ChangesNothing()
    {
        var (store, trial) = await WaitingTrialAsync();
        await store.TryClaimAsync(trial.Id, "a", Lease);
        Clock.Advance(Lease);
        await store.TryClaimAsync(trial.Id, "b", Lease);

        Assert.False(await store.TryFinishOwnedAsync(trial.Id, "a", TrialState.Complete, 0.9));
        Assert.True(await store.TryFinishOwnedAsync(trial.Id, "b", TrialState.Complete, 0.4));
        Assert.False(await store.TryFinishOwnedAsync(trial.Id, "b", TrialState.Complete, 0.4)); // a second commit does nothing

        var done = await store.GetTrialAsync(trial.Id);
        Assert.Equal(0.4, done!.Value);
        Assert.Null((await store.GetLeaseAsync(trial.Id))!.Owner);
    }

    [Fact]
    public async Task TryCompleteOwned_SeveralObjectives_OnlyTheOwnerCommitsOnce()
    {
        var store = await StoreAsync();
        var study = await store.CreateStudyAsync(TwoObjectives());
        var trial = await store.CreateTrialAsync(study.Id);
        await store.TryClaimAsync(trial.Id, "a", Lease);
        Clock.Advance(Lease);
        await store.TryClaimAsync(trial.Id, "b", Lease);

        Assert.False(await store.TryCompleteOwnedAsync(trial.Id, "a", [0.9, 1e9]));
        Assert.True(await store.TryCompleteOwnedAsync(trial.Id, "b", [0.4, 2e9]));
        Assert.False(await store.TryCompleteOwnedAsync(trial.Id, "b", [0.5, 3e9])); // a second commit does nothing

        var done = (await store.GetTrialAsync(trial.Id))!;
        Assert.Equal(TrialState.Complete, done.State);
        Assert.Equal([0.4, 2e9], done.Values);
        Assert.Null((await store.GetLeaseAsync(trial.Id))!.Owner);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.TryCompleteOwnedAsync(trial.Id, "b", [0.4]));
    }

    [Fact]
    public async Task DeleteTrialAndStudy_ClaimedThenFinished_TakeTheLeasesAlong()
    {
        var (store, study) = await StudyAsync();
        var (p, d) = Params();
        var trials = new[] { await store.CreateTrialAsync(study.Id, p, d), await store.CreateTrialAsync(study.Id, p, d) };
        foreach (var t in trials)
        {
            await store.TryClaimAsync(t.Id, "a", Lease);
            Assert.True(await store.TryFinishOwnedAsync(t.Id, "a", TrialState.Fail, reason: "exit 1"));
        }

        Assert.True(await store.DeleteTrialAsync(trials[0].Id));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetLeaseAsync(trials[0].Id));
        Assert.True(await store.DeleteStudyAsync(study.Id));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetLeaseAsync(trials[1].Id));
    }

    [Fact]
    public async Task TryFinishOwned_ExpiredButUnclaimedLease_StillCommits()
    {
        var (store, trial) = await WaitingTrialAsync();
        await store.TryClaimAsync(trial.Id, "a", Lease);
        Clock.Advance(Lease * 3);

        Assert.True(await store.TryFinishOwnedAsync(trial.Id, "a", TrialState.Pruned, 0.1, "pruned by asha"));
    }

    [Fact]
    public async Task TrySetState_FinishedByAnotherProcess_EndsTheOwnersLease()
    {
        var (store, trial) = await WaitingTrialAsync();
        await store.TryClaimAsync(trial.Id, "a", Lease);

        Assert.True(await store.TryFailAsync(trial.Id, "cancelled by the user"));

        Assert.False(await store.RenewLeaseAsync(trial.Id, "a", Lease));
    }

    [Fact]
    public async Task TakeExpired_OnlyRunningTrialsWithoutALiveLease_OnceAcrossHosts()
    {
        var (store, study) = await StudyAsync();
        var (p, d) = Params();
        var live = await store.CreateTrialAsync(study.Id, p, d);
        var lost = await store.CreateTrialAsync(study.Id, p, d);
        var waiting = await store.CreateTrialAsync(study.Id, p, d);
        var legacy = await store.CreateTrialAsync(study.Id, p, d);
        await store.TryClaimAsync(live.Id, "a", Lease);
        await store.TryClaimAsync(lost.Id, "dead", Lease);
        Assert.True(await store.TryStartAsync(legacy.Id)); // Running with no lease at all
        Clock.Advance(TimeSpan.FromSeconds(4));
        Assert.True(await store.RenewLeaseAsync(live.Id, "a", Lease));
        Clock.Advance(TimeSpan.FromSeconds(3));
        var other = await StoreAsync();

        var taken = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Task.Run(() => (i % 2 == 0 ? store : other).TakeExpiredAsync(study.Id, Lease))));

        Assert.Equal([lost.Id, legacy.Id], taken.SelectMany(t => t).Order());
        Assert.DoesNotContain(waiting.Id, taken.SelectMany(t => t));
        Assert.Empty(await store.TakeExpiredAsync(study.Id, Lease)); // dispatched just now
        Clock.Advance(Lease);
        Assert.True(await store.RenewLeaseAsync(live.Id, "a", Lease));
        Assert.Equal([lost.Id, legacy.Id], (await store.TakeExpiredAsync(study.Id, Lease)).Order());
    }

    [Fact]
    public async Task RenewLease_DoesNotMoveTheChangeCursor()
    {
        var (store, study) = await StudyAsync();
        var (p, d) = Params();
        var trial = await store.CreateTrialAsync(study.Id, p, d);
        await store.TryClaimAsync(trial.Id, "a", Lease);
        var before = (await store.GetTrialsAsync(study.Id)).Cursor;

        await store.RenewLeaseAsync(trial.Id, "a", Lease);

        Assert.Equal(before, (await store.GetTrialsAsync(study.Id)).Cursor);
    }
}
