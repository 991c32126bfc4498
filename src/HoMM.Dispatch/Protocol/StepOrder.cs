using System.Globalization;

namespace HoMM.Dispatch.Protocol;

/// <summary>
/// The steps of one attempt's metrics lines, per metric: each metric's step must grow within an
/// attempt. A later attempt starts afresh, because a trainer resumed from a checkpoint rightly
/// reports the steps after the checkpoint again.
/// <para>
/// The rule for a line that breaks it (docs/custom-trainer.md): its values are stored as any others
/// (the last value reported at a step is the one kept), the trial gets a note naming the step and
/// the one before it, and the pruner is not asked about it: its verdict is taken on steps that
/// move forward only, so a trainer that restarts its step count cannot get a trial pruned (or kept)
/// by comparing its new early values with others' late ones.
/// </para>
/// </summary>
internal sealed class StepOrder
{
    private readonly Dictionary<string, long> _highest = new(StringComparer.Ordinal);

    /// <summary>Checks one metrics line; the metrics at or before a step they already had come back with that step.</summary>
    public StepCheck Check(MetricsReported line)
    {
        ArgumentNullException.ThrowIfNull(line);
        List<(string Metric, long Previous)>? late = null;
        foreach (var metric in line.Metrics.Keys)
        {
            if (_highest.TryGetValue(metric, out var previous) && line.Step <= previous)
                (late ??= []).Add((metric, previous));
            else
                _highest[metric] = line.Step;
        }
        return late is null ? StepCheck.InOrder : new StepCheck(line.Step, late);
    }
}

/// <summary>What <see cref="StepOrder.Check"/> found: the metrics of a line that came at or before an earlier step of theirs.</summary>
internal sealed record StepCheck(long Step, IReadOnlyList<(string Metric, long Previous)> Late)
{
    private const string Rule = "a step must grow within an attempt; its values are stored, the last one at a step kept, and the pruner ignored this line";

    public static StepCheck InOrder { get; } = new(0, []);

    public bool IsInOrder => Late.Count == 0;

    /// <summary>True when <paramref name="metric"/> came in order (the pruner may judge the line by it).</summary>
    public bool InOrderFor(string metric) => Late.All(l => l.Metric != metric);

    /// <summary>
    /// The trial's note, e.g. "attempt 1: the trainer reported step 100 of val/acc after step 200 (a step must
    /// grow within an attempt; …)"; null when in order.
    /// </summary>
    public string? Note(int attempt)
    {
        if (IsInOrder)
            return null;
        var parts = Late.GroupBy(l => l.Previous).OrderBy(g => g.Key).Select(g =>
        {
            var metrics = string.Join(", ", g.Select(l => l.Metric).Order(StringComparer.Ordinal));
            var previous = g.Key.ToString(CultureInfo.InvariantCulture);
            return g.Key == Step ? $"{metrics} a second time" : $"{metrics} after step {previous}";
        });
        return string.Create(CultureInfo.InvariantCulture, $"attempt {attempt}: the trainer reported step {Step} of {string.Join("; ", parts)} ({Rule})");
    }
}
