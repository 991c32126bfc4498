using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Pruners;

/// <summary>Options of <see cref="HyperbandPruner"/>; defaults are Optuna's.</summary>
public sealed record HyperbandPrunerOptions
{
    /// <summary>Steps before the first rung of the most aggressive bracket.</summary>
    public long MinResource { get; init; } = 1;

    /// <summary>Steps of a full trial. Null ("auto"): the last step of the longest completed trial, plus one.</summary>
    public long? MaxResource { get; init; }

    public int ReductionFactor { get; init; } = 3;

    public int BootstrapCount { get; init; }
}

/// <summary>
/// Hyperband: several successive-halving brackets, from aggressive (first rung at min_resource)
/// to lenient (first rung near max_resource), hedging against a wrong guess of how early a
/// trial's value predicts its final one. Each trial belongs to one bracket, chosen from a hash of
/// its number with bracket sizes as in Hyperband's budget split, and competes only with trials of
/// the same bracket.
/// </summary>
public sealed class HyperbandPruner : IPruner
{
    private SuccessiveHalvingPruner[] _brackets = [];
    private long[] _budgets = [];

    public HyperbandPruner(HyperbandPrunerOptions? options = null)
    {
        Options = options ?? new HyperbandPrunerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MinResource, 1L, nameof(options));
        if (Options.MaxResource is { } max)
            ArgumentOutOfRangeException.ThrowIfLessThan(max, Options.MinResource, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.ReductionFactor, 2, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(Options.BootstrapCount, nameof(options));
    }

    public HyperbandPrunerOptions Options { get; }

    /// <summary>Number of brackets, or 0 while max_resource is still unknown ("auto" before any trial completed).</summary>
    public int BracketCount => _brackets.Length;

    public bool ShouldPrune(IStudyView study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        if (_brackets.Length == 0 && !TryInitialize(study))
            return false;
        var bracket = BracketOf(trial.Number);
        return _brackets[bracket].ShouldPrune(new BracketView(study, BracketOf, bracket), trial);
    }

    /// <summary>The bracket a trial number belongs to (brackets must be initialised).</summary>
    public int BracketOf(int trialNumber)
    {
        if (_brackets.Length == 0)
            throw new InvalidOperationException("the brackets are not known until max_resource is (set it, or let a trial complete)");
        return HyperbandBrackets.BracketOf(_budgets, trialNumber);
    }

    private bool TryInitialize(IStudyView study)
    {
        var max = Options.MaxResource;
        if (max is null)
        {
            foreach (var t in study.Trials)
            {
                if (t.State == TrialState.Complete && t.LastStep is { } last)
                    max = Math.Max(max ?? 0, last + 1);
            }
            if (max is null)
                return false;
        }
        var eta = Options.ReductionFactor;
        var count = HyperbandBrackets.Count(Options.MinResource, max.Value, eta);
        var budgets = HyperbandBrackets.Budgets(count, eta);
        var brackets = new SuccessiveHalvingPruner[count];
        for (var i = 0; i < count; i++)
        {
            brackets[i] = new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions
            {
                MinResource = Options.MinResource,
                ReductionFactor = eta,
                MinEarlyStoppingRate = i,
                BootstrapCount = Options.BootstrapCount,
            });
        }
        _budgets = budgets;
        _brackets = brackets;
        return true;
    }
}

/// <summary>The study as one bracket sees it: only the trials assigned to that bracket.</summary>
internal sealed class BracketView(IStudyView study, Func<int, int> bracketOf, int bracket) : IStudyView
{
    private IReadOnlyList<FrozenTrial>? _trials;

    public StudyDirection Direction => study.Direction;

    public SearchSpaceDefinition SearchSpace => study.SearchSpace;

    public IReadOnlyList<FrozenTrial> Trials => _trials ??= study.Trials.Where(t => bracketOf(t.Number) == bracket).ToArray();
}
