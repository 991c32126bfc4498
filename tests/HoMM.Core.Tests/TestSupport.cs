using HoMM.Core.SearchSpace;

namespace HoMM.Core.Tests;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Search spaces the tests share.</summary>
internal static class Spaces
{
    /// <summary>lr (log float), wd (float), order (int 1..4), pool (categorical), dropout (only when pool = 'cls').</summary>
    public static SearchSpaceDefinition Mixed() => new(
    [
        new ParameterSpec("lr", new FloatDistribution(1e-5, 1e-1, log: true)),
        new ParameterSpec("wd", new FloatDistribution(0, 0.3)),
        new ParameterSpec("order", new IntDistribution(1, 4)),
        new ParameterSpec("pool", new CategoricalDistribution(["cls", "mean"])),
        new ParameterSpec("dropout", new FloatDistribution(0, 0.5, step: 0.1), new Condition("pool", ["cls"])),
    ]);

    public static SearchSpaceDefinition Of(params ParameterSpec[] parameters) => new(parameters);
}
