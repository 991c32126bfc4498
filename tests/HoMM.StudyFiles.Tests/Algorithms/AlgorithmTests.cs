namespace HoMM.StudyFiles.Tests.Algorithms;

public class AlgorithmTests
{
    private static StudyDefinition WithSampler(string sampler) => StudyYaml.ParseValid(StudyYaml.With("sampler:", "sampler: " + sampler));

    private static StudyDefinition WithPruner(string pruner) => StudyYaml.ParseValid(StudyYaml.With("pruner:", "pruner: " + pruner));

    [Fact]
    public void Sampler_OptionsAreTypedAndSeedIsSeparate()
    {
        var s = WithSampler("{kind: tpe, seed: 7, n_startup_trials: 10, n_ei_candidates: 24, multivariate: true, group: true, constant_liar: true, prior_weight: 1.5}").Sampler;

        Assert.Equal("tpe", s.Kind);
        Assert.Equal(7, s.Seed);
        Assert.Equal(10L, s.Options["n_startup_trials"]);
        Assert.Equal(24L, s.Options["n_ei_candidates"]);
        Assert.Equal(true, s.Options["multivariate"]);
        Assert.Equal(1.5, s.Options["prior_weight"]);
        Assert.False(s.Options.ContainsKey("seed"));
    }

    [Theory]
    [InlineData("{kind: random}")]
    [InlineData("{kind: sobol, scramble: true, seed: 1}")]
    [InlineData("{kind: cmaes, sigma0: 0.3, restart_strategy: ipop, popsize: 8, inc_popsize: 2, with_margin: true}")]
    [InlineData("{kind: gp, n_startup_trials: 5, deterministic_objective: false}")]
    public void Sampler_EveryKind_IsAccepted(string sampler) => Assert.NotNull(WithSampler(sampler));

    [Fact]
    public void Pruner_AliasIsCanonicalised()
    {
        var p = WithPruner("{kind: successive_halving, min_resource: 5, reduction_factor: 3}").Pruner;

        Assert.Equal("asha", p.Kind);
        Assert.Equal(5L, p.Options["min_resource"]);
    }

    [Fact]
    public void Pruner_PatientWrapsAnother()
    {
        var p = WithPruner("{kind: patient, patience: 3, min_delta: 0.001, pruner: {kind: percentile, percentile: 25, n_warmup_steps: 2}}").Pruner;

        Assert.Equal("patient", p.Kind);
        Assert.Equal(3L, p.Options["patience"]);
        Assert.Equal(new PrunerDefinitionView("percentile", 25.0), new PrunerDefinitionView(p.Wrapped!.Kind, p.Wrapped.Options["percentile"]));
    }

    private sealed record PrunerDefinitionView(string Kind, object Percentile);

    [Theory]
    [InlineData("{kind: nop}")]
    [InlineData("{kind: median, n_startup_trials: 5, n_warmup_steps: 10, interval_steps: 2, n_min_trials: 1}")]
    [InlineData("{kind: asha, min_resource: auto, reduction_factor: 4, min_early_stopping_rate: 0, bootstrap_count: 0}")]
    [InlineData("{kind: hyperband, min_resource: 1, max_resource: 81, reduction_factor: 3}")]
    [InlineData("{kind: hyperband, min_resource: 1, max_resource: auto}")]
    [InlineData("{kind: threshold, lower: 0.1}")]
    [InlineData("{kind: threshold, lower: 0.1, upper: 0.9, n_warmup_steps: 3}")]
    public void Pruner_EveryKind_IsAccepted(string pruner) => Assert.NotNull(WithPruner(pruner));

