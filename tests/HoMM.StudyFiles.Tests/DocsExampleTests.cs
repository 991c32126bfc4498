using System.Text.RegularExpressions;

namespace HoMM.StudyFiles.Tests;

/// <summary>The documentation's complete example must stay a valid study.</summary>
public partial class DocsExampleTests
{
    [Fact]
    public void StudyFileDoc_CompleteExample_IsValidAndUsesEverySection()
    {
        var doc = File.ReadAllText(Path.Combine(StudiesFolderTests.RepoRoot(), "docs", "study-file.md"));
        var example = YamlBlock().Matches(doc).Select(m => m.Groups[1].Value).Single(b => b.Contains("\nname:", StringComparison.Ordinal));

        var result = StudyFile.Parse(example, "docs/study-file.md");

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Empty(result.Warnings);
        var study = result.Definition!;
        Assert.NotNull(study.Description);
        Assert.Contains(study.SearchSpace.Parameters, p => p.When is not null);
        Assert.NotNull(study.Constraints.MaxParams);
        Assert.NotNull(study.Constraints.MaxFlops);
        Assert.NotEmpty(study.EnqueuedTrials);
        Assert.True(study.Resources.UsesGpus);
        Assert.NotNull(study.Notify);
    }

    [Fact]
    public void StudyFileDoc_NamesEverySamplerAndPrunerKindAndOption()
    {
        var doc = File.ReadAllText(Path.Combine(StudiesFolderTests.RepoRoot(), "docs", "study-file.md"));
        var specs = HoMM.Core.Samplers.SamplerCatalog.Kinds.Concat(HoMM.Core.Pruners.PrunerCatalog.Kinds);

        var missing = specs.SelectMany(k => k.Names.Concat(k.Options.Select(o => o.Name)))
            .Distinct()
            .Where(name => !doc.Contains($"`{name}`", StringComparison.Ordinal))
            .ToList();

        Assert.Empty(missing);
    }

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
