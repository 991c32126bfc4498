using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Pruners;

/// <summary>Hand-built histories: trials with given intermediate values.</summary>
internal static class History
{
    private static readonly SearchSpaceDefinition Space = Spaces.Of(new ParameterSpec("x", new FloatDistribution(0, 1)));

    public static FrozenTrial Trial(int number, TrialState state, params (long Step, double Value)[] values) =>
        new(number, number, state, state == TrialState.Complete && values.Length > 0 ? values[^1].Value : null,
            new Dictionary<string, object> { ["x"] = 0.5 },
            new Dictionary<string, Distribution> { ["x"] = Space.Parameters[0].Distribution },
            values.ToDictionary(v => v.Step, v => v.Value));

    /// <summary>A completed trial that reported <paramref name="value"/> at every step 0…<paramref name="lastStep"/>.</summary>
    public static FrozenTrial Flat(int number, double value, long lastStep = 9) =>
        Trial(number, TrialState.Complete, [.. Enumerable.Range(0, (int)lastStep + 1).Select(s => ((long)s, value))]);

    public static IStudyView View(StudyDirection direction, params FrozenTrial[] trials) =>
        new StudySnapshot(direction, Space, trials);

    public static IStudyView View(params FrozenTrial[] trials) => View(StudyDirection.Minimize, trials);
}
