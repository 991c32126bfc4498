using System.Text.Json;
using HoMM.Core.SearchSpace;
using HoMM.Storage.Serialization;

namespace HoMM.Storage.Tests.Serialization;

public class DistributionJsonTests
{
    public static TheoryData<Distribution> EveryKind() => new()
    {
        new FloatDistribution(1e-5, 0.1, log: true),
        new FloatDistribution(-2.5, 3.0),
        new FloatDistribution(0, 1, step: 0.1),
        new FloatDistribution(0.3, 0.3),
        new IntDistribution(1, 8),
        new IntDistribution(1, 1024, log: true),
        new IntDistribution(16, 320, step: 16),
        new IntDistribution(long.MinValue / 2, long.MaxValue / 2),
        new CategoricalDistribution(["adamw", "sgd"]),
        new CategoricalDistribution([true, false]),
        new CategoricalDistribution([1, 2, 4]),
        new CategoricalDistribution(["relu", 3L, 2.5, true, 4.0, 1e20, "7"]),
    };

    [Theory]
    [MemberData(nameof(EveryKind))]
    public void Serialize_ThenDeserialize_GivesEqualDistribution(Distribution distribution)
    {
        var json = DistributionJson.Serialize(distribution);

        var back = DistributionJson.Deserialize(json);

        Assert.Equal(distribution, back);
        Assert.Equal(json, DistributionJson.Serialize(back));
    }

    [Fact]
    public void Deserialize_MixedCategorical_KeepsEachChoiceType()
    {
        var mixed = new CategoricalDistribution(["relu", 3, 2.5, true, 4.0, 1e20, "7", 9_007_199_254_740_993L]);

        var back = (CategoricalDistribution)DistributionJson.Deserialize(DistributionJson.Serialize(mixed));

        Assert.Equal<object>(["relu", 3L, 2.5, true, 4.0, 1e20, "7", 9_007_199_254_740_993L], back.Choices);
        Assert.Equal(
            [typeof(string), typeof(long), typeof(double), typeof(bool), typeof(double), typeof(double), typeof(string), typeof(long)],
            back.Choices.Select(c => c.GetType()));
    }

    [Fact]
    public void Serialize_EachKind_IsCanonicalText()
    {
        Assert.Equal("""{"type":"float","low":1E-05,"high":0.1,"log":true,"step":null}""",
            DistributionJson.Serialize(new FloatDistribution(1e-5, 0.1, log: true)));
        Assert.Equal("""{"type":"int","low":1,"high":8,"log":false,"step":1}""",
            DistributionJson.Serialize(new IntDistribution(1, 8)));
        Assert.Equal("""{"type":"categorical","choices":["a",1,2.0,false]}""",
            DistributionJson.Serialize(new CategoricalDistribution(["a", 1, 2.0, false])));
    }

    [Fact]
    public void Serialize_NonFiniteChoice_ThrowsWithValue()
    {
        var ex = Assert.Throws<ArgumentException>(() => DistributionJson.Serialize(new CategoricalDistribution([double.NaN, 1.0])));
        Assert.Contains("NaN", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"beta","a":1}""", "unknown distribution type 'beta'")]
    [InlineData("""{"low":1}""", "\"type\"")]
    [InlineData("""{"type":"float","low":2,"high":1,"log":false,"step":null}""", "invalid distribution")]
    [InlineData("""{"type":"int","low":1}""", "invalid distribution")]
    public void Deserialize_BadJson_ThrowsJsonExceptionSayingWhy(string json, string expected)
    {
        var ex = Assert.Throws<JsonException>(() => DistributionJson.Deserialize(json));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
