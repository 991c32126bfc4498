using HoMM.Core.Samplers;
using HoMM.Core.Samplers.Tpe;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;
using HoMM.Core.Tests.Pruners;

namespace HoMM.Core.Tests.Samplers;

public class RungFittedSamplerTests
{
    /// <summary>Records the study view it was asked with, and proposes nothing.</summary>
    private sealed class ViewRecorder : ISampler
    {
        public IStudyView? Seen { get; private set; }

        public IReadOnlyDictionary<string, double> SampleRelative(IStudyView study, FrozenTrial trial)
        {
            Seen = study;
            return new Dictionary<string, double>();
        }

        public double SampleIndependent(IStudyView study, FrozenTrial trial, ParameterSpec parameter) => 0.5;
    }

    // Five trials stopped at rung 1, three more reached rung 3 (one still running), one completed at 9.
    private static IStudyView Ladder() => History.View(StudyDirection.Maximize,
        History.Trial(0, TrialState.Pruned, (1, 0.1)),
        History.Trial(1, TrialState.Pruned, (1, 0.2)),
        History.Trial(2, TrialState.Pruned, (1, 0.3), (3, 0.35)),
        History.Trial(3, TrialState.Running, (1, 0.4), (3, 0.45)),
        History.Trial(4, TrialState.Complete, (1, 0.5), (3, 0.55), (9, 0.9)),
        History.Trial(5, TrialState.Running, (1, 0.6)),
        History.Trial(6, TrialState.Fail, (1, 0.7), (3, 0.75)),
        History.Trial(7, TrialState.Running));

    [Fact]
    public void FittedStep_HighestStepWithEnoughValues_IsChosen()
    {
        var sampler = new RungFittedSampler(new ViewRecorder(), minTrials: 3);

        Assert.Equal(3, sampler.FittedStep(Ladder(), askingTrial: 7));
        Assert.Equal(1, new RungFittedSampler(new ViewRecorder(), minTrials: 4).FittedStep(Ladder(), 7));
        Assert.Equal(9, new RungFittedSampler(new ViewRecorder(), minTrials: 1).FittedStep(Ladder(), 7));
        Assert.Null(new RungFittedSampler(new ViewRecorder(), minTrials: 7).FittedStep(Ladder(), 7));
    }

    [Fact]
    public void SampleRelative_EnoughValuesAtRung_ModelSeesTrialsThereAsCompleteWithTheirRungValue()
    {
        var recorder = new ViewRecorder();
        var study = Ladder();

        new RungFittedSampler(recorder, minTrials: 3).SampleRelative(study, study.Trials[7]);

        var seen = recorder.Seen!.Trials.ToDictionary(t => t.Number);
        // Rung-3 values become complete values; the failed trial and those stopped at rung 1 are left
        // out; a running trial below the rung stays running (constant liar), and the asking one stays.
        Assert.Equal([2, 3, 4, 5, 7], seen.Keys.Order());
        Assert.Equal((TrialState.Complete, 0.35), (seen[2].State, seen[2].Value!.Value));
        Assert.Equal((TrialState.Complete, 0.45), (seen[3].State, seen[3].Value!.Value));
        Assert.Equal((TrialState.Complete, 0.55), (seen[4].State, seen[4].Value!.Value));
        Assert.Equal(TrialState.Running, seen[5].State);
        Assert.Equal(TrialState.Running, seen[7].State);
    }

    [Fact]
    public void SampleRelative_NoStepWithEnoughValues_SeesTheStudyUnchanged()
    {
        var recorder = new ViewRecorder();
        var study = Ladder();

        new RungFittedSampler(recorder, minTrials: 50).SampleRelative(study, study.Trials[7]);

        Assert.Same(study, recorder.Seen);
    }

    [Fact]
    public void Ask_OnlyLowRungResults_TpeFittedOnRungConcentratesNearTheRungOptimum()
    {
        // 40 trials were all stopped at step 1 with value −(x − 0.8)²: plain TPE ranks them as pruned
        // and still learns; fitted on the rung, it must propose near 0.8 as well — and unlike with
        // the default n_startup_trials gate on finished trials, it never falls back to random.
        var space = Spaces.Of(new ParameterSpec("x", new FloatDistribution(0, 1)));
        var sampler = new RungFittedSampler(new TpeSampler(new TpeSamplerOptions { Seed = 3 }));
        var study = new Study(space, StudyDirection.Maximize, sampler);
        var rng = new Random(5);
        for (var i = 0; i < 40; i++)
        {
            study.Enqueue(new Dictionary<string, object> { ["x"] = rng.NextDouble() });
            var t = study.Ask();
            study.Report(t.Number, 1, -Math.Pow((double)t.Params["x"] - 0.8, 2));
            study.Tell(t.Number, TrialState.Pruned);
        }

        var proposals = Enumerable.Range(0, 20).Select(_ =>
        {
            var t = study.Ask();
            study.Tell(t.Number, TrialState.Fail);
            return (double)t.Params["x"];
        }).ToArray();

        Assert.InRange(proposals.Select(x => Math.Abs(x - 0.8)).Order().ElementAt(10), 0, 0.12);
    }

    [Fact]
    public void Create_FitOnHighestRung_WrapsTpeAndGp()
    {
        var options = new Dictionary<string, object?> { ["fit_on"] = "highest_rung", ["rung_min_trials"] = 6L };

        Assert.IsType<TpeSampler>(Assert.IsType<RungFittedSampler>(SamplerCatalog.Create("tpe", options, seed: 1)).Inner);
        Assert.IsType<RungFittedSampler>(SamplerCatalog.Create("gp", options, seed: 1));
        Assert.IsType<TpeSampler>(SamplerCatalog.Create("tpe", null, seed: 1));
        Assert.NotEmpty(SamplerCatalog.Validate("tpe", new Dictionary<string, object?> { ["fit_on"] = "lowest" }));
    }
}
