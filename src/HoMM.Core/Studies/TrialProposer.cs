using System.Collections.Immutable;
using System.Globalization;
using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Studies;

/// <summary>How <see cref="TrialProposer"/> tries.</summary>
public sealed record ProposalOptions
{
    /// <summary>
    /// How many proposals one call may try before it gives up on the constraints (and how many it
    /// spends steering away from duplicates of unfinished trials, after which a duplicate is accepted).
    /// </summary>
    public int MaxProposalAttempts { get; init; } = 100;

    /// <summary>
    /// Propose again when a proposal equals the parameters of a trial that is waiting or running,
    /// so parallel workers do not train the same configuration twice.
    /// </summary>
    public bool AvoidDuplicatesOfRunningTrials { get; init; } = true;
}

/// <summary>
/// Chooses the parameters of a trial: those it already has (enqueued, fixed) are kept, every other
/// active one comes from the sampler (its joint proposal first, then per-parameter fallback), and
/// the whole set must pass the study's <see cref="TrialRules"/>. Works on any
/// <see cref="IStudyView"/> — the in-memory <see cref="Study"/> or a snapshot of stored trials a
/// dispatcher holds — so nothing has to be rebuilt to propose.
/// </summary>
public sealed class TrialProposer
{
    private const int MaxDuplicateRetries = 20;

    private readonly TrialRules _rules;
    private readonly ISampler _sampler;
    private readonly ProposalOptions _options;

