using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HoMM.Core.Samplers;
using HoMM.Core.Samplers.Grid;
using HoMM.Core.Samplers.Nsga2;
using HoMM.Core.Samplers.Sobol;
using HoMM.Core.Samplers.Tpe;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Samplers;

/// <summary>A generated search space plus the seed the samplers get.</summary>
public sealed record SpaceCase(SearchSpaceDefinition Space, int Seed)
{
    public override string ToString() =>
        string.Join("; ", Space.Parameters.Select(p => $"{p.Name}: {p.Distribution}{(p.When is { } w ? $" when {w.Parent} in [{string.Join(",", w.Values)}]" : "")}"))
        + $" (seed {Seed})";
}

/// <summary>FsCheck generators of search spaces: every distribution shape, with conditional parameters.</summary>
public static class SpaceArbitraries
{
    private sealed record Draw(int Kind, int A, int Width, int Step, int Count, int Conditional);

    public static Arbitrary<SpaceCase> SpaceCases()
    {
        var draw =
            from kind in Gen.Choose(0, 5)
            from a in Gen.Choose(-1000, 1000)
            from width in Gen.Frequency((1, Gen.Constant(0)), (9, Gen.Choose(1, 1000)))
            from step in Gen.Choose(1, 7)
            from count in Gen.Choose(1, 5)
            from conditional in Gen.Choose(0, 2)
            select new Draw(kind, a, width, step, count, conditional);
        var gen =
            from draws in Gen.Choose(1, 6).SelectMany(n => draw.ArrayOf(n))
            from seed in Gen.Choose(0, 1_000_000)
            select new SpaceCase(Build(draws), seed);
        return gen.ToArbitrary();
    }

    private static SearchSpaceDefinition Build(Draw[] draws)
    {
        var parameters = new List<ParameterSpec>();
        for (var i = 0; i < draws.Length; i++)
        {
            var d = draws[i];
            var low = d.A / 10.0;
            Distribution distribution = d.Kind switch
            {
                0 => new FloatDistribution(low, low + d.Width / 10.0),
                1 => new FloatDistribution(Math.Pow(10, d.A / 300.0), Math.Pow(10, d.A / 300.0 + d.Width / 200.0), log: true),
                2 => new FloatDistribution(low, low + d.Width / 10.0, step: d.Step / 4.0),
                3 => new IntDistribution(d.A / 10, d.A / 10 + d.Width / 5, step: d.Step),
                4 => new IntDistribution(1 + Math.Abs(d.A) / 10, 1 + Math.Abs(d.A) / 10 + d.Width, log: true),
                _ => new CategoricalDistribution([.. Enumerable.Range(0, d.Count + 1).Select(Choice)]),
            };
            Condition? when = null;
            var parent = parameters.LastOrDefault(p => p.Distribution is CategoricalDistribution);
            if (d.Conditional == 0 && parent is not null)
            {
                var choices = ((CategoricalDistribution)parent.Distribution).Choices;
                when = new Condition(parent.Name, [.. choices.Take((choices.Count + 1) / 2)]);
            }
            parameters.Add(new ParameterSpec($"p{i}", distribution, when));
        }
        return new SearchSpaceDefinition(parameters);
    }

    private static object Choice(int i) => (i % 3) switch
    {
        0 => $"c{i}",
        1 => (long)i,
        _ => i % 2 == 0,
    };
}

/// <summary>Invariants every sampler keeps, whatever the search space.</summary>
[Properties(Arbitrary = [typeof(SpaceArbitraries)], MaxTest = 30)]
public class SamplerPropertyTests
{
    private static readonly string[] Kinds = ["random", "sobol", "grid", "tpe", "tpe-grouped", "nsga2"];

