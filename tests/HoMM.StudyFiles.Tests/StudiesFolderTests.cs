namespace HoMM.StudyFiles.Tests;

/// <summary>Every study shipped in studies/ must load; the quickstart must keep its promises.</summary>
public class StudiesFolderTests
{
    public static TheoryData<string> StudyFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(RepoRoot(), "studies"), "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(StudyFiles))]
    public void Load_EveryShippedStudy_Succeeds(string file)
    {
        var result = StudyFile.Load(Path.Combine(RepoRoot(), "studies", file));

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Empty(result.Warnings);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), result.Definition!.Name);
    }

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
