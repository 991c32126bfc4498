using HoMM.Core.Samplers;

namespace HoMM.Core.Pruners;

/// <summary>
/// Hyperband with promotion: each trial belongs to one bracket (the same bracket as under
/// <see cref="HyperbandPruner"/>), and each bracket is a promotion-based successive halving
/// (<see cref="AshaPromotion"/>) whose first rung is η times further than the previous bracket's;
/// the last bracket has no rung (its trials run in full). A free slot takes the promotion at the
/// highest rung step of any bracket (the most trained trial first, as ASHA does within a bracket;
/// ties to the lower bracket, then the lower trial number), else a new trial.
/// </summary>
public sealed class HyperbandPromotion : IPromotionSchedule
{
    private readonly long[] _budgets;

    /// <param name="minResource">Step of the first rung of the most aggressive bracket.</param>
    /// <param name="reductionFactor">η.</param>
    /// <param name="maxResource">Steps of a full trial.</param>
    public HyperbandPromotion(long minResource, int reductionFactor, long maxResource)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minResource, 1L);
        ArgumentOutOfRangeException.ThrowIfLessThan(reductionFactor, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResource, minResource);
        var count = HyperbandBrackets.Count(minResource, maxResource, reductionFactor);
        _budgets = HyperbandBrackets.Budgets(count, reductionFactor);
        Brackets = [.. Enumerable.Range(0, count).Select(i => new AshaPromotion(minResource, reductionFactor, i, maxResource))];
        MaxResource = maxResource;
    }

    /// <summary>The brackets, most aggressive first.</summary>
    public IReadOnlyList<AshaPromotion> Brackets { get; }

    public long MaxResource { get; }

    /// <summary>The bracket trial <paramref name="trialNumber"/> belongs to.</summary>
    public int BracketOf(int trialNumber) => HyperbandBrackets.BracketOf(_budgets, trialNumber);

    public long NextStop(int trialNumber, long step) => Brackets[BracketOf(trialNumber)].NextStop(step);

    public Promotion? Next(IStudyView study, IReadOnlySet<int> paused)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(paused);
        (Promotion Promotion, long Step)? best = null;
        for (var b = 0; b < Brackets.Count; b++)
        {
            var bracket = Brackets[b];
            if (bracket.Rungs.Count == 0 || bracket.Next(new BracketView(study, BracketOf, b), paused) is not { } p)
                continue;
            var step = bracket.Rungs[p.FromRung];
            if (best is null || step > best.Value.Step)
                best = (p, step);
        }
        return best?.Promotion;
    }
}
