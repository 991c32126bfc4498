namespace HoMM.Core.Trials;

/// <summary>
/// The one spelling of each state that people and scripts see: the listings, the export, the
/// reports, the dashboard and <c>--state</c> all use it ("failed" for <see cref="TrialState.Fail"/>).
/// </summary>
public static class TrialStateNames
{
    /// <summary>The state's name, e.g. "complete", "failed".</summary>
    public static string Name(this TrialState state) => state switch
    {
        TrialState.Waiting => "waiting",
        TrialState.Running => "running",
        TrialState.Complete => "complete",
        TrialState.Pruned => "pruned",
        TrialState.Fail => "failed",
        TrialState.Cancelled => "cancelled",
        TrialState.Paused => "paused",
        _ => state.ToString().ToLowerInvariant(),
    };

    /// <summary>Every state in the order of the life of a trial (Paused, appended to the enum, sits after Running).</summary>
    public static IReadOnlyList<TrialState> InLifeOrder { get; } =
        [TrialState.Waiting, TrialState.Running, TrialState.Paused, TrialState.Complete, TrialState.Pruned, TrialState.Fail, TrialState.Cancelled];

    /// <summary>Every state's name, in the order of the life of a trial.</summary>
    public static IReadOnlyList<string> All { get; } = InLifeOrder.Select(s => s.Name()).ToList();

    /// <summary>A state from its name (case-insensitive); "fail" and "completed" are accepted too.</summary>
    public static bool TryParse(string name, out TrialState state)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.Trim().ToLowerInvariant();
        foreach (var s in Enum.GetValues<TrialState>())
        {
            if (s.Name() == lower || s.ToString().Equals(lower, StringComparison.OrdinalIgnoreCase))
            {
                state = s;
                return true;
            }
        }
        state = default;
        if (lower != "completed")
            return false;
        state = TrialState.Complete;
        return true;
    }
}
