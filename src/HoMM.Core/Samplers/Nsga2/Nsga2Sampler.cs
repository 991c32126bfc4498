using HoMM.Core.MultiObjective;
using HoMM.Core.Numerics;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Samplers.Nsga2;

/// <summary>
/// NSGA-II (Deb et al. 2002) as an ask/tell sampler. Trial numbers cut the study into generations
/// of <see cref="Nsga2SamplerOptions.PopulationSize"/>; generation 0 is random. A trial of
/// generation g breeds from the elite of every ranked trial numbered before g's first: the best
/// fronts in full, the last one cut by crowding distance. Parents come from binary tournaments
/// (lower front rank, then larger crowding distance), children from uniform crossover, and
/// mutation redraws a parameter at random.
/// </summary>
/// <remarks>
/// Choosing from all earlier generations rather than the last one plus its parents gives the
/// same elitism while depending only on the stored trials, so any process can propose the next
/// trial after a restart. Constraints are hard in HoMM Search: a child that breaks one is never
/// trained; the study asks again and the next proposal draws new parents, crossover and
/// mutation, so the population holds feasible trials only. Failed and pruned trials (no full
/// objective vector) do not breed. The elite is computed once per generation and history, so an
/// ask costs O(population) after the first of a generation.
/// </remarks>
public sealed class Nsga2Sampler : ISampler
{
    private readonly TrialRandom _random;
    private Elite? _elite;

    public Nsga2Sampler(Nsga2SamplerOptions? options = null)
    {
        Options = options ?? new Nsga2SamplerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.PopulationSize, 2, nameof(options));
        if (Options.MutationProb is { } m && !(m >= 0 && m <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), m, "NSGA-II: mutation_prob must be in [0, 1]");
        if (!(Options.CrossoverProb >= 0 && Options.CrossoverProb <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), Options.CrossoverProb, "NSGA-II: crossover_prob must be in [0, 1]");
        if (!(Options.SwappingProb >= 0 && Options.SwappingProb <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), Options.SwappingProb, "NSGA-II: swapping_prob must be in [0, 1]");
        _random = new TrialRandom(Options.Seed);
    }

    public Nsga2SamplerOptions Options { get; }

    public int Seed => _random.Seed;

    public IReadOnlyDictionary<string, double> SampleRelative(IStudyView study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        var rng = _random.BeginProposal(trial.Number);
        var generation = trial.Number / Options.PopulationSize;
        if (generation == 0)
            return EmptyProposal.Instance;
        var elite = EliteOf(study, generation);
        if (elite.Members.Length < 2)
            return EmptyProposal.Instance;

        var first = Tournament(elite, rng);
        var second = Tournament(elite, rng);
        for (var retry = 0; retry < 4 && second == first; retry++)
            second = Tournament(elite, rng);
        var a = elite.Members[first];
        var b = elite.Members[second];

        var modelled = study.SearchSpace.Parameters.Where(p => !p.Distribution.IsSingle).ToList();
        var mutation = Options.MutationProb ?? (modelled.Count == 0 ? 0 : 1.0 / modelled.Count);
        var cross = rng.NextDouble() < Options.CrossoverProb;
        var child = new Dictionary<string, double>(modelled.Count, StringComparer.Ordinal);
        foreach (var p in modelled)
        {
            var fromB = cross && rng.NextDouble() < Options.SwappingProb;
            var donor = fromB ? b : a;
            if (!donor.Params.ContainsKey(p.Name))
                donor = fromB ? a : b; // conditional parameter only one parent has
            var mutate = rng.NextDouble() < mutation;
            if (mutate || !donor.Params.TryGetValue(p.Name, out var value) || !donor.Distributions.TryGetValue(p.Name, out var d))
                continue; // left to SampleIndependent: a random draw
            child[p.Name] = d.ToInternal(value);
        }
        return child;
    }

    public double SampleIndependent(IStudyView study, FrozenTrial trial, ParameterSpec parameter)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(parameter);
        return UnitMapping.FromUnit(parameter.Distribution, _random.Current(trial.Number).NextDouble());
    }

    /// <summary>Binary tournament: the lower front rank wins, then the larger crowding distance, then the lower index.</summary>
    private static int Tournament(Elite elite, Rng rng)
    {
        var i = rng.NextInt(elite.Members.Length);
        var j = rng.NextInt(elite.Members.Length);
        if (elite.Ranks[i] != elite.Ranks[j])
            return elite.Ranks[i] < elite.Ranks[j] ? i : j;
        if (elite.Crowding[i] != elite.Crowding[j])
            return elite.Crowding[i] > elite.Crowding[j] ? i : j;
        return Math.Min(i, j);
    }

    private Elite EliteOf(IStudyView study, int generation)
    {
        var limit = generation * Options.PopulationSize;
        var pool = study.Trials.Where(t => t.Number < limit && ParetoFrontRule.IsRanked(t, study.Directions.Count)).ToList();
        if (_elite is { } cached && cached.Generation == generation && cached.PoolSize == pool.Count && cached.Directions.SequenceEqual(study.Directions))
            return cached;
        _elite = Select(pool, study.Directions, generation);
        return _elite;
    }

    /// <summary>The best <see cref="Nsga2SamplerOptions.PopulationSize"/> of the pool by front, the last front cut by crowding distance.</summary>
    private Elite Select(List<FrozenTrial> pool, IReadOnlyList<StudyDirection> directions, int generation)
    {
        var losses = pool.Select(t => Pareto.ToLoss(t.ObjectiveValues!, directions)).ToArray();
        var ranks = Pareto.Ranks(losses);
        var members = new List<FrozenTrial>();
        var memberRanks = new List<int>();
        var crowding = new List<double>();
        var maxRank = ranks.Length == 0 ? -1 : ranks.Max();
        for (var r = 0; r <= maxRank && members.Count < Options.PopulationSize; r++)
        {
            var front = Enumerable.Range(0, pool.Count).Where(i => ranks[i] == r).ToArray();
            var distance = Pareto.CrowdingDistance([.. front.Select(i => losses[i])]);
            var order = Enumerable.Range(0, front.Length).ToArray();
            if (members.Count + front.Length > Options.PopulationSize)
            {
                // Most isolated first; ties by trial number so the cut is the same in every process.
                Array.Sort(order, (x, y) =>
                {
                    var c = distance[y].CompareTo(distance[x]);
                    return c != 0 ? c : pool[front[x]].Number.CompareTo(pool[front[y]].Number);
                });
            }
            foreach (var k in order)
            {
                if (members.Count == Options.PopulationSize)
                    break;
                members.Add(pool[front[k]]);
                memberRanks.Add(r);
                crowding.Add(distance[k]);
            }
        }
        return new Elite(generation, pool.Count, directions, [.. members], [.. memberRanks], [.. crowding]);
    }

    private sealed record Elite(int Generation, int PoolSize, IReadOnlyList<StudyDirection> Directions, FrozenTrial[] Members, int[] Ranks, double[] Crowding);
}
