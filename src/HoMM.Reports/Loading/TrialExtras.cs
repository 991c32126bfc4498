using System.Globalization;
using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Storage;
using Attrs = HoMM.Storage.SystemAttrs;
using HoMM.Storage.Serialization;

namespace HoMM.Reports.Loading;

/// <summary>
/// What the store knows about a trial beyond its <see cref="HoMM.Core.Trials.FrozenTrial"/>: the
/// system attributes the dispatcher writes (<see cref="Attrs"/>: <c>info/&lt;key&gt;</c> from the
/// trainer's info line, <c>trial_dir</c>, <c>slot</c>) and its attempts.
/// </summary>
public sealed record TrialExtras(int Number, IReadOnlyDictionary<string, JsonElement> SystemAttrs, IReadOnlyList<TrialAttempt> Attempts)
{
    /// <summary>The model's parameter count the trainer reported, when it did.</summary>
    public double? ModelParams => NumberAttr(Attrs.InfoParams);

    /// <summary>The model's FLOPs per example the trainer reported, when it did.</summary>
    public double? Flops => NumberAttr(Attrs.InfoFlops);

    /// <summary>The latest attempt (the running one, for a running trial), or null.</summary>
    public TrialAttempt? LastAttempt => Attempts.Count == 0 ? null : Attempts[^1];

    /// <summary>The slot that ran (or runs) the trial: the dispatcher's <c>slot</c> attribute, else the latest attempt's.</summary>
    public string? Slot => SystemAttrs.TryGetValue(Attrs.Slot, out var s) && s.ValueKind == JsonValueKind.String
        ? s.GetString()
        : LastAttempt?.Slot;

    /// <summary>The node (host) of the latest attempt, or null.</summary>
    public string? Node => LastAttempt?.Node;

    /// <summary>The trial's folder (its <c>trainer.log</c> and checkpoints), or null.</summary>
    public string? TrialDir => SystemAttrs.TryGetValue(Attrs.TrialDir, out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;

    /// <summary>Every metric of the trainer's final line (<see cref="Attrs.FinalMetrics"/>); empty before it completed.</summary>
    public IReadOnlyDictionary<string, double> FinalMetrics =>
        SystemAttrs.TryGetValue(Attrs.FinalMetrics, out var v) ? FinalMetricsJson.Parse(v) : new Dictionary<string, double>();

    /// <summary>The test-set accuracy of the final line (<see cref="TestMetrics.Accuracy"/>), when the trainer reported one.</summary>
    public double? TestAccuracy => FinalMetrics.TryGetValue(TestMetrics.Accuracy, out var a) ? a : null;

    /// <summary>What a person should know about how the trial ran (<see cref="Attrs.Notes"/>), oldest first.</summary>
    public IReadOnlyList<string> Notes => TrialNotes.Read(SystemAttrs);

    /// <summary>The trainer's info line (<c>info/*</c> attributes) without the prefix, e.g. <c>params</c>, <c>device</c>.</summary>
    public IReadOnlyDictionary<string, JsonElement> Info =>
        SystemAttrs.Where(a => a.Key.StartsWith(Attrs.InfoPrefix, StringComparison.Ordinal))
            .ToDictionary(a => a.Key[Attrs.InfoPrefix.Length..], a => a.Value, StringComparer.Ordinal);

    // A number, or a string holding one (a trainer may print big counts as strings); else null.
    private double? NumberAttr(string key)
    {
        if (!SystemAttrs.TryGetValue(key, out var v))
            return null;
        double? value = v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
        return value is { } x && double.IsFinite(x) && x >= 0 ? x : null;
    }
}
