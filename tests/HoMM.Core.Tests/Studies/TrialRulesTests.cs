using System.Collections.Immutable;
using HoMM.Core.Constraints;
using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Studies;

public class TrialRulesTests
{
    private static TrialRules Rules(FeasibilityCheck? limits = null, params string[] constraints) =>
        new(Spaces.Mixed(), constraints.Select(ConstraintExpression.Parse), limits);

    private static Dictionary<string, object?> P(params (string Name, object? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    [Fact]
    public void Check_PartialSet_IsValidAndNotComplete()
    {
        var result = Rules().Check(P(("order", 2L), ("lr", 1e-3)));

        Assert.True(result.IsValid, result.Describe());
        Assert.False(result.IsComplete);
        Assert.Equal(2L, result.Values["order"]);
        Assert.IsType<IntDistribution>(result.Distributions["order"]);
    }

    [Fact]
    public void Check_EveryActiveParameter_IsComplete()
    {
        var result = Rules().Check(P(("lr", 1e-3), ("wd", 0), ("order", 3.0), ("pool", "mean")));

        Assert.True(result.IsComplete);
        Assert.Equal(0.0, result.Values["wd"]); // an int given for a float is stored as the float it is
        Assert.IsType<long>(result.Values["order"]);
    }

    [Theory]
    [InlineData("lr", "0.01", "lr: expected a number in float[1E-05, 0.1] log, found '0.01'")]
    [InlineData("lr", 5.0, "lr: 5.0 is not in float[1E-05, 0.1] log")]
    [InlineData("order", 2.5, "order: expected a whole number in int[1, 4], found 2.5")]
    [InlineData("order", true, "order: expected a whole number in int[1, 4], found true")]
    [InlineData("order", 9L, "order: 9 is not in int[1, 4]")]
    [InlineData("pool", "max", "pool: 'max' is not one of [cls, mean]")]
    [InlineData("lrr", 0.01, "lrr: not a parameter of the search space (did you mean 'lr'?); its parameters are lr, wd, order, pool, dropout")]
    [InlineData("dropout", 0.2, "dropout: depends on 'pool' (it applies only when pool is 'cls'): fix 'pool' too")]
    public void Check_BadValue_NamesTheParameterAndTheRule(string name, object value, string expected)
    {
        var result = Rules().Check(P((name, value)));

        Assert.False(result.IsValid);
        Assert.Equal(expected, Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void Check_InactiveConditionalParameter_SaysWhenItApplies()
    {
        var result = Rules().Check(P(("pool", "mean"), ("dropout", 0.2)));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("dropout", problem.Parameter);
        Assert.Equal("is not used when pool is 'mean': it applies only when pool is 'cls'; leave it out", problem.Message);
    }

    [Fact]
    public void Check_SeveralProblems_ReportsAllAtOnce()
    {
        var result = Rules().Check(P(("lr", 7.0), ("order", 0L), ("nope", 1)));

        Assert.Equal(["nope", "lr", "order"], result.Problems.Select(p => p.Parameter));
    }

    [Fact]
    public void Check_NullValue_CountsAsNotGiven()
    {
        var result = Rules().Check(P(("lr", null), ("order", 2L)));

        Assert.True(result.IsValid);
        Assert.False(result.Values.ContainsKey("lr"));
    }

    [Fact]
    public void Check_ConstraintDecidedByTheGivenValues_IsBrokenWithItsText()
    {
        var rules = Rules(null, "order * wd <= 0.5");

        var result = rules.Check(P(("order", 4L), ("wd", 0.25)));

        var problem = Assert.Single(result.Problems);
        Assert.Null(problem.Parameter);
        Assert.Equal("breaks the constraint 'order * wd <= 0.5' (order = 4, wd = 0.25)", problem.Message);
    }

    [Fact]
    public void Check_ConstraintReadingAParameterLeftToSample_IsLeftForTheSampler()
    {
        var result = Rules(null, "order * wd <= 0.5").Check(P(("order", 4L)));

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Check_ConstraintThatCannotBeComputed_IsAProblem()
    {
        var result = Rules(null, "log(wd) < 0").Check(P(("wd", 0.0)));

        Assert.Contains("the constraint 'log(wd) < 0' cannot be computed for wd = 0.0", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Limits_AskedOnlyOnceEveryActiveParameterIsKnown()
    {
        var asked = new List<IReadOnlyDictionary<string, object>>();
        var rules = Rules(p =>
        {
            asked.Add(p);
            return (long)p["order"] > 2 ? "the model has 9 M parameters, more than max_params (1 M)" : null;
        });

        Assert.True(rules.Check(P(("order", 4L))).IsValid);
        Assert.Empty(asked);
        var full = rules.Check(P(("lr", 1e-3), ("wd", 0.1), ("order", 4L), ("pool", "cls"), ("dropout", 0.1)));

        Assert.Equal("the model has 9 M parameters, more than max_params (1 M)", Assert.Single(full.Problems).Message);
        Assert.Equal(5, Assert.Single(asked).Count);
    }

    [Fact]
    public void Validate_Problems_ThrowsWithEveryProblem()
    {
        var e = Assert.Throws<TrialRejectedException>(() => Rules().Validate(P(("lr", 7.0), ("order", 0L))));

        Assert.Equal(2, e.Problems.Count);
        Assert.StartsWith("lr: 7.0 is not in", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WhyInfeasible_CompleteProposal_FirstBrokenRuleOrNull()
    {
        var rules = Rules(p => (string)p["pool"] == "cls" ? "no cls today" : null, "order <= 3");
        var ok = new Dictionary<string, object> { ["lr"] = 1e-3, ["wd"] = 0.1, ["order"] = 2L, ["pool"] = "mean" };

        Assert.Null(rules.WhyInfeasible(ok));
        Assert.StartsWith("breaks the constraint 'order <= 3'", rules.WhyInfeasible(new Dictionary<string, object>(ok) { ["order"] = 4L }), StringComparison.Ordinal);
        Assert.Equal("no cls today", rules.WhyInfeasible(new Dictionary<string, object>(ok) { ["pool"] = "cls", ["dropout"] = 0.0 }));
    }

    [Theory]
    [InlineData("lr", "1e-3", 1e-3)]
    [InlineData("order", "2", 2L)]
    [InlineData("pool", "cls", "cls")]
    public void Parse_Text_GivesAValueTheRulesAccept(string name, string text, object expected)
    {
        var d = Spaces.Mixed().Find(name)!.Distribution;

        var value = ParameterValues.Parse(d, text);

        Assert.True(ParameterValues.TryNormalize(d, value, out var normalized, out var problem), problem);
        Assert.Equal(expected, normalized);
    }

    [Fact]
    public void Parse_NumericChoiceByItsText_KeepsTheChoicesType()
    {
        var d = new CategoricalDistribution([1L, 2L, 4L]);

        Assert.Equal(2L, ParameterValues.Parse(d, "2"));
        Assert.True(ParameterValues.TryNormalize(d, ParameterValues.Parse(d, "2.0"), out var normalized, out _));
        Assert.Equal(2L, normalized);
    }

    [Fact]
    public void Propose_OnASnapshotOfStoredTrials_CompletesAPartialTrialWithoutAStudy()
    {
        var rules = Rules(null, "order * wd <= 0.5");
        var proposer = new TrialProposer(rules, new RandomSampler(seed: 5));
        var pending = Trial(3, TrialState.Waiting, new Dictionary<string, object> { ["order"] = 4L });
        var snapshot = new StudySnapshot(StudyDirection.Minimize, rules.SearchSpace, [pending]);

        for (var i = 0; i < 20; i++)
        {
            var chosen = proposer.Propose(snapshot, pending);
            Assert.Equal(4L, chosen["order"]);
            Assert.True((double)chosen["wd"] <= 0.125);
            Assert.Null(rules.WhyInfeasible(chosen));
        }
    }

    [Fact]
    public void Propose_FullyFixedTrialThatBreaksAConstraint_ThrowsWithTheReason()
    {
        var rules = Rules(null, "order <= 3");
        var proposer = new TrialProposer(rules, new RandomSampler(seed: 5));
        var pending = Trial(0, TrialState.Waiting, new Dictionary<string, object> { ["lr"] = 1e-3, ["wd"] = 0.1, ["order"] = 4L, ["pool"] = "mean" });

        var e = Assert.Throws<NoFeasibleProposalException>(() =>
            proposer.Propose(new StudySnapshot(StudyDirection.Minimize, rules.SearchSpace, [pending]), pending));

        Assert.Equal("trial 0 fixes every parameter, and they may not run: breaks the constraint 'order <= 3' (order = 4)", e.Message);
    }

    private static FrozenTrial Trial(int number, TrialState state, Dictionary<string, object> values) =>
        new(number, number, state, null, values, TrialProposer.DistributionsOf(Spaces.Mixed(), values), ImmutableSortedDictionary<long, double>.Empty);
}
