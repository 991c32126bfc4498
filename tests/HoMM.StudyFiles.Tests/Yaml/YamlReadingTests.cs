namespace HoMM.StudyFiles.Tests.Yaml;

/// <summary>What the YAML layer catches or supports, seen through whole study files.</summary>
public class YamlReadingTests
{
    [Fact]
    public void Parse_DuplicateKey_PointsAtTheSecondAndNamesTheFirst()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("order:", "  order: {type: int, low: 1, high: 4}\n  order: {type: int, low: 1, high: 2}"));

        Assert.Equal("search_space.order", error.Path);
        Assert.Equal((6, 3), (error.Line, error.Column));
        Assert.Contains("duplicate key 'order' (first defined at line 5)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateTopLevelSection_IsAnError()
    {
        var error = StudyYaml.SingleError(StudyYaml.Valid + "\nbudget: {max_trials: 3}\n");

        Assert.Equal("budget", error.Path);
        Assert.Contains("duplicate key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("search_space: [1, 2\nbudget: 3\n", 1, "'[' at line")]
    [InlineData("name: x\nobjective: {metric: a\n", 3, "flow mapping")]
    [InlineData("name: 'x\n", 1, "quoted")]
    [InlineData("name: x\n  objective: y\n", 2, "indentation")]
    [InlineData("name: a: b\n", 1, "quote the value")]
    [InlineData("name: @x\n", 1, "'@'")]
    [InlineData("- a\nname: x\n", 2, "indent")]
    [InlineData("name: x\n- a\n", 2, "indentation")]
    [InlineData("]\n", 1, "reserved character")]
    [InlineData("name: *\n", 1, "anchors and aliases")]
    public void Parse_SyntaxError_IsLocatedWithAHint(string yaml, int line, string fragment)
    {
        var error = StudyYaml.SingleError(yaml);

        Assert.Equal(line, error.Line);
        Assert.True(error.Column > 0);
        Assert.StartsWith("YAML syntax error", error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SyntaxErrorInsideASection_NamesThePathReached()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("lr:", "  lr: {type: float, low: 1, high: 2"));

        Assert.StartsWith("search_space.lr", error.Path, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    [InlineData("~\n")]
    public void Parse_EmptyDocument_SaysWhatAStudyNeeds(string yaml)
    {
        var error = StudyYaml.SingleError(yaml);

        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains("the file is empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- a\n- b\n", "a list")]
    [InlineData("just text\n", "the string 'just text'")]
    [InlineData("42\n", "the integer 42")]
    public void Parse_RootNotAMapping_SaysWhatItIs(string yaml, string what)
    {
        var error = StudyYaml.SingleError(yaml);

        Assert.Equal("(top level)", error.Path);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SecondDocument_IsAnError()
    {
        var error = StudyYaml.SingleError(StudyYaml.Valid + "\n---\nname: other\n");

        Assert.Contains("one YAML document", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AnchorsAliasesAndMergeKeys_Work()
    {
        var yaml = StudyYaml.With("order:", "  order: &small {type: int, low: 1, high: 4}")
            .Replace("  order_expand: {type: int, low: 1, high: 8}", "  order_expand: {<<: *small, high: 8}", StringComparison.Ordinal);

        var study = StudyYaml.ParseValid(yaml);

        Assert.Equal(new HoMM.Core.SearchSpace.IntDistribution(1, 4), study.SearchSpace.Find("order")!.Distribution);
        Assert.Equal(new HoMM.Core.SearchSpace.IntDistribution(1, 8), study.SearchSpace.Find("order_expand")!.Distribution);
    }

    [Fact]
    public void Parse_MergeKey_KeepsDeclarationOrder()
    {
        var yaml = StudyYaml.Valid
            .Replace("  order: {type: int, low: 1, high: 4}\n  order_expand: {type: int, low: 1, high: 8}\n",
                     "  <<: {order: {type: int, low: 1, high: 4}, order_expand: {type: int, low: 1, high: 8}, lr: {type: float, low: 0.5, high: 0.6}}\n", StringComparison.Ordinal);

        var study = StudyYaml.ParseValid(yaml);

        Assert.Equal(["lr", "order", "order_expand", "pooling"], study.SearchSpace.Parameters.Select(p => p.Name));
        Assert.Equal(new HoMM.Core.SearchSpace.FloatDistribution(1e-4, 1e-2, log: true), study.SearchSpace.Parameters[0].Distribution);
    }

    [Fact]
    public void Parse_UnknownAlias_IsAnError()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("sampler:", "sampler: *nothing"));

        Assert.Equal("sampler", error.Path);
        Assert.Contains("names no anchor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BillionLaughs_StaysSmallAndFast()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 30; i++)
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        var started = System.Diagnostics.Stopwatch.StartNew();

        var result = StudyYaml.Parse(string.Join('\n', lines));

        Assert.False(result.Succeeded);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
    }

    [Fact]
    public void Parse_DeepNesting_IsAnErrorNotAStackOverflow()
    {
        var error = StudyYaml.SingleError("name: " + new string('[', 10_000) + new string(']', 10_000));

        Assert.Contains("nests deeper", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: !!str 42", true)]
    [InlineData("name: !custom x", false)]
    public void Parse_Tags_CoreTagsWorkOthersAreErrors(string line, bool ok)
    {
        var result = StudyYaml.Parse(StudyYaml.With("name:", line));

        Assert.Equal(ok, result.Succeeded);
        if (!ok)
            Assert.Contains("tag '!custom' is not supported", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ControlCharacterInValue_IsAnError()
    {
        var error = StudyYaml.SingleError(StudyYaml.Valid + "\ndescription: \"a\\u0007b\"\n");

        Assert.Contains("control character U+0007", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  lr\u200b: {type: float, low: 0.1, high: 0.2}", "U+200B")]
    [InlineData("  ｌｒ: {type: float, low: 0.1, high: 0.2}", "not a valid parameter name")]
    public void Parse_InvisibleOrFullWidthCharactersInNames_AreCalledOut(string line, string fragment)
    {
        var errors = StudyYaml.Parse(StudyYaml.With("lr:", line)).Errors;

        Assert.Contains(errors, e => e.Message.Contains(fragment, StringComparison.Ordinal) && e.Path.StartsWith("search_space.", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_InvisibleCharacterInKey_SuggestsTheCleanKey()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("budget:", "bud\u200bget: {max_trials: 10}")
            .Replace("objective:", "budget: {max_trials: 10}\nobjective:", StringComparison.Ordinal));

        Assert.Contains("unknown key 'bud\\u200Bget' (it contains the invisible character U+200B); did you mean 'budget'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnicodeInDescription_IsFine()
    {
        var study = StudyYaml.ParseValid(StudyYaml.Valid + "\ndescription: \"Ablation — ordre 2, 47,6 % top-1 ✓ 日本語\"\n");

        Assert.Equal("Ablation — ordre 2, 47,6 % top-1 ✓ 日本語", study.Description);
    }

    [Theory]
    [InlineData("1_000", 1000L)]
    [InlineData("0x10", 16L)]
    [InlineData("0o17", 15L)]
    [InlineData("+7", 7L)]
    public void Parse_IntegerNotations_AreRead(string text, long expected)
    {
        var study = StudyYaml.ParseValid(StudyYaml.With("budget:", $"budget: {{max_trials: {text}}}"));

        Assert.Equal((int)expected, study.Budget.MaxTrials);
    }
}
