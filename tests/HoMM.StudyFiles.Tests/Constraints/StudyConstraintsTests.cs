using HoMM.StudyFiles.Constraints;

namespace HoMM.StudyFiles.Tests.Constraints;

public class StudyConstraintsTests
{
    private static string WithConstraints(params string[] items) =>
        StudyYaml.With("- order * order_expand <= 16", string.Join('\n', items.Select(i => "  - " + i)));

    [Fact]
    public void Expressions_AreParsedAndEvaluate()
    {
        var definition = StudyYaml.ParseValid(WithConstraints("order * order_expand <= 16", "pooling == 'cls' or order >= 2"));
        var rules = StudyRules.For(definition, countModel: null);
        Dictionary<string, object> Trial(long order, long expand, string pooling) =>
            new() { ["lr"] = 1e-3, ["order"] = order, ["order_expand"] = expand, ["pooling"] = pooling };

        Assert.Equal(2, definition.Constraints.Expressions.Count);
        Assert.Null(rules.WhyInfeasible(Trial(2, 8, "mean")));
        Assert.StartsWith("breaks the constraint 'order * order_expand <= 16'", rules.WhyInfeasible(Trial(4, 8, "cls")), StringComparison.Ordinal);
        Assert.StartsWith("breaks the constraint 'pooling == 'cls' or order >= 2'", rules.WhyInfeasible(Trial(1, 2, "mean")), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownParameter_IsLocatedAtItsColumnInTheFile()
    {
        var error = StudyYaml.SingleError(WithConstraints("order * order_expnd <= 16"));

        Assert.Equal("constraints[0]", error.Path);
        Assert.Equal(9, error.Line);
        Assert.Equal(13, error.Column); // "  - " is 4 columns, then "order * " is 8 more
        Assert.Contains("unknown parameter 'order_expnd'; did you mean 'order_expand'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QuotedExpression_ColumnsAccountForTheQuote()
    {
        var error = StudyYaml.SingleError(WithConstraints("'order * bogus <= 16'"));

        Assert.Equal(14, error.Column);
    }

    [Theory]
    [InlineData("order * <= 16", "found '<='")]
    [InlineData("order ** ** 2 < 3", "found '**'")]
    [InlineData("order = 2", "compare with '=='")]
    [InlineData("order * order_expand", "must be true or false")]
    [InlineData("pooling * 2 > 1", "must be a number")]
    [InlineData("pooling == 2", "can never be equal")]
    [InlineData("sqr(order) < 2", "did you mean 'sqrt'?")]
    public void BadExpression_IsAnErrorWithItsReason(string expression, string fragment)
    {
        var error = StudyYaml.SingleError(WithConstraints($"\"{expression}\""));

        Assert.Equal("constraints[0]", error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("26M", 26_000_000L)]
    [InlineData("2.9G", 2_900_000_000L)]
    [InlineData("500K", 500_000L)]
    [InlineData("500k", 500_000L)]
    [InlineData("1T", 1_000_000_000_000L)]
    [InlineData("26000000", 26_000_000L)]
    [InlineData("26_000_000", 26_000_000L)]
    [InlineData("2.9e9", 2_900_000_000L)]
    public void MaxParams_AcceptsSuffixes(string text, long expected)
    {
        var c = StudyYaml.ParseValid(WithConstraints($"max_params: {text}", "max_flops: 1G")).Constraints;

        Assert.Equal(expected, c.MaxParams);
        Assert.Equal(1_000_000_000L, c.MaxFlops);
    }

    [Fact]
    public void Limits_InOneMapping_AreBothRead()
    {
        var c = StudyYaml.ParseValid(WithConstraints("{max_params: 1M, max_flops: 2G}")).Constraints;

        Assert.Equal((1_000_000L, 2_000_000_000L), (c.MaxParams!.Value, c.MaxFlops!.Value));
    }

    [Theory]
    [InlineData("max_params: 0", "constraints[0].max_params", "out of range")]
    [InlineData("max_params: -5M", "constraints[0].max_params", "expected a positive number")]
    [InlineData("max_params: 26m", "constraints[0].max_params", "write M for millions")]
    [InlineData("max_params: lots", "constraints[0].max_params", "suffixes K, M, G, T")]
    [InlineData("max_params: .inf", "constraints[0].max_params", "not a finite number")]
    [InlineData("max_params: 1e30", "constraints[0].max_params", "at most 1e18")]
    [InlineData("max_param: 26M", "constraints[0].max_param", "did you mean 'max_params'?")]
    [InlineData("42", "constraints[0]", "a constraint is an expression")]
    [InlineData("true", "constraints[0]", "quote the expression")]
    [InlineData("[order < 2]", "constraints[0]", "found a list")]
    public void BadItem_IsLocatedAndExplained(string item, string path, string fragment)
    {
        var error = StudyYaml.SingleError(WithConstraints(item));

        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limit_GivenTwice_IsAnError()
    {
        var error = StudyYaml.SingleError(WithConstraints("max_params: 1M", "max_params: 2M"));

        Assert.Equal("constraints[1].max_params", error.Path);
        Assert.Contains("already set at line 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constraints_NotAList_IsAnError() =>
        Assert.Contains("expected a list", StudyYaml.SingleError(StudyYaml.With("- order * order_expand <= 16", "  max_params: 1M")).Message, StringComparison.Ordinal);

    [Fact]
    public void ExpressionOverAParameterWithErrors_DoesNotAddAnUnknownNameError()
    {
        var errors = StudyYaml.Parse(StudyYaml.With("order:", "  order: {type: int, low: 5, high: 1}")).Errors;

        Assert.Equal("search_space.order.low", Assert.Single(errors).Path);
    }
}
