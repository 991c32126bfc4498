using System.Text.Json;
using HoMM.Core.SearchSpace;
using HoMM.Storage.Serialization;

namespace HoMM.Storage.Tests.Serialization;

public class SearchSpaceJsonTests
{
    private static SearchSpaceDefinition Space(double lrHigh = 1e-2, IReadOnlyList<object>? orderChoices = null, IReadOnlyList<object>? expandWhen = null) => new(
    [
        new ParameterSpec("lr", new FloatDistribution(1e-5, lrHigh, log: true)),
        new ParameterSpec("wd", new FloatDistribution(0, 0.1, step: 0.01)),
        new ParameterSpec("order", new CategoricalDistribution(orderChoices ?? [1, 2, 3])),
        new ParameterSpec("order_expand", new IntDistribution(2, 8), new Condition("order", expandWhen ?? [2, 3])),
        new ParameterSpec("act", new CategoricalDistribution(["gelu", "relu"])),
    ]);

    [Fact]
    public void Serialize_ThenDeserialize_GivesEqualSpaceInOrder()
    {
        var space = Space();

        var back = SearchSpaceJson.Deserialize(SearchSpaceJson.Serialize(space));

        Assert.Equal(space.Parameters, back.Parameters);
        Assert.Equal(SearchSpaceJson.Fingerprint(space), SearchSpaceJson.Fingerprint(back));
    }

    [Fact]
    public void Fingerprint_SameSpaceBuiltTwice_IsEqual()
    {
        Assert.Equal(SearchSpaceJson.Fingerprint(Space()), SearchSpaceJson.Fingerprint(Space()));
        Assert.StartsWith("sha256:", SearchSpaceJson.Fingerprint(Space()), StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_ParametersReordered_IsEqual()
    {
        var reordered = new SearchSpaceDefinition(Space().Parameters.OrderByDescending(p => p.Name == "act").ToList());
        Assert.NotEqual(Space().Parameters[0].Name, reordered.Parameters[0].Name);

        Assert.Equal(SearchSpaceJson.Fingerprint(Space()), SearchSpaceJson.Fingerprint(reordered));
    }

    public static TheoryData<string, SearchSpaceDefinition> ChangedSpaces() => new()
    {
        { "a bound", Space(lrHigh: 2e-2) },
        { "a choice", Space(orderChoices: [1, 2, 4]) },
        { "a choice's type (2 → 2.0)", Space(orderChoices: [1, 2.0, 3]) },
        { "a condition", Space(expandWhen: [3]) },
        { "a parameter removed", new SearchSpaceDefinition(Space().Parameters.Where(p => p.Name != "act")) },
        { "a parameter added", new SearchSpaceDefinition([.. Space().Parameters, new ParameterSpec("dim", new IntDistribution(256, 320, step: 64))]) },
        { "log switched off", new SearchSpaceDefinition(Space().Parameters.Select(p => p.Name == "lr" ? p with { Distribution = new FloatDistribution(1e-5, 1e-2) } : p)) },
        { "a step", new SearchSpaceDefinition(Space().Parameters.Select(p => p.Name == "wd" ? p with { Distribution = new FloatDistribution(0, 0.1, step: 0.02) } : p)) },
        { "a renamed parameter", new SearchSpaceDefinition(Space().Parameters.Select(p => p.Name == "act" ? new ParameterSpec("activation", p.Distribution) : p)) },
    };

    [Theory]
    [MemberData(nameof(ChangedSpaces))]
    public void Fingerprint_SpaceChanged_Differs(string change, SearchSpaceDefinition changed)
    {
        Assert.False(SearchSpaceJson.Fingerprint(Space()) == SearchSpaceJson.Fingerprint(changed), $"changing {change} kept the fingerprint");
    }

    [Fact]
    public void Deserialize_NotASpace_ThrowsJsonException()
    {
        Assert.Throws<JsonException>(() => SearchSpaceJson.Deserialize("""{"params":[]}"""));
        Assert.Throws<JsonException>(() => SearchSpaceJson.Deserialize(
            """{"parameters":[{"name":"a","distribution":{"type":"int","low":1,"high":2},"when":{"parent":"missing","values":[1]}}]}"""));
    }
}
