using HoMM.Core.Samplers;
using HoMM.Core.Samplers.Grid;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Samplers;

public class GridSamplerTests
{
    private static SearchSpaceDefinition TreeSpace() => Spaces.Of(
        new ParameterSpec("order", new IntDistribution(1, 2)),
        new ParameterSpec("pool", new CategoricalDistribution(["cls", "mean"])),
        new ParameterSpec("dropout", new FloatDistribution(0, 0.5, step: 0.1), new Condition("pool", ["cls"])));

    [Fact]
    public void GridSize_ConditionalSpace_CountsTreeNotProduct()
    {
        // order × (cls × 6 dropouts + mean) = 2 × 7; a product would give 2 × 2 × 6 = 24.
        Assert.Equal(14, new GridSampler().GridSize(TreeSpace()));
    }

    [Fact]
    public void Ask_UntilExhausted_VisitsEveryPointOnceThenSaysSo()
    {
        var sampler = new GridSampler(new GridSamplerOptions { Seed = 5 });
        var study = new Study(TreeSpace(), StudyDirection.Minimize, sampler);

        var keys = new HashSet<string>();
        for (var i = 0; i < 14; i++)
        {
            var t = study.Ask();
            Assert.True(keys.Add(string.Join(",", t.Params.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))));
            if (i % 2 == 0)
                study.Tell(t.Number, i);
        }

        Assert.True(sampler.IsExhausted(study.Snapshot()));
        var e = Assert.Throws<SearchSpaceExhaustedException>(study.Ask);
        Assert.Contains("all 14 grid points", e.Message, StringComparison.Ordinal);
        Assert.Contains("dropout=0.3", string.Join(" ", keys), StringComparison.Ordinal);
    }

    [Fact]
    public void Ask_EnqueuedPoint_IsNotProposedAgain()
    {
        var space = Spaces.Of(new ParameterSpec("a", new IntDistribution(0, 3)));
        var study = new Study(space, StudyDirection.Minimize, new GridSampler(new GridSamplerOptions { Seed = 1 }));
        study.Enqueue(new Dictionary<string, object> { ["a"] = 2 });

        var values = Enumerable.Range(0, 4).Select(_ => (long)study.Ask().Params["a"]).ToList();

        Assert.Equal(2, values[0]);
        Assert.Equal([0L, 1L, 2L, 3L], values.Order());
    }

    [Fact]
    public void Ask_GivenValues_UsesThemForListedParameters()
    {
        var space = Spaces.Of(
            new ParameterSpec("lr", new FloatDistribution(1e-5, 1, log: true)),
            new ParameterSpec("flag", new CategoricalDistribution([true, false])));
        var options = new GridSamplerOptions
        {
            SearchSpace = new Dictionary<string, IReadOnlyList<object>> { ["lr"] = [1e-3, 1e-2, 1e-1] },
        };
        var study = new Study(space, StudyDirection.Minimize, new GridSampler(options));

        var lrs = Enumerable.Range(0, 6).Select(_ => (double)study.Ask().Params["lr"]).ToList();

        Assert.Equal([1e-3, 1e-3, 1e-2, 1e-2, 1e-1, 1e-1], lrs.Order());
    }

    [Fact]
    public void GridSize_ContinuousParameterNotListed_ExplainsWhatToDo()
    {
        var space = Spaces.Of(new ParameterSpec("lr", new FloatDistribution(1e-5, 1, log: true)));

        var e = Assert.Throws<ArgumentException>(() => new GridSampler().GridSize(space));

        Assert.Contains("'lr'", e.Message, StringComparison.Ordinal);
        Assert.Contains("give it a step, or list its values", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lr", 5.0, "value 5 listed for 'lr' is not in")]
    [InlineData("lrr", 0.1, "did you mean 'lr'")]
    public void GridSize_BadListedValues_Throws(string name, double value, string expected)
    {
        var space = Spaces.Of(new ParameterSpec("lr", new FloatDistribution(1e-5, 1, log: true)));
        var options = new GridSamplerOptions { SearchSpace = new Dictionary<string, IReadOnlyList<object>> { [name] = [value] } };

        var e = Assert.Throws<ArgumentException>(() => new GridSampler(options).GridSize(space));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GridSize_TooManyPoints_Refused()
    {
        var space = Spaces.Of(
            new ParameterSpec("a", new IntDistribution(0, 999)),
            new ParameterSpec("b", new IntDistribution(0, 999)));

        var e = Assert.Throws<ArgumentException>(() => new GridSampler(new GridSamplerOptions { MaxGridPoints = 10_000 }).GridSize(space));

        Assert.Contains("more than 10000 points", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ask_ParallelWithoutTells_NeverRepeatsAPoint()
    {
        var space = Spaces.Of(new ParameterSpec("a", new IntDistribution(0, 9)), new ParameterSpec("b", new CategoricalDistribution(["x", "y"])));
        var study = new Study(space, StudyDirection.Minimize, new GridSampler(), options: new StudyOptions { Proposal = new ProposalOptions { AvoidDuplicatesOfRunningTrials = false } });

        var points = Enumerable.Range(0, 20).Select(_ => study.Ask()).Select(t => $"{t.Params["a"]}{t.Params["b"]}").ToList();

        Assert.Equal(20, points.Distinct().Count());
    }
}