    internal static ISampler Create(string kind, int seed) => kind switch
    {
        "random" => new RandomSampler(seed),
        "sobol" => new SobolSampler(new SobolSamplerOptions { Seed = seed }),
        "grid" => new GridSampler(new GridSamplerOptions { Seed = seed }),
        "tpe" => new TpeSampler(new TpeSamplerOptions { Seed = seed, NStartupTrials = 5, ConstantLiar = true }),
        "tpe-grouped" => new TpeSampler(new TpeSamplerOptions { Seed = seed, NStartupTrials = 5, Multivariate = true, Group = true }),
        "nsga2" => new Nsga2Sampler(new Nsga2SamplerOptions { Seed = seed, PopulationSize = 8 }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Runs a study of <paramref name="n"/> trials with a deterministic objective; grid stops when exhausted.</summary>
    internal static List<FrozenTrial> Run(string kind, SpaceCase c, int n = 30)
    {
        var study = new Study(c.Space, StudyDirection.Minimize, Create(kind, c.Seed), options: new StudyOptions { Proposal = new ProposalOptions { MaxProposalAttempts = 3 } });
        for (var i = 0; i < n; i++)
        {
            FrozenTrial t;
            try
            {
                t = study.Ask();
            }
            catch (SearchSpaceExhaustedException)
            {
                break;
            }
            // Prune or fail some trials so samplers meet every state.
            if (i % 7 == 5)
            {
                study.Report(t.Number, 1, Objective(t));
                study.Tell(t.Number, TrialState.Pruned);
            }
            else if (i % 11 == 9)
            {
                study.Tell(t.Number, TrialState.Fail, reason: "test");
            }
            else
            {
                study.Tell(t.Number, Objective(t));
            }
        }
        return [.. study.Trials];
    }

    private static double Objective(FrozenTrial t) =>
        t.Params.Sum(p => p.Value switch
        {
            double d => Math.Sin(d),
            long l => Math.Cos(l),
            bool b => b ? 1 : 0,
            _ => p.Value.ToString()!.Length,
        });

    private static bool IsGridable(SearchSpaceDefinition space) =>
        space.Parameters.All(p => p.Distribution is CategoricalDistribution or IntDistribution { } || p.Distribution is FloatDistribution { Step: not null } || p.Distribution.IsSingle)
        && space.Parameters.Aggregate(1.0, (acc, p) => acc * Math.Min(1e6, p.Distribution switch
        {
            IntDistribution i => (i.High - i.Low) / i.Step + 1,
            FloatDistribution { Step: { } s } f => (f.High - f.Low) / s + 1,
            CategoricalDistribution c => c.Choices.Count,
            _ => 1,
        })) <= 5000;

    private static IEnumerable<string> ApplicableKinds(SpaceCase c) =>
        Kinds.Where(k => k != "grid" || IsGridable(c.Space));

    [Property]
    public bool EverySampledValue_LiesInItsDistribution(SpaceCase c) =>
        ApplicableKinds(c).All(kind => Run(kind, c).All(t => t.Params.All(p =>
        {
            var d = c.Space.Find(p.Key)!.Distribution;
            var ok = d.Contains(d.ToInternal(p.Value)) && p.Value.GetType() == d.ToExternal(d.ToInternal(p.Value)).GetType();
            return ok ? true : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{kind}: {p.Key} = {p.Value} not in {d}"));
        })));

    [Property]
    public bool ConditionalParameters_AppearExactlyWhenTheirConditionHolds(SpaceCase c) =>
        ApplicableKinds(c).All(kind => Run(kind, c).All(t =>
            c.Space.Parameters.All(p => t.Params.ContainsKey(p.Name) == (p.When is null || p.When.IsSatisfiedBy(t.Params)))));

    [Property]
    public bool SameSeed_GivesSameTrials(SpaceCase c) =>
        ApplicableKinds(c).All(kind =>
        {
            var a = Run(kind, c);
            var b = Run(kind, c);
            return a.Count == b.Count && a.Zip(b).All(pair =>
                pair.First.Params.Count == pair.Second.Params.Count
                && pair.First.Params.All(p => Equals(p.Value, pair.Second.Params[p.Key])));
        });
}
