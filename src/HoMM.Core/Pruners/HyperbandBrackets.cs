using HoMM.Core.Numerics;

namespace HoMM.Core.Pruners;

/// <summary>
/// Hyperband's brackets, shared by the stopping pruner and the promoting schedule so a trial lands
/// in the same bracket under either: how many there are, how many trials each starts, and which
/// bracket a trial number belongs to.
/// </summary>
internal static class HyperbandBrackets
{
    /// <summary>Brackets between <paramref name="minResource"/> and <paramref name="maxResource"/>: ⌊log_η(max/min)⌋ + 1, at least 1.</summary>
    public static int Count(long minResource, long maxResource, int reductionFactor) =>
        Math.Max(1, (int)Math.Floor(Math.Log((double)maxResource / minResource) / Math.Log(reductionFactor) + 1e-9) + 1);

    /// <summary>Trials each bracket starts, most aggressive first: bracket s starts ⌈B·η^s/(s+1)⌉ (Hyperband's budget split).</summary>
    public static long[] Budgets(int count, int reductionFactor)
    {
        var budgets = new long[count];
        for (var i = 0; i < count; i++)
        {
            var s = count - 1 - i;
            budgets[i] = (long)Math.Ceiling(count * Math.Pow(reductionFactor, s) / (s + 1));
        }
        return budgets;
    }

    /// <summary>The bracket of a trial number: a hash of the number, weighted by the brackets' budgets.</summary>
    public static int BracketOf(long[] budgets, int trialNumber)
    {
        var total = 0L;
        foreach (var b in budgets)
            total += b;
        var n = (long)(Rng.Mix(0x48797065726241, trialNumber) % (ulong)total);
        for (var i = 0; i < budgets.Length; i++)
        {
            n -= budgets[i];
            if (n < 0)
                return i;
        }
        return budgets.Length - 1;
    }
}
