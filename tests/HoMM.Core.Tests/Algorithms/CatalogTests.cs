using System.Globalization;
using HoMM.Core.Algorithms;
using HoMM.Core.Pruners;
using HoMM.Core.Samplers;
using HoMM.Core.Samplers.CmaEs;
using HoMM.Core.Samplers.Gp;
using HoMM.Core.Samplers.Grid;
using HoMM.Core.Samplers.Nsga2;
using HoMM.Core.Samplers.Sobol;
using HoMM.Core.Samplers.Tpe;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Algorithms;

public class SamplerCatalogTests
{
    private static Dictionary<string, object?> Options(params (string Key, object? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void Kinds_AreTheAgreedNames() =>
        Assert.Equal(["random", "grid", "sobol", "tpe", "cmaes", "gp", "nsga2"], SamplerCatalog.Kinds.Select(k => k.Kind));

    [Theory]
    [InlineData("random", typeof(RandomSampler))]
    [InlineData("grid", typeof(GridSampler))]
    [InlineData("sobol", typeof(SobolSampler))]
    [InlineData("qmc", typeof(SobolSampler))]
    [InlineData("tpe", typeof(TpeSampler))]
    [InlineData("cmaes", typeof(CmaEsSampler))]
    [InlineData("gp", typeof(GpSampler))]
    [InlineData("nsga2", typeof(Nsga2Sampler))]
    [InlineData("nsgaii", typeof(Nsga2Sampler))]
    public void Create_EveryKindWithDefaults_BuildsIt(string kind, Type expected) =>
        Assert.IsType(expected, SamplerCatalog.Create(kind));

    [Fact]
    public void Create_TpeOptions_ReachTheSampler()
    {
        var tpe = (TpeSampler)SamplerCatalog.Create("tpe", Options(
            ("n_startup_trials", 5L), ("multivariate", true), ("group", true), ("constant_liar", true),
            ("prior_weight", 2L), ("n_ei_candidates", 48.0), ("seed", 7L), ("bandwidth_factor", 0.3)));

        Assert.Equal((5, 48, true, true, true, 2.0, 7, 0.3), (tpe.Options.NStartupTrials, tpe.Options.NEiCandidates, tpe.Options.Multivariate,
            tpe.Options.Group, tpe.Options.ConstantLiar, tpe.Options.PriorWeight, tpe.Seed, tpe.Options.BandwidthFactor));
    }

    [Fact]
    public void Create_CmaEsOptions_ReachTheSampler()
    {
        var cma = (CmaEsSampler)SamplerCatalog.Create("cmaes", Options(("restart_strategy", "bipop"), ("popsize", 12L), ("sigma0", 0.3)));

        Assert.Equal((CmaEsRestartStrategy.Bipop, 12, 0.3), (cma.Options.RestartStrategy, cma.Options.PopulationSize, cma.Options.Sigma0));
    }

    [Fact]
    public void Create_UnknownKind_SuggestsTheClosest()
    {
        var e = Assert.Throws<AlgorithmOptionException>(() => SamplerCatalog.Create("tpee"));

        Assert.Contains("did you mean 'tpe'", e.Message, StringComparison.Ordinal);
        Assert.Contains("random, grid, sobol, tpe, cmaes, gp, nsga2", e.Message, StringComparison.Ordinal);
        Assert.Null(Assert.Single(e.Errors).Option);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEachWithItsOption()
    {
        var errors = SamplerCatalog.Validate("tpe", Options(
            ("n_startup", 5L), ("multivariate", "yes"), ("n_ei_candidates", 0L), ("n_startup_trials", 2.5)));

        Assert.Equal(["multivariate", "n_ei_candidates", "n_startup", "n_startup_trials"], errors.Select(e => e.Option).Order(StringComparer.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("did you mean 'n_startup_trials'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("must be true or false", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("must be in [1, 100000], not 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("must be an integer", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GroupWithoutMultivariate_IsAnError()
    {
        var error = Assert.Single(SamplerCatalog.Validate("tpe", Options(("multivariate", false), ("group", true))));

        Assert.Equal("TPE: group needs multivariate: true", error.Message);
    }

    [Fact]
    public void Validate_GoodDefinition_HasNoErrors() =>
        Assert.Empty(SamplerCatalog.Validate("cmaes", Options(("restart_strategy", "ipop"), ("seed", 3L))));

    [Fact]
    public void Create_SeedArgument_GivesReproducibleStudies()
    {
        var space = Spaces.Mixed();
        List<object> Run() => [.. Enumerable.Range(0, 5).Select(_ => new Study(space, StudyDirection.Minimize, SamplerCatalog.Create("sobol", seed: 42)).Ask().Params["lr"])];

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Create_GridSearchSpaceMapping_ListsTheValues()
    {
        var grid = (GridSampler)SamplerCatalog.Create("grid", Options(("search_space", new Dictionary<string, object> { ["lr"] = new List<object> { 0.001, 0.01 } })));
        var space = Spaces.Of(new ParameterSpec("lr", new FloatDistribution(1e-4, 1, log: true)), new ParameterSpec("k", new IntDistribution(1, 3)));

        Assert.Equal(6, grid.GridSize(space));
    }

    [Fact]
    public void Create_SeedOutOfRange_IsAnError() =>
        Assert.Contains("seed", Assert.Throws<AlgorithmOptionException>(() => SamplerCatalog.Create("random", seed: -1)).Message, StringComparison.Ordinal);

    /// <summary>The published defaults must be the ones the options records really use.</summary>
    [Fact]
    public void Kinds_PublishedDefaults_MatchTheOptionsRecords()
    {
        var records = new Dictionary<string, object>
        {
            ["grid"] = new GridSamplerOptions(),
            ["sobol"] = new SobolSamplerOptions(),
            ["tpe"] = new TpeSamplerOptions(),
            ["cmaes"] = new CmaEsSamplerOptions(),
            ["gp"] = new GpSamplerOptions(),
            ["nsga2"] = new Nsga2SamplerOptions(),
        };
        var renamed = new Dictionary<string, string> { ["popsize"] = "PopulationSize" };
        foreach (var (kind, record) in records)
        {
            // fit_on and rung_min_trials belong to the RungFittedSampler wrapped around the sampler.
            foreach (var option in SamplerCatalog.Find(kind)!.Options.Where(o => o.Name is not ("seed" or "fit_on" or "rung_min_trials")))
                CatalogAssert.DefaultMatches(kind, option, record, renamed);
        }
    }
}

public class PrunerCatalogTests
{
    private static Dictionary<string, object?> Options(params (string Key, object? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void Kinds_AreTheAgreedNames()
    {
        Assert.Equal(["nop", "median", "percentile", "asha", "hyperband", "threshold", "patient"], PrunerCatalog.Kinds.Select(k => k.Kind));
        Assert.Same(PrunerCatalog.Find("asha"), PrunerCatalog.Find("successive_halving"));
    }

    [Theory]
    [InlineData("nop", typeof(NopPruner))]
    [InlineData("median", typeof(MedianPruner))]
    [InlineData("asha", typeof(SuccessiveHalvingPruner))]
    [InlineData("successive_halving", typeof(SuccessiveHalvingPruner))]
    [InlineData("hyperband", typeof(HyperbandPruner))]
    public void Create_KindsWithoutRequiredOptions_BuildWithDefaults(string kind, Type expected) =>
        Assert.IsType(expected, PrunerCatalog.Create(kind));

    [Fact]
    public void Create_AshaMinResource_AcceptsAutoOrASteps()
    {
        Assert.Null(((SuccessiveHalvingPruner)PrunerCatalog.Create("asha", Options(("min_resource", "auto")))).Options.MinResource);
        var asha = (SuccessiveHalvingPruner)PrunerCatalog.Create("asha", Options(("min_resource", 2L), ("reduction_factor", 3L), ("min_early_stopping_rate", 1L)));
        Assert.Equal((2L, 3, 1), (asha.Options.MinResource!.Value, asha.Options.ReductionFactor, asha.Options.MinEarlyStoppingRate));
        Assert.Contains("integer or \"auto\"", Assert.Single(PrunerCatalog.Validate("asha", Options(("min_resource", "soon")))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreatePromotion_AshaInPromoteMode_BuildsTheRungsBelowAFullRun()
    {
        var options = Options(("mode", "promote"), ("min_resource", 30L), ("reduction_factor", 3L));

        var schedule = Assert.IsType<AshaPromotion>(PrunerCatalog.CreatePromotion("asha", options, fullRunSteps: 270));

        Assert.Equal([30L, 90L], schedule.Rungs);
        Assert.Equal(270, schedule.MaxResource);
        Assert.IsType<NopPruner>(PrunerCatalog.Create("asha", options));
        Assert.True(PrunerCatalog.IsPromoting("successive_halving", options));
        Assert.Null(PrunerCatalog.CreatePromotion("asha", Options(("min_resource", 30L)), fullRunSteps: 270));
        // auto min_resource: 1/100 of a full run; an explicit max_resource wins over the trainer's steps.
        Assert.Equal([8L, 32L, 128L, 512L], ((AshaPromotion)PrunerCatalog.CreatePromotion("asha", Options(("mode", "promote")), 800)!).Rungs);
        Assert.Equal(90, PrunerCatalog.CreatePromotion("asha", Options(("mode", "promote"), ("min_resource", 10L), ("reduction_factor", 3L), ("max_resource", 90L)), 270)!.MaxResource);
    }

    [Fact]
    public void CreatePromotion_HyperbandInPromoteMode_BuildsItsBrackets()
    {
        var schedule = Assert.IsType<HyperbandPromotion>(
            PrunerCatalog.CreatePromotion("hyperband", Options(("mode", "promote"), ("min_resource", 30L), ("max_resource", 270L)), fullRunSteps: null));

        Assert.Equal([[30L, 90L], [90L], []], schedule.Brackets.Select(b => b.Rungs.ToArray()));
    }

    [Fact]
    public void CreatePromotion_FullRunUnknown_NamesMaxResource()
    {
        var e = Assert.Throws<AlgorithmOptionException>(() => PrunerCatalog.CreatePromotion("asha", Options(("mode", "promote")), fullRunSteps: null));

        Assert.Equal("max_resource", Assert.Single(e.Errors).Option);
    }

    [Fact]
    public void Validate_ModeAndPromoteOnlyOptions_AreChecked()
    {
        Assert.Contains("must be one of stop, promote", Assert.Single(PrunerCatalog.Validate("asha", Options(("mode", "pause")))).Message, StringComparison.Ordinal);
        Assert.Contains("mode: promote only", Assert.Single(PrunerCatalog.Validate("asha", Options(("max_resource", 100L)))).Message, StringComparison.Ordinal);
        Assert.Empty(PrunerCatalog.Validate("hyperband", Options(("mode", "promote"), ("max_resource", 100L))));
    }

    [Fact]
    public void Validate_PercentileWithoutPercentile_SaysItIsRequired() =>
        Assert.Contains("'percentile' is required", Assert.Single(PrunerCatalog.Validate("percentile")).Message, StringComparison.Ordinal);

    [Fact]
    public void Validate_ThresholdWithoutBounds_IsAnError() =>
        Assert.Equal("threshold pruner: give lower, upper or both", Assert.Single(PrunerCatalog.Validate("threshold")).Message);

    [Fact]
    public void Create_PatientWithNestedPruner_WrapsIt()
    {
        var pruner = PrunerCatalog.Create("patient", Options(("patience", 2L), ("pruner", new Dictionary<string, object> { ["kind"] = "threshold", ["upper"] = 0.5 })));
        var view = new StudySnapshot(StudyDirection.Minimize, Spaces.Mixed(), []);
        var stalled = new FrozenTrial(0, 0, TrialState.Running, null, new Dictionary<string, object>(), new Dictionary<string, Distribution>(),
            new Dictionary<long, double> { [0] = 1.0, [1] = 0.9, [2] = 0.95, [3] = 0.96, [4] = 0.97 });

        Assert.True(pruner.ShouldPrune(view, stalled));
        Assert.False(PrunerCatalog.Create("patient", Options(("patience", 2L)), wrapped: new NopPruner()).ShouldPrune(view, stalled));
    }

    [Fact]
    public void Validate_PatientWithBadNestedPruner_NamesTheNestedProblem()
    {
        var errors = PrunerCatalog.Validate("patient", Options(("patience", 2L), ("pruner", new Dictionary<string, object> { ["kind"] = "medain" })));

        var error = Assert.Single(errors);
        Assert.Equal("pruner", error.Option);
        Assert.Contains("did you mean 'median'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownOptionOnOptionlessKind_SaysItTakesNone() =>
        Assert.Contains("nop takes no options", Assert.Single(PrunerCatalog.Validate("nop", Options(("patience", 1L)))).Message, StringComparison.Ordinal);

    [Fact]
    public void Kinds_PublishedDefaults_MatchTheOptionsRecords()
    {
        var records = new Dictionary<string, object>
        {
            ["median"] = new MedianPrunerOptions(),
            ["percentile"] = new PercentilePrunerOptions(),
            ["asha"] = new SuccessiveHalvingPrunerOptions(),
            ["hyperband"] = new HyperbandPrunerOptions(),
            ["threshold"] = new ThresholdPrunerOptions(),
            ["patient"] = new PatientPrunerOptions(),
        };
        foreach (var (kind, record) in records)
        {
            // mode and asha's max_resource configure the promotion schedule, not the stopping pruner's record.
            foreach (var option in PrunerCatalog.Find(kind)!.Options.Where(o => !o.Required && o.Type != OptionType.Pruner
                                                                                 && o.Name != "mode" && !(kind == "asha" && o.Name == "max_resource")))
                CatalogAssert.DefaultMatches(kind, option, record, []);
        }
    }
}

internal static class CatalogAssert
{
    /// <summary>Finds the record property for a snake_case option (n_ei_candidates → NEiCandidates) and compares defaults.</summary>
    public static void DefaultMatches(string kind, OptionSpec option, object record, Dictionary<string, string> renamed)
    {
        var wanted = renamed.TryGetValue(option.Name, out var r) ? r : option.Name.Replace("_", "", StringComparison.Ordinal);
        var property = record.GetType().GetProperties().SingleOrDefault(p => string.Equals(p.Name, wanted, StringComparison.OrdinalIgnoreCase));
        Assert.True(property is not null, $"{kind}.{option.Name}: no property {wanted} on {record.GetType().Name}");
        var actual = property!.GetValue(record);
        var expected = option.Default is "auto" ? null : option.Default;
        var same = (expected, actual) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            (string s, Enum e) => string.Equals(s, e.ToString(), StringComparison.OrdinalIgnoreCase),
            (bool a, bool b) => a == b,
            _ => Convert.ToDouble(expected, CultureInfo.InvariantCulture) == Convert.ToDouble(actual, CultureInfo.InvariantCulture),
        };
        Assert.True(same, $"{kind}.{option.Name}: catalog says {expected ?? "null"}, {record.GetType().Name}.{property.Name} is {actual ?? "null"}");
    }
}
