using HoMM.Core.Pruners;
using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Studies;

public class StudyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Study NewStudy(
        SearchSpaceDefinition? space = null,
        ISampler? sampler = null,
        IPruner? pruner = null,
        StudyOptions? options = null,
        StudyDirection direction = StudyDirection.Minimize) =>
        new(space ?? Spaces.Mixed(), direction, sampler ?? new RandomSampler(seed: 1), pruner, options);

    [Fact]
    public void Ask_NewStudy_ReturnsRunningTrialWithEveryActiveParameter()
    {
        var clock = new ManualTimeProvider(T0);
        var study = NewStudy(options: new StudyOptions { TimeProvider = clock });

        var trial = study.Ask();

        Assert.Equal(0, trial.Number);
        Assert.Equal(TrialState.Running, trial.State);
        Assert.Equal(T0, trial.Started);
        var expected = trial.Params["pool"] is "cls" ? 5 : 4;
        Assert.Equal(expected, trial.Params.Count);
        Assert.Equal(trial.Params.Keys.Order(), trial.Distributions.Keys.Order());
        Assert.IsType<long>(trial.Params["order"]);
        Assert.IsType<double>(trial.Params["lr"]);
    }

    [Fact]
    public void Ask_ManyTrials_ConditionalParameterPresentExactlyWhenParentActivatesIt()
    {
        var study = NewStudy();
        for (var i = 0; i < 200; i++)
        {
            var t = study.Ask();
            Assert.Equal(t.Params["pool"] is "cls", t.Params.ContainsKey("dropout"));
        }
    }

    [Fact]
    public void Ask_SameSeed_GivesSameTrials()
    {
        var a = NewStudy(sampler: new RandomSampler(seed: 7));
        var b = NewStudy(sampler: new RandomSampler(seed: 7));
        var c = NewStudy(sampler: new RandomSampler(seed: 8));
        for (var i = 0; i < 20; i++)
        {
            var ta = a.Ask();
            var tb = b.Ask();
            var tc = c.Ask();
            Assert.Equal(ta.Params, tb.Params);
            Assert.NotEqual(ta.Params["lr"], tc.Params["lr"]);
        }
    }

    [Fact]
    public void Ask_SamplerRebuiltFromStoredTrials_DoesNotReplayEarlierProposals()
    {
        // A dispatcher may build a fresh sampler each tick: proposals depend on the trial number,
        // so the new instance does not repeat what the old one proposed.
        var first = NewStudy(sampler: new RandomSampler(seed: 3));
        var t0 = first.Ask();
        var resumed = new Study(Spaces.Mixed(), StudyDirection.Minimize, new RandomSampler(seed: 3), trials: first.Trials);

        var t1 = resumed.Ask();

        Assert.Equal(1, t1.Number);
        Assert.NotEqual(t0.Params["lr"], t1.Params["lr"]);
    }

    [Fact]
    public void Enqueue_ThenAsk_ReturnsEnqueuedTrialsFirstInOrder()
    {
        var study = NewStudy();
        study.Enqueue(new Dictionary<string, object> { ["lr"] = 1e-3, ["wd"] = 0.01, ["order"] = 2, ["pool"] = "mean" });
        study.Enqueue(new Dictionary<string, object> { ["lr"] = 1e-4, ["wd"] = 0.1, ["order"] = 3L, ["pool"] = "cls", ["dropout"] = 0.2 });

        var a = study.Ask();
        var b = study.Ask();
        var c = study.Ask();

        Assert.Equal((0, 1e-3, 2L, "mean"), (a.Number, (double)a.Params["lr"], (long)a.Params["order"], (string)a.Params["pool"]));
        Assert.Equal((1, 1e-4, 0.2), (b.Number, (double)b.Params["lr"], (double)b.Params["dropout"]));
        Assert.Equal(2, c.Number);
        Assert.All(new[] { a, b, c }, t => Assert.Equal(TrialState.Running, t.State));
    }

    [Fact]
    public void Enqueue_Partial_SamplesTheRest()
    {
        var study = NewStudy();
        var waiting = study.Enqueue(new Dictionary<string, object> { ["pool"] = "cls", ["dropout"] = 0.4 });
        Assert.Equal(TrialState.Waiting, waiting.State);

        var trial = study.Ask();

        Assert.Equal(waiting.Number, trial.Number);
        Assert.Equal(0.4, (double)trial.Params["dropout"], 9);
        Assert.Equal(5, trial.Params.Count);
    }

    [Theory]
    [InlineData("lrr", 0.01, "did you mean 'lr'")]
    [InlineData("lr", 5.0, "lr: 5.0 is not in float[1E-05, 0.1] log")]
    [InlineData("dropout", 0.2, "fix 'pool' too")]
    public void Enqueue_InvalidParameter_ThrowsNamingTheProblem(string name, double value, string expected)
    {
        var study = NewStudy();

        var e = Assert.Throws<TrialRejectedException>(() => study.Enqueue(new Dictionary<string, object> { [name] = value }));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enqueue_ConditionalParameterWhoseConditionFails_Throws()
    {
        var study = NewStudy();

        var e = Assert.Throws<TrialRejectedException>(() =>
            study.Enqueue(new Dictionary<string, object> { ["pool"] = "mean", ["dropout"] = 0.2 }));

        Assert.Contains("dropout: is not used when pool is 'mean'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enqueue_CompleteTrialViolatingConstraints_Throws()
    {
        var study = NewStudy(options: new StudyOptions { Feasibility = p => (long)p["order"] < 4 ? null : "order 4 is too large" });

        var e = Assert.Throws<TrialRejectedException>(() => study.Enqueue(
            new Dictionary<string, object> { ["lr"] = 1e-3, ["wd"] = 0.0, ["order"] = 4, ["pool"] = "mean" }));

        Assert.Equal("order 4 is too large", e.Message);
    }

    [Fact]
    public void Ask_WithConstraint_OnlyReturnsFeasibleParameters()
    {
        var study = NewStudy(options: new StudyOptions { Feasibility = p => (long)p["order"] * (double)p["wd"] < 0.2 ? null : "too much" });

        for (var i = 0; i < 100; i++)
        {
            var t = study.Ask();
            Assert.True((long)t.Params["order"] * (double)t.Params["wd"] < 0.2);
        }
    }

    [Fact]
    public void Ask_ConstraintNothingSatisfies_ThrowsAfterBoundedAttemptsAndLeavesStudyUnchanged()
    {
        var calls = 0;
        var study = NewStudy(options: new StudyOptions
        {
            Proposal = new ProposalOptions { MaxProposalAttempts = 25 },
            Feasibility = _ =>
            {
                calls++;
                return "never";
            },
        });

        var e = Assert.Throws<NoFeasibleProposalException>(study.Ask);

        Assert.Equal(25, calls);
        Assert.Contains("none of 25 proposals passed the rules (the last one never)", e.Message, StringComparison.Ordinal);
        Assert.Empty(study.Trials);
    }

    [Fact]
    public void Ask_ParallelAsksOnTinyDiscreteSpace_AvoidDuplicatesOfRunningTrials()
    {
        var space = Spaces.Of(
            new ParameterSpec("a", new CategoricalDistribution(["x", "y"])),
            new ParameterSpec("b", new IntDistribution(0, 1)));
        var study = NewStudy(space);

        var running = Enumerable.Range(0, 4).Select(_ => study.Ask()).ToList();

        var distinct = running.Select(t => $"{t.Params["a"]}/{t.Params["b"]}").Distinct().Count();
        Assert.Equal(4, distinct);
    }

    [Fact]
    public void Ask_DuplicatesUnavoidable_AcceptsADuplicate()
    {
        var space = Spaces.Of(new ParameterSpec("a", new CategoricalDistribution(["x", "y"])));
        var study = NewStudy(space);

        var trials = Enumerable.Range(0, 3).Select(_ => study.Ask()).ToList();

        Assert.Equal(3, trials.Count);
        Assert.Equal(2, trials.Select(t => t.Params["a"]).Distinct().Count());
    }

    [Fact]
    public void Tell_Value_CompletesTrialWithFinishTime()
    {
        var clock = new ManualTimeProvider(T0);
        var study = NewStudy(options: new StudyOptions { TimeProvider = clock });
        var trial = study.Ask();
        clock.Advance(TimeSpan.FromMinutes(3));

        var done = study.Tell(trial.Number, 0.25);

        Assert.Equal((TrialState.Complete, 0.25, T0.AddMinutes(3)), (done.State, done.Value!.Value, done.Finished!.Value));
        Assert.Same(done, study.GetTrial(trial.Number));
        Assert.Same(done, study.BestTrial);
    }

    [Fact]
    public void Tell_NaN_FailsTheTrial()
    {
        var study = NewStudy();
        var trial = study.Ask();

        var done = study.Tell(trial.Number, double.NaN);

        Assert.Equal(TrialState.Fail, done.State);
        Assert.Null(done.Value);
        Assert.Contains("NaN", done.FailReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Tell_FinishedTrial_Throws()
    {
        var study = NewStudy();
        var trial = study.Ask();
        study.Tell(trial.Number, 1.0);

        var e = Assert.Throws<InvalidOperationException>(() => study.Tell(trial.Number, TrialState.Fail, reason: "late"));

        Assert.Contains("already Complete", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tell_PrunedWithoutValue_TakesLastIntermediateValue()
    {
        var study = NewStudy();
        var trial = study.Ask();
        study.Report(trial.Number, 1, 0.9);
        study.Report(trial.Number, 2, 0.7);

        var done = study.Tell(trial.Number, TrialState.Pruned);

        Assert.Equal(0.7, done.Value);
    }

    [Fact]
    public void Tell_WaitingTrial_OnlyFailCancelsIt()
    {
        var study = NewStudy();
        var waiting = study.Enqueue(new Dictionary<string, object> { ["order"] = 2 });

        Assert.Throws<InvalidOperationException>(() => study.Tell(waiting.Number, 1.0));
        var cancelled = study.Tell(waiting.Number, TrialState.Fail, reason: "cancelled by user");
        var next = study.Ask();

        Assert.Equal("cancelled by user", cancelled.FailReason);
        Assert.Equal(waiting.Number + 1, next.Number);
    }

    [Fact]
    public void Tell_RunningState_IsRejected() =>
        Assert.Throws<ArgumentException>(() => NewStudy().Tell(0, TrialState.Running));

    [Fact]
    public void Report_RepeatedStep_KeepsFirstValue()
    {
        var study = NewStudy();
        var trial = study.Ask();

        study.Report(trial.Number, 10, 0.5);
        study.Report(trial.Number, 10, 0.9);

        Assert.Equal(0.5, study.GetTrial(trial.Number).IntermediateValues[10]);
    }

    [Fact]
    public void Report_FinishedTrial_Throws()
    {
        var study = NewStudy();
        var trial = study.Ask();
        study.Tell(trial.Number, 1.0);

        Assert.Throws<InvalidOperationException>(() => study.Report(trial.Number, 1, 0.5));
    }

    [Fact]
    public void Constructor_WithStoredTrials_ResumesNumberingAndWaitingQueue()
    {
        var first = NewStudy();
        var a = first.Ask();
        first.Tell(a.Number, 0.3);
        first.Ask();
        var queued = first.Enqueue(new Dictionary<string, object> { ["order"] = 3 });

        var resumed = new Study(Spaces.Mixed(), StudyDirection.Minimize, new RandomSampler(seed: 9), trials: first.Trials.Reverse());
        var next = resumed.Ask();
        var after = resumed.Ask();

        Assert.Equal(queued.Number, next.Number);
        Assert.Equal(3L, next.Params["order"]);
        Assert.Equal(3, after.Number);
        Assert.Equal(0.3, resumed.BestTrial!.Value);
    }

    [Fact]
    public void BestTrial_Maximize_PicksLargestCompleteValue()
    {
        var study = NewStudy(direction: StudyDirection.Maximize);
        foreach (var v in new[] { 0.2, 0.9, 0.5 })
            study.Tell(study.Ask().Number, v);

        Assert.Equal(0.9, study.BestTrial!.Value);
    }

    [Fact]
    public void BestTrial_InfiniteValues_AreNotRanked()
    {
        var study = NewStudy(direction: StudyDirection.Minimize);
        foreach (var v in new[] { 0.4, double.NegativeInfinity, 0.2, 0.2 })
            study.Tell(study.Ask().Number, v);

        Assert.Equal(2, study.BestTrial!.Number);
    }

    [Fact]
    public void Study_ConcurrentAskAndTell_KeepsEveryTrialConsistent()
    {
        var study = NewStudy();

        Parallel.For(0, 200, i =>
        {
            var t = study.Ask();
            study.Report(t.Number, 1, i);
            study.Tell(t.Number, i);
        });

        var trials = study.Trials;
        Assert.Equal(Enumerable.Range(0, 200), trials.Select(t => t.Number));
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
    }
}
