namespace HoMM.StudyFiles.Tests;

/// <summary>
/// The documented studies are shipped and the quickstart keeps its promises. That every file in studies/
/// passes validate and homm-train's config check: tests/HoMM.Cli.Tests/Validate/ShippedStudiesTests.cs.
/// </summary>
public class StudiesFolderTests
{
    [Fact]
    public void StudiesFolder_HoldsTheThreeDocumentedStudies() =>
        Assert.Superset(
            new HashSet<string> { "quickstart.yaml", "fmnist-overnight.yaml", "imagenet-homm-s.yaml" },
            Directory.GetFiles(Path.Combine(RepoRoot(), "studies"), "*.yaml").Select(Path.GetFileName).ToHashSet()!);

    [Fact]
    public void Quickstart_IsSmallTpeAshaOnTwoCpuSlots()
    {
        var study = StudyFile.LoadOrThrow(Path.Combine(RepoRoot(), "studies", "quickstart.yaml"));

        Assert.Equal("tpe", study.Sampler.Kind);
        Assert.Equal("asha", study.Pruner.Kind);
        Assert.True(study.Budget.MaxTrials >= 8);
        Assert.Equal(2, study.Resources.CpuSlots);
        Assert.False(study.Resources.UsesGpus);
        var trainer = Assert.IsType<HoMM.StudyFiles.Trainer.HommTrainerDefinition>(study.Trainer);
        Assert.Equal("fashion-mnist", trainer.Fixed["dataset"]);
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HoMM.Search.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("HoMM.Search.sln not found above " + AppContext.BaseDirectory);
    }
}
