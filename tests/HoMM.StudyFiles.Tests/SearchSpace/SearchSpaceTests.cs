using HoMM.Core.SearchSpace;

namespace HoMM.StudyFiles.Tests.SearchSpace;

public class SearchSpaceTests
{
    private static string WithLr(string declaration) => StudyYaml.With("lr:", "  lr: " + declaration);

    private static string WithOrder(string declaration) => StudyYaml.With("order:", "  order: " + declaration);

    [Theory]
    [InlineData("{type: float, low: 0.1, high: 0.5, step: 0.1}", 0.1, 0.5, false, 0.1)]
    [InlineData("{type: float, low: 1.0e-5, high: 1, log: true}", 1e-5, 1.0, true, null)]
    [InlineData("{type: float, low: 0.001, high: 0.001}", 0.001, 0.001, false, null)]
    [InlineData("{type: float, low: 1, high: 2}", 1.0, 2.0, false, null)]
    public void Float_Declarations_BecomeFloatDistributions(string declaration, double low, double high, bool log, double? step)
    {
        var d = StudyYaml.ParseValid(WithLr(declaration)).SearchSpace.Find("lr")!.Distribution;

        Assert.Equal(new FloatDistribution(low, high, log, step), d);
    }

    [Theory]
    [InlineData("{type: int, low: 1, high: 4}", 1, 4, false, 1)]
    [InlineData("{type: int, low: 1, high: 16, log: true}", 1, 16, true, 1)]
    [InlineData("{type: int, low: 2, high: 8, step: 2}", 2, 8, false, 2)]
    public void Int_Declarations_BecomeIntDistributions(string declaration, long low, long high, bool log, long step)
    {
        var d = StudyYaml.ParseValid(WithOrder(declaration)).SearchSpace.Find("order")!.Distribution;

        Assert.Equal(new IntDistribution(low, high, log, step), d);
    }

    [Fact]
    public void Categorical_ShorthandListAndMixedTypes_AreAccepted()
    {
        var study = StudyYaml.ParseValid(StudyYaml.With("pooling:", "  pooling: [cls, mean]"));

        Assert.Equal(new CategoricalDistribution(["cls", "mean"]), study.SearchSpace.Find("pooling")!.Distribution);
        var choices = ((CategoricalDistribution)StudyYaml.ParseValid(
            StudyYaml.With("order:", "  order: {type: categorical, choices: [1, 2, 4]}")).SearchSpace.Find("order")!.Distribution).Choices;
        Assert.Equal([1L, 2L, 4L], choices);
    }

    [Fact]
    public void Type_InferredAsCategoricalFromChoices() =>
        Assert.IsType<CategoricalDistribution>(
            StudyYaml.ParseValid(StudyYaml.With("pooling:", "  pooling: {choices: [cls, mean]}")).SearchSpace.Find("pooling")!.Distribution);

