using System.Text.Json;
using HoMM.Storage.Serialization;

namespace HoMM.Storage.Tests.Serialization;

public sealed class FinalMetricsJsonTests
{
    [Fact]
    public void ToJsonParse_NumbersAndNonFinite_RoundTrip()
    {
        var metrics = new Dictionary<string, double>
        {
            ["val/acc"] = 0.9123456789012345,
            ["test/acc"] = 0.9,
            ["test/loss"] = double.NaN,
            ["up"] = double.PositiveInfinity,
            ["down"] = double.NegativeInfinity,
        };

        var json = FinalMetricsJson.ToJson(metrics);
        var back = FinalMetricsJson.Parse(JsonDocument.Parse(json.GetRawText()).RootElement);

        Assert.Equal("""{"down":"-Infinity","test/acc":0.9,"test/loss":"NaN","up":"Infinity","val/acc":0.9123456789012345}""", json.GetRawText());
        Assert.Equal(metrics, back);
    }

    [Fact]
    public void Parse_NotAnObjectOrNotNumbers_LeavesThemOut()
    {
        Assert.Empty(FinalMetricsJson.Parse(JsonSerializer.SerializeToElement(new[] { 1, 2 })));
        var parsed = FinalMetricsJson.Parse(JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["a"] = "text", ["b"] = 1.5, ["c"] = true }));
        Assert.Equal(new Dictionary<string, double> { ["b"] = 1.5 }, parsed);
    }
}
