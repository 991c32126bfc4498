using System.Collections.Immutable;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;

namespace HoMM.Dispatch.Tests.Driver;

public class FailureStreakTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static FrozenTrial T(int number, TrialState state, string? reason = null) =>
        new(number, number, state, state == TrialState.Complete ? 0.5 : null, ImmutableDictionary<string, object>.Empty,
            ImmutableDictionary<string, Distribution>.Empty, ImmutableSortedDictionary<long, double>.Empty,
            T0, state.IsFinished() ? T0.AddMinutes(number) : null, reason);

    [Fact]
    public void Check_SameReasonNumbersAside_ReachesTheLimit()
    {
        var trials = Enumerable.Range(0, 3).Select(i => T(i, TrialState.Fail, $"crashed (exit code 1) at step {i * 7}: boom")).ToList();

        Assert.Equal("crashed (exit code 1) at step 14: boom", new FailureStreak(3, new HashSet<long>()).Check(trials));
    }

    [Fact]
    public void Check_ACompleteTrialInBetween_EndsTheStreak()
    {
        var trials = new[] { T(0, TrialState.Fail, "x"), T(1, TrialState.Fail, "x"), T(2, TrialState.Complete), T(3, TrialState.Fail, "x"), T(4, TrialState.Fail, "x") };

        Assert.Null(new FailureStreak(3, new HashSet<long>()).Check(trials));
    }

    [Fact]
    public void Check_DifferentReasons_NoStreak()
    {
        var trials = new[] { T(0, TrialState.Fail, "timeout"), T(1, TrialState.Fail, "x"), T(2, TrialState.Fail, "x") };

        Assert.Null(new FailureStreak(3, new HashSet<long>()).Check(trials));
    }

    [Fact]
    public void Check_UserStopsAndRefusedTrials_NeitherCountNorBreak()
    {
        var trials = new[]
        {
            T(0, TrialState.Fail, "x"), T(1, TrialState.Fail, "stopped by user: enough"), T(2, TrialState.Fail, "x"),
            T(3, TrialState.Fail, "refused before it ran: breaks the constraint 'a < 1' (a = 2)"), T(4, TrialState.Fail, "x"),
        };

        Assert.Equal("x", new FailureStreak(3, new HashSet<long>()).Check(trials));
    }

    [Fact]
    public void Check_FailuresBeforeThisRun_DoNotCount()
    {
        var trials = Enumerable.Range(0, 5).Select(i => T(i, TrialState.Fail, "x")).ToList();

        Assert.Null(new FailureStreak(3, new HashSet<long> { 0, 1, 2 }).Check(trials));
        Assert.Null(new FailureStreak(null, new HashSet<long>()).Check(trials));
    }
}