    [Theory]
    [InlineData("sampler: {kind: tpee}", "sampler.kind", "did you mean 'tpe'?")]
    [InlineData("sampler: {kind: bayes}", "sampler.kind", "Valid kinds: random")]
    [InlineData("sampler: {seed: 1}", "sampler.kind", "'kind' is missing")]
    [InlineData("sampler: tpe", "sampler", "{kind: tpe}")]
    [InlineData("sampler: {kind: tpe, n_startup: 5}", "sampler.n_startup", "did you mean 'n_startup_trials'?")]
    [InlineData("sampler: {kind: random, multivariate: true}", "sampler.multivariate", "option of the tpe sampler, not of random")]
    [InlineData("sampler: {kind: tpe, n_startup_trials: -1}", "sampler.n_startup_trials", "out of range")]
    [InlineData("sampler: {kind: tpe, n_ei_candidates: 0}", "sampler.n_ei_candidates", "from 1 to 100000")]
    [InlineData("sampler: {kind: tpe, multivariate: 1}", "sampler.multivariate", "expected true or false")]
    [InlineData("sampler: {kind: tpe, group: true}", "sampler.group", "needs multivariate: true")]
    [InlineData("sampler: {kind: tpe, seed: -3}", "sampler.seed", "out of range")]
    [InlineData("sampler: {kind: tpe, seed: 1.5}", "sampler.seed", "expected an integer")]
    [InlineData("sampler: {kind: tpe, seed: 4294967296}", "sampler.seed", "from 0 to 2147483647")]
    [InlineData("sampler: {kind: cmaes, inc_popsize: 0.5}", "sampler.inc_popsize", "≥ 1")]
    [InlineData("sampler: {kind: tpe, prior_weight: 0}", "sampler.prior_weight", "> 0")]
    [InlineData("sampler: {kind: cmaes, restart_strategy: lpop}", "sampler.restart_strategy", "none, ipop, bipop")]
    [InlineData("pruner: {kind: percentile}", "pruner.percentile", "'percentile' is missing")]
    [InlineData("pruner: {kind: percentile, percentile: 101}", "pruner.percentile", "≤ 100")]
    [InlineData("pruner: {kind: median, percentile: 50}", "pruner.percentile", "option of the percentile pruner")]
    [InlineData("pruner: {kind: asha, reduction_factor: 1}", "pruner.reduction_factor", "from 2 to 1000")]
    [InlineData("pruner: {kind: asha, min_resource: some}", "pruner.min_resource", "or auto")]
    [InlineData("pruner: {kind: hyperband, min_resource: 10, max_resource: 5}", "pruner.min_resource", "≤ max_resource")]
    [InlineData("pruner: {kind: threshold}", "pruner", "needs lower, upper or both")]
    [InlineData("pruner: {kind: threshold, lower: 0.9, upper: 0.1}", "pruner.lower", "≤ upper")]
    [InlineData("pruner: {kind: patient}", "pruner.patience", "'patience' is missing")]
    [InlineData("pruner: {kind: patient, patience: 2, pruner: {kind: medain}}", "pruner.pruner.kind", "did you mean 'median'?")]
    [InlineData("pruner: {kind: nop, n_warmup_steps: 3}", "pruner.n_warmup_steps", "it takes no options")]
    [InlineData("pruner: [median]", "pruner", "expected a mapping")]
    public void BadAlgorithm_IsLocatedAndExplained(string line, string path, string fragment)
    {
        var lineStart = line.StartsWith("sampler", StringComparison.Ordinal) ? "sampler:" : "pruner:";
        var error = StudyYaml.SingleError(StudyYaml.With(lineStart, line));

        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GridSampler_OverAContinuousRange_IsAnError()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("sampler:", "sampler: {kind: grid}"));

        Assert.Equal("search_space.lr", error.Path);
        Assert.Contains("finite set of values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GridSampler_TooManyPoints_IsAnError()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("sampler:", "sampler: {kind: grid, max_grid_points: 10}")
            .Replace("lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}", "lr: [1.0e-4, 1.0e-3, 1.0e-2]", StringComparison.Ordinal));

        Assert.Equal("sampler.kind", error.Path);
        Assert.Contains("the grid has 192 points, more than max_grid_points (10)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GridSampler_ValuesListedForAContinuousParameter_AreAccepted()
    {
        var s = WithSampler("{kind: grid, search_space: {lr: [1.0e-4, 1.0e-3]}}").Sampler;

        var lists = Assert.IsAssignableFrom<IReadOnlyDictionary<string, IReadOnlyList<object>>>(s.Options["search_space"]);
        Assert.Equal([1e-4, 1e-3], lists["lr"]);
    }

    [Theory]
    [InlineData("{kind: grid, search_space: {lrr: [1.0e-4]}}", "sampler.search_space.lrr", "did you mean 'lr'?")]
    [InlineData("{kind: grid, search_space: {lr: [1.0e-4, 5]}}", "sampler.search_space.lr[1]", "5 is not in the search space of 'lr'")]
    [InlineData("{kind: grid, search_space: {lr: []}}", "sampler.search_space.lr", "empty")]
    [InlineData("{kind: grid, search_space: {lr: 1.0e-4}}", "sampler.search_space.lr", "expected a list")]
    public void GridSampler_BadSearchSpaceOption_IsLocated(string sampler, string path, string fragment)
    {
        var errors = StudyYaml.Parse(StudyYaml.With("sampler:", "sampler: " + sampler)).Errors;

        Assert.Contains(errors, e => e.Path == path && e.Message.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryKindInCoresCatalogs_IsAcceptedWithItsDefaults()
    {
        foreach (var kind in HoMM.Core.Samplers.SamplerCatalog.Kinds.SelectMany(k => k.Names).Where(k => k != "grid"))
            Assert.Equal(HoMM.Core.Samplers.SamplerCatalog.Find(kind)!.Kind, WithSampler($"{{kind: {kind}}}").Sampler.Kind);
        foreach (var spec in HoMM.Core.Pruners.PrunerCatalog.Kinds)
        {
            var required = string.Concat(spec.Options.Where(o => o.Required).Select(o => $", {o.Name}: 1"));
            var extra = spec.Kind == "threshold" ? ", lower: 0.1" : "";
            Assert.Equal(spec.Kind, WithPruner($"{{kind: {spec.Kind}{required}{extra}}}").Pruner.Kind);
        }
    }

    [Fact]
    public void GridSampler_OverAFiniteSpace_IsAccepted() =>
        Assert.Equal("grid", StudyYaml.ParseValid(StudyYaml.With("sampler:", "sampler: {kind: grid}")
            .Replace("lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}", "lr: [1.0e-4, 1.0e-3, 1.0e-2]", StringComparison.Ordinal)).Sampler.Kind);
}