    [Theory]
    [InlineData("{type: float, low: 0, high: 1.0e-2, log: true}", "search_space.lr.low", "must be > 0 when log: true")]
    [InlineData("{type: float, low: -1, high: 1.0e-2, log: true}", "search_space.lr.low", "must be > 0 when log: true")]
    [InlineData("{type: float, low: 0.5, high: 0.1}", "search_space.lr.low", "low (0.5) must be ≤ high (0.1)")]
    [InlineData("{type: float, low: 0.1, high: 0.5, log: true, step: 0.1}", "search_space.lr.step", "cannot be combined with log")]
    [InlineData("{type: float, low: 0.1, high: 0.5, step: 0}", "search_space.lr.step", "expected a number > 0")]
    [InlineData("{type: float, low: 0.1, high: 0.5, step: -0.1}", "search_space.lr.step", "expected a number > 0")]
    [InlineData("{type: float, high: 0.5}", "search_space.lr.low", "'low' is missing")]
    [InlineData("{type: float, low: 0.1}", "search_space.lr.high", "'high' is missing")]
    [InlineData("{type: float, high: 0.5, log: true}", "search_space.lr.low", "'low' is missing")]
    [InlineData("{type: float, lwo: 0.1, high: 0.5}", "search_space.lr.lwo", "did you mean 'low'?")]
    [InlineData("{type: float, low: abc, high: 0.5}", "search_space.lr.low", "expected a number, found the string 'abc'")]
    [InlineData("{type: float, low: '0.1', high: 0.5}", "search_space.lr.low", "remove the quotes")]
    [InlineData("{type: float, low: .nan, high: 0.5}", "search_space.lr.low", "not a finite number")]
    [InlineData("{type: float, low: 0.1, high: .inf}", "search_space.lr.high", "not a finite number")]
    [InlineData("{type: float, low: 0.1, high: inf}", "search_space.lr.high", "only finite numbers")]
    [InlineData("{type: float, low: 0.1, high: 1e999}", "search_space.lr.high", "too large")]
    [InlineData("{type: float, low: -1e301, high: 1}", "search_space.lr.low", "±1e300")]
    [InlineData("{type: float, low: 0.1, high: 0.5, log: yes}", "search_space.lr.log", "yes/no/on/off as text")]
    [InlineData("{type: float, low: 0.1, high: 0.5, choices: [1]}", "search_space.lr.choices", "belongs to categorical")]
    [InlineData("{type: float, low: 0.1, high: 0.5, hgih: 1}", "search_space.lr.hgih", "did you mean 'high'?")]
    [InlineData("{type: real, low: 0.1, high: 0.5}", "search_space.lr.type", "did you mean 'float'?")]
    [InlineData("{type: flaot, low: 0.1, high: 0.5}", "search_space.lr.type", "did you mean 'float'?")]
    [InlineData("{low: 0.1, high: 0.5}", "search_space.lr.type", "'type' is missing")]
    [InlineData("0.1", "search_space.lr", "expected a mapping")]
    public void Float_BadDeclaration_IsLocatedAndExplained(string declaration, string path, string fragment)
    {
        var error = StudyYaml.SingleError(WithLr(declaration));

        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{type: int, low: 1.5, high: 4}", "search_space.order.low", "expected an integer")]
    [InlineData("{type: int, low: 1.0, high: 4}", "search_space.order.low", "write it as 1")]
    [InlineData("{type: int, low: 0, high: 4, log: true}", "search_space.order.low", "must be > 0 when log: true")]
    [InlineData("{type: int, low: 1, high: 4, log: true, step: 2}", "search_space.order.step", "cannot be combined with log")]
    [InlineData("{type: int, low: 1, high: 4, step: 0}", "search_space.order.step", "out of range")]
    [InlineData("{type: int, low: 5, high: 4}", "search_space.order.low", "must be ≤ high")]
    [InlineData("{type: int, low: 1, high: 9007199254740993}", "search_space.order.high", "out of range")]
    [InlineData("{type: int, low: 1, high: 99999999999999999999999}", "search_space.order.high", "too large")]
    [InlineData("{type: int, low: [1], high: 4}", "search_space.order.low", "found a list")]
    [InlineData("{type: int, low: 1, high: 4, choices: [1, 2]}", "search_space.order.choices", "belongs to categorical")]
    public void Int_BadDeclaration_IsLocatedAndExplained(string declaration, string path, string fragment)
    {
        var error = StudyYaml.SingleError(WithOrder(declaration));

        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{type: categorical, choices: []}", "search_space.pooling.choices", "empty")]
    [InlineData("[]", "search_space.pooling", "empty")]
    [InlineData("{type: categorical}", "search_space.pooling.choices", "'choices' is missing")]
    [InlineData("{type: categorical, choices: cls}", "search_space.pooling.choices", "expected a list")]
    [InlineData("{type: categorical, choices: [cls, cls]}", "search_space.pooling.choices[1]", "repeats choice 0")]
    [InlineData("{type: categorical, choices: [cls, null]}", "search_space.pooling.choices[1]", "found empty (null)")]
    [InlineData("{type: categorical, choices: [cls, [a]]}", "search_space.pooling.choices[1]", "found a list")]
    [InlineData("{type: categorical, choices: [cls, mean], low: 1}", "search_space.pooling.low", "belongs to float and int")]
    public void Categorical_BadDeclaration_IsLocatedAndExplained(string declaration, string path, string fragment)
    {
        var error = StudyYaml.SingleError(StudyYaml.With("pooling:", "  pooling: " + declaration));

        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Categorical_NumbersEqualByValue_AreDuplicates()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("order:", "  order: [1, 2, 2.0]"));

        Assert.Equal("search_space.order[2]", error.Path);
    }

    [Fact]
    public void Parse_KeepsDeclarationOrder()
    {
        var yaml = StudyYaml.Valid.Replace(
            "  lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}\n  order: {type: int, low: 1, high: 4}",
            "  order: {type: int, low: 1, high: 4}\n  lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}", StringComparison.Ordinal);

        Assert.Equal(["order", "lr", "order_expand", "pooling"], StudyYaml.ParseValid(yaml).SearchSpace.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Conditional_Parameter_CarriesItsCondition()
    {
        var study = StudyYaml.ParseValid(StudyYaml.Valid.Replace(
            "  pooling: {type: categorical, choices: [cls, mean]}",
            "  pooling: {type: categorical, choices: [cls, mean]}\n  dropout: {type: float, low: 0, high: 0.3, when: {pooling: [mean]}}\n  ffw_expand: {type: int, low: 1, high: 4, when: {order: 2}}",
            StringComparison.Ordinal));

        Assert.Equal(new Condition("pooling", ["mean"]), study.SearchSpace.Find("dropout")!.When);
        Assert.Equal(new Condition("order", [2L]), study.SearchSpace.Find("ffw_expand")!.When);
    }

    [Theory]
    [InlineData("{type: float, low: 0, high: 0.3, when: {pooling: max}}", "search_space.dropout.when.pooling", "'max' is not a value 'pooling' can take")]
    [InlineData("{type: float, low: 0, high: 0.3, when: {order: 9}}", "search_space.dropout.when.order", "9 is not a value 'order' can take")]
    [InlineData("{type: float, low: 0, high: 0.3, when: {order: 1.5}}", "search_space.dropout.when.order", "1.5 is not a value")]
    [InlineData("{type: float, low: 0, high: 0.3, when: {pooling: [cls, max]}}", "search_space.dropout.when.pooling[1]", "'max' is not a value")]
    [InlineData("{type: float, low: 0, high: 0.3, when: {polling: cls}}", "search_space.dropout.when.polling", "did you mean 'pooling'?")]
    [InlineData("{type: float, low: 0, high: 0.3, when: {ffw_expand: 2}}", "search_space.dropout.when.ffw_expand", "declared after 'dropout'")]
    [InlineData("{type: float, low: 0, high: 0.3, when: {dropout: 0.1}}", "search_space.dropout.when.dropout", "cannot depend on itself")]
    [InlineData("{type: float, low: 0, high: 0.3, when: {pooling: cls, order: 2}}", "search_space.dropout.when", "depends on one parent")]
    [InlineData("{type: float, low: 0, high: 0.3, when: {}}", "search_space.dropout.when", "'when' is empty")]
    [InlineData("{type: float, low: 0, high: 0.3, when: pooling}", "search_space.dropout.when", "expected a mapping")]
    [InlineData("{type: float, low: 0, high: 0.3, when: {pooling: []}}", "search_space.dropout.when.pooling", "no values given")]
    public void Conditional_BadCondition_IsLocatedAndExplained(string declaration, string path, string fragment)
    {
        var yaml = StudyYaml.Valid.Replace(
            "  pooling: {type: categorical, choices: [cls, mean]}",
            $"  pooling: {{type: categorical, choices: [cls, mean]}}\n  dropout: {declaration}\n  ffw_expand: {{type: int, low: 1, high: 4}}",
            StringComparison.Ordinal);

        var error = StudyYaml.SingleError(yaml);

        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{type: float, low: 0.1, high: 1.2, step: 0.3}", "search_space.lr.high", "largest value sampled will be 1")]
    [InlineData("{type: float, low: 0.1, high: 1, step: 2}", "search_space.lr.step", "only low (0.1) can be sampled")]
    public void Float_StepOffTheGrid_Warns(string declaration, string path, string fragment)
    {
        var result = StudyYaml.Parse(WithLr(declaration));

        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(path, warning.Path);
        Assert.Contains(fragment, warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2lr")]
    [InlineData("learning-rate")]
    [InlineData("and")]
    public void ParameterName_Invalid_IsRejected(string name)
    {
        var errors = StudyYaml.Parse(StudyYaml.With("lr:", $"  {name}: {{type: float, low: 0.1, high: 0.2}}")).Errors;

        Assert.Contains(errors, e => e.Path == $"search_space.{name}");
    }

    [Fact]
    public void SearchSpace_Empty_IsAnError()
    {
        var yaml = StudyYaml.Valid.Replace("search_space:\n  lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}\n  order: {type: int, low: 1, high: 4}\n  order_expand: {type: int, low: 1, high: 8}\n  pooling: {type: categorical, choices: [cls, mean]}\nconstraints:\n  - order * order_expand <= 16\n", "search_space: {}\n", StringComparison.Ordinal);

        var error = StudyYaml.SingleError(yaml);

        Assert.Equal("search_space", error.Path);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }
}
