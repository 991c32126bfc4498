using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Core.MultiObjective;

/// <summary>
/// How a waiting or running trial takes part in a multi-objective sampler's ranking when some
/// objectives are known from its parameters (<see cref="KnownObjective"/>): each known objective at
/// its exact value, each other at the worst loss among the finished trials (a constant lie that
/// never flatters it there). So a pending trial reaches the Pareto front only through what is
/// known: e.g. a model cheaper than every finished one is on the front whatever its accuracy will
/// be — as it will be once it completes — while one no cheaper than a finished trial is dominated.
/// </summary>
public static class PendingLosses
{
    /// <summary>True when at least one objective is known.</summary>
    public static bool AnyKnown(IReadOnlyList<KnownObjective?> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        return known.Any(k => k is not null);
    }

    /// <summary>The per-objective worst (largest) loss of <paramref name="losses"/>; null when there are none.</summary>
    public static double[]? Worst(IReadOnlyList<double[]> losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        if (losses.Count == 0)
            return null;
        var worst = (double[])losses[0].Clone();
        foreach (var l in losses)
        {
            for (var k = 0; k < worst.Length; k++)
                worst[k] = Math.Max(worst[k], l[k]);
        }
        return worst;
    }

    /// <summary>The losses <paramref name="pending"/> is ranked with: known objectives exact, the rest <paramref name="worst"/>.</summary>
    public static double[] Of(FrozenTrial pending, IReadOnlyList<KnownObjective?> known, IReadOnlyList<StudyDirection> directions, double[] worst)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(directions);
        ArgumentNullException.ThrowIfNull(worst);
        if (known.Count != directions.Count || worst.Length != directions.Count)
            throw new ArgumentException($"{known.Count} known-objective entries and {worst.Length} worst losses for {directions.Count} objectives; one each per objective");
        var loss = new double[directions.Count];
        for (var k = 0; k < loss.Length; k++)
        {
            loss[k] = known[k] is { } f
                ? (directions[k] == StudyDirection.Minimize ? f(pending.Params) : -f(pending.Params))
                : worst[k];
        }
        return loss;
    }
}