    public TrialProposer(TrialRules rules, ISampler sampler, ProposalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(sampler);
        _options = options ?? new ProposalOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxProposalAttempts, 1, nameof(options));
        _rules = rules;
        _sampler = sampler;
    }

    public TrialRules Rules => _rules;

    public ISampler Sampler => _sampler;

    /// <summary>
    /// Every active parameter of <paramref name="pending"/> (external values): its own
    /// <see cref="FrozenTrial.Params"/> as they are, the rest sampled from <paramref name="study"/>'s
    /// trials. <paramref name="pending"/> is not expected in <paramref name="study"/>'s list of unfinished trials
    /// (it may be there; it is never its own duplicate).
    /// </summary>
    /// <exception cref="NoFeasibleProposalException">No proposal passed the rules; the message says why.</exception>
    /// <exception cref="SearchSpaceExhaustedException">The sampler has no new point left (grid).</exception>
    public IReadOnlyDictionary<string, object> Propose(IStudyView study, FrozenTrial pending)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(pending);
        if (_rules.KnownObjectives.Any(k => k is not null) && study.KnownObjectives.Count == 0)
            study = new KnownObjectivesView(study, _rules.KnownObjectives);
        var space = _rules.SearchSpace;
        var fixedInternal = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in pending.Params)
            fixedInternal[name] = pending.Distributions[name].ToInternal(value);

        var needsSampler = NeedsSampler(space, fixedInternal);
        Dictionary<string, object>? duplicate = null;
        string? lastReason = null;
        var infeasible = 0;
        var duplicates = 0;
        for (var attempt = 0; attempt < _options.MaxProposalAttempts; attempt++)
        {
            var chosen = ProposeOnce(study, space, pending, fixedInternal, needsSampler);
            if (_rules.WhyInfeasible(chosen) is { } why)
            {
                infeasible++;
                lastReason = why;
                if (!needsSampler)
                    break;
                continue;
            }
            if (needsSampler && _options.AvoidDuplicatesOfRunningTrials && duplicates < MaxDuplicateRetries
                && DuplicatesUnfinished(study, chosen, pending.Number))
            {
                // A tiny space may have no free point while trials run: give up on uniqueness
                // after a few retries rather than spending every attempt on it.
                duplicates++;
                duplicate ??= chosen;
                continue;
            }
            return chosen;
        }
        if (duplicate is not null)
            return duplicate;
        throw new NoFeasibleProposalException(
            !needsSampler
                ? $"trial {pending.Number.ToString(CultureInfo.InvariantCulture)} fixes every parameter, and they may not run: {lastReason}"
                : pending.Params.Count > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"trial {pending.Number} fixes {string.Join(", ", pending.Params.Keys)}, and none of {infeasible} completions by the sampler passed the rules (the last one {lastReason}); change the fixed values")
                    : string.Create(CultureInfo.InvariantCulture, $"trial {pending.Number}: none of {infeasible} proposals passed the rules (the last one {lastReason}); they exclude (almost) the whole search space. Loosen the constraints or narrow the search space to where they hold."));
    }

    /// <summary>The study as the sampler sees it, with the objectives the rules know from the parameters.</summary>
    private sealed class KnownObjectivesView(IStudyView study, IReadOnlyList<KnownObjective?> known) : IStudyView
    {
        public StudyDirection Direction => study.Direction;

        public IReadOnlyList<StudyDirection> Directions => study.Directions;

        public SearchSpaceDefinition SearchSpace => study.SearchSpace;

        public IReadOnlyList<FrozenTrial> Trials => study.Trials;

        public IReadOnlyList<KnownObjective?> KnownObjectives => known;
    }

    private Dictionary<string, object> ProposeOnce(IStudyView study, SearchSpaceDefinition space, FrozenTrial pending,
        Dictionary<string, double> fixedInternal, bool needsSampler)
    {
        var chosen = new Dictionary<string, object>(space.Parameters.Count, StringComparer.Ordinal);
        var relative = needsSampler
            ? _sampler.SampleRelative(study, pending)
            : ImmutableDictionary<string, double>.Empty;
        foreach (var p in space.Parameters)
        {
            if (!space.IsActive(p, chosen))
                continue;
            double value;
            if (fixedInternal.TryGetValue(p.Name, out var f))
            {
                value = f;
            }
            else if (p.Distribution.IsSingle)
            {
                value = UnitMapping.FromUnit(p.Distribution, 0);
            }
            else if (relative.TryGetValue(p.Name, out var r) && p.Distribution.Contains(r))
            {
                value = r;
            }
            else
            {
                var soFar = pending with { Params = new Dictionary<string, object>(chosen, StringComparer.Ordinal), Distributions = DistributionsOf(space, chosen) };
                value = _sampler.SampleIndependent(study, soFar, p);
                if (!p.Distribution.Contains(value))
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"{_sampler.GetType().Name} proposed {value} for '{p.Name}', which is outside {p.Distribution}; this is a bug in the sampler"));
                }
            }
            chosen[p.Name] = p.Distribution.ToExternal(value);
        }
        return chosen;
    }

    /// <summary>The distribution of each chosen parameter.</summary>
    public static Dictionary<string, Distribution> DistributionsOf(SearchSpaceDefinition space, IReadOnlyDictionary<string, object> chosen)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(chosen);
        var result = new Dictionary<string, Distribution>(chosen.Count, StringComparer.Ordinal);
        foreach (var name in chosen.Keys)
            result[name] = space.Find(name)!.Distribution;
        return result;
    }

    /// <summary>False when the fixed values already decide every active parameter.</summary>
    private static bool NeedsSampler(SearchSpaceDefinition space, Dictionary<string, double> fixedInternal)
    {
        var chosen = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var p in space.Parameters)
        {
            if (!space.IsActive(p, chosen))
                continue;
            if (fixedInternal.TryGetValue(p.Name, out var v))
                chosen[p.Name] = p.Distribution.ToExternal(v);
            else if (!p.Distribution.IsSingle)
                return true;
            else
                chosen[p.Name] = p.Distribution.ToExternal(UnitMapping.FromUnit(p.Distribution, 0));
        }
        return false;
    }

    private static bool DuplicatesUnfinished(IStudyView study, Dictionary<string, object> chosen, int self)
    {
        foreach (var trial in study.Trials)
        {
            if (trial.Number == self || trial.State.IsFinished())
                continue;
            var other = trial.Params;
            if (other.Count != chosen.Count)
                continue;
            var same = true;
            foreach (var (name, value) in chosen)
            {
                if (!other.TryGetValue(name, out var o) || !Condition.ValuesEqual(o, value))
                {
                    same = false;
                    break;
                }
            }
            if (same)
                return true;
        }
        return false;
    }
}
