using HoMM.Core.SearchSpace;
using HoMM.Dashboard.Api;

namespace HoMM.Dashboard.Tests;

public class EnqueueValidatorTests
{
    private static readonly SearchSpaceDefinition Space = new(
    [
        new ParameterSpec("lr", new FloatDistribution(1e-5, 1e-1, log: true)),
        new ParameterSpec("batch", new IntDistribution(16, 256, step: 16)),
        new ParameterSpec("order", new CategoricalDistribution([1L, 2L, 3L])),
        new ParameterSpec("act", new CategoricalDistribution(["gelu", "relu"])),
        new ParameterSpec("slope", new FloatDistribution(0, 1), new Condition("act", ["relu"])),
    ]);

    [Fact]
    public void Validate_ValuesInsideTheSpace_TypedLikeTheSpace()
    {
        var v = EnqueueValidator.Validate(Space, Seed.Json("""{"lr": 0.001, "batch": 64, "order": 2, "act": "relu", "slope": 0.5}"""), out var errors);

        Assert.Empty(errors);
        Assert.Equal(0.001, v.Values["lr"]);
        Assert.Equal(64L, v.Values["batch"]);
        Assert.Equal(2L, v.Values["order"]); // the stored choice, a long, not the JSON double
        Assert.Equal("relu", v.Values["act"]);
        Assert.Same(Space.Find("slope")!.Distribution, v.Distributions["slope"]);
    }

    [Fact]
    public void Validate_InactiveConditionalLeftOut_Accepted()
    {
        var v = EnqueueValidator.Validate(Space, Seed.Json("""{"lr": 0.01, "batch": 16, "order": 1, "act": "gelu"}"""), out var errors);

        Assert.Empty(errors);
        Assert.False(v.Values.ContainsKey("slope"));
    }

    [Theory]
    [InlineData("""{"lr": 0.5, "batch": 64, "order": 2, "act": "gelu"}""", "lr", "is not in float")]
    [InlineData("""{"lr": "0.01", "batch": 64, "order": 2, "act": "gelu"}""", "lr", "expected a number")]
    [InlineData("""{"lr": 0.01, "batch": 65, "order": 2, "act": "gelu"}""", "batch", "steps of 16")]
    [InlineData("""{"lr": 0.01, "batch": 64.5, "order": 2, "act": "gelu"}""", "batch", "whole number")]
    [InlineData("""{"lr": 0.01, "batch": 64, "order": 4, "act": "gelu"}""", "order", "is not one of")]
    [InlineData("""{"lr": 0.01, "batch": 64, "order": 2, "act": "tanh"}""", "act", "is not one of")]
    [InlineData("""{"lr": 0.01, "batch": 64, "order": 2}""", "act", "missing")]
    [InlineData("""{"lr": 0.01, "batch": 64, "order": 2, "act": "relu"}""", "slope", "missing")]
    [InlineData("""{"lr": 0.01, "batch": 64, "order": 2, "act": "gelu", "slope": 0.1}""", "slope", "only when act is relu")]
    [InlineData("""{"lr": 0.01, "batch": 64, "order": 2, "act": "gelu", "ordr": 1}""", "ordr", "did you mean 'order'")]
    public void Validate_BrokenParameter_ErrorKeyedByItsNameSaysWhy(string json, string name, string expected)
    {
        EnqueueValidator.Validate(Space, Seed.Json(json), out var errors);

        var error = Assert.Single(Assert.Single(errors, e => e.Key == name).Value);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(errors);
    }

    [Fact]
    public void Validate_NotAnObject_OneErrorForParams()
    {
        EnqueueValidator.Validate(Space, Seed.Json("[1, 2]"), out var errors);

        Assert.Contains("expected an object", Assert.Single(errors["params"]), StringComparison.Ordinal);
    }
}
