using System.Diagnostics;
using HoMM.Core.Studies;

namespace HoMM.Benchmarks.Samplers;

/// <summary>
/// Ask latency as a long-running worker pays it, for the single- and multi-objective latency tables:
/// warm-up on a throwaway study, then each ask timed alone and told before the next.
/// </summary>
internal static class AskTiming
{
    /// <summary>
    /// Asks and tells on <paramref name="warm"/> at least <paramref name="minAsks"/> times and for at
    /// least a second. .NET optimises a method only after ~30 calls plus a background compile, and a
    /// multivariate sampler calls its hot loops twice per ask: without this, a median would time tier-0 code.
    /// The tell callback gets the study, the trial's number and the ask's index.
    /// </summary>
    public static void WarmUp(Study warm, int minAsks, Action<Study, int, int> tell)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < minAsks || clock.Elapsed < TimeSpan.FromSeconds(1); i++)
            tell(warm, warm.Ask().Number, i);
    }

    /// <summary>
    /// The milliseconds of <paramref name="asks"/> asks, each told before the next. One untimed ask
    /// comes first: first-call costs (converting the finished trials once) are not what a worker pays per ask.
    /// </summary>
    public static List<double> Time(Study study, int asks, Action<Study, int, int> tell)
    {
        _ = study.Ask();
        var times = new List<double>(asks);
        for (var i = 0; i < asks; i++)
        {
            var w = Stopwatch.StartNew();
            var t = study.Ask();
            times.Add(w.Elapsed.TotalMilliseconds);
            tell(study, t.Number, i);
        }
        return times;
    }

    public static double Median(IEnumerable<double> values) => Quantile(values, 0.5);

    /// <summary>The <paramref name="q"/> quantile, linear between order statistics; an infinite upper neighbour stays infinite.</summary>
    public static double Quantile(IEnumerable<double> values, double q)
    {
        var s = values.Order().ToArray();
        var pos = q * (s.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = (int)Math.Ceiling(pos);
        if (double.IsPositiveInfinity(s[hi]))
            return s[hi];
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
