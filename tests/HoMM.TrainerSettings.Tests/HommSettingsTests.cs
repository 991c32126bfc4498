using System.Text.Json;
using HoMM.TrainerSettings;

namespace HoMM.TrainerSettings.Tests;

public sealed class HommSettingsTests
{
    [Fact]
    public void All_NamesAreUniqueAndSectionsKnown()
    {
        Assert.Equal(HommSettings.All.Count, HommSettings.All.Select(s => s.Name).Distinct().Count());
        Assert.All(HommSettings.All, s => Assert.True(s.Section.Length == 0 || HommSettings.Sections.Contains(s.Section), s.Name));
    }

    [Fact]
    public void SettingsRecords_HoldExactlyTheSchemasSettingsInTheirSections()
    {
        // A setting added to the schema but not to its record (or the other way round) fails here.
        var json = HommTrainerSettingsJson.ToJson(HommSettings.HandDefaults);

        var keys = json.EnumerateObject().SelectMany(p => p.Value.ValueKind == JsonValueKind.Object
            ? p.Value.EnumerateObject().Select(c => $"{p.Name}.{c.Name}")
            : [p.Name]);

        Assert.Equal(HommSettings.All.Select(s => s.Key).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void HandDefaults_AreASmallFashionMnistModelThatPassesEveryRule()
    {
        var d = HommSettings.HandDefaults;

        Assert.Equal(new HommModelSettings(64, 2, 7, 2, 4, 4, 0.0, "cls"), d.Model);
        Assert.Equal(new HommOptimSettings(1e-3, 0.01, 0, 1000, 128, 1.0), d.Optim);
        Assert.Equal(new HommDataSettings("fashion-mnist", HommDataset.FashionMnistPath, 28, ValSize: null, Workers: null, HorizontalFlip: true, RandomResizedCrop: false,
            RandaugmentP: 0, RandaugmentMagnitude: 6, MixProb: 0, MixupProb: 0.5, AlphaMixup: 0.1, AlphaCutmix: 1.0), d.Data);
        Assert.Equal((500, (int?)null, "fp32", 0L, (int?)null, "auto"), (d.EvalEvery, d.EvalBatch, d.Precision, d.Seed, d.Threads, d.Device));
        Assert.Empty(HommSettings.Problems(HommTrainerSettingsJson.ToValues(d)));
    }

    [Fact]
    public void ApplyDefaults_StudyFile_LeavesRequiredSettingsOutAndTakesTheDatasetsPathAndSize()
    {
        var values = new Dictionary<string, object?> { ["dataset"] = "fashion-mnist" };

        HommSettings.ApplyDefaults(values, byHand: false);

        Assert.False(values.ContainsKey("dim"));
        Assert.False(values.ContainsKey("threads"));
        Assert.Equal(HommDataset.FashionMnistPath, values["path"]);
        Assert.Equal(28L, values["image_size"]);
        Assert.Equal(4L, values["ffw_expand"]);
        Assert.Equal(HommSettings.All.Where(s => s.IsRequired).Select(s => s.Name),
            ["dim", "layers", "patch", "order", "order_expand", "lr", "steps", "batch", "dataset"]);
    }

    [Theory]
    [InlineData("dim", 0L, "must be an integer ≥ 1 and ≤ 65536 (got 0)")]
    [InlineData("dim", 65537L, "must be an integer ≥ 1 and ≤ 65536 (got 65537)")]
    [InlineData("dropout", 1.0, "must be a number ≥ 0 and < 1 (got 1)")]
    [InlineData("lr", 0.0, "must be a number > 0 and ≤ 10 (got 0)")]
    [InlineData("lr", double.NaN, "(got NaN)")]
    [InlineData("pooling", "max", "must be one of cls, mean (got 'max')")]
    [InlineData("device", "cude", "did you mean 'cuda'?")]
    [InlineData("path", "", "is empty")]
    [InlineData("dim", "64", "must be an integer")]
    public void Problem_ValueOutOfRangeOrOfTheWrongType_SaysTheRuleAndTheValue(string name, object value, string fragment) =>
        Assert.Contains(fragment, HommSettings.Find(name)!.Problem(value), StringComparison.Ordinal);

    [Theory]
    [InlineData("dim", 1L)]
    [InlineData("dim", 65536L)]
    [InlineData("dropout", 0.0)]
    [InlineData("lr", 10.0)]
    [InlineData("clip", 0L)]
    public void Problem_ValueAtTheEdgeOfItsRange_IsNone(string name, object value) =>
        Assert.Null(HommSettings.Find(name)!.Problem(value));

    [Fact]
    public void Problems_ContradictingSettings_NameTheSettingAndTheValues()
    {
        var values = HommTrainerSettingsJson.ToValues(HommSettings.HandDefaults);
        values["patch"] = 40L;
        values["warmup"] = 1000L;
        values["image_size"] = 32L;
        values["eval_every"] = 5000L;

        var problems = HommSettings.Problems(values).Select(p => (p.ToString(), p.IsWarning)).ToList();

        Assert.Contains(("data.image_size: fashion-mnist images are 28 pixels wide (got 32); set image_size: 28 or leave it out (homm-train does not resize)", false), problems);
        Assert.Contains(("model.patch: patch (40) is larger than the images (32 px)", false), problems);
        Assert.Contains(("optim.warmup: warmup (1000) must be shorter than steps (1000)", false), problems);
        Assert.Contains(problems, p => p is { IsWarning: true, Item1: var m } && m.StartsWith("eval_every: eval_every (5000) is more than steps", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_EveryDataSet_IsHonoured() =>
        Assert.All(HommDataset.All, d => Assert.Empty(HommSettings.Problems(new Dictionary<string, object?> { ["dataset"] = d.Name })));

    [Fact]
    public void Problems_ImageFolderSettingOnFashionMnist_IsRefusedWithTheDataSet()
    {
        var values = new Dictionary<string, object?> { ["dataset"] = "fashion-mnist", ["randaugment_p"] = 0.1, ["mix_prob"] = 0.0, ["horizontal_flip"] = true };

        var problem = Assert.Single(HommSettings.Problems(values));

        // Defaults (mix_prob 0, horizontal_flip true) pass: only a value that would change something is refused.
        Assert.Equal("data.randaugment_p: applies to imagefolder only, not to fashion-mnist (data.dataset); leave data.randaugment_p out", problem.ToString());
        Assert.Empty(HommSettings.Problems(new Dictionary<string, object?> { ["dataset"] = "imagefolder", ["randaugment_p"] = 0.1, ["random_resized_crop"] = true }));
    }

    [Theory]
    [InlineData(10000.0, null)]
    [InlineData(0.01, null)]
    [InlineData(12.5, "data.val_size: a count of images must be whole (got 12.5); a fraction of the training images is below 1, e.g. 0.01")]
    [InlineData(0.0, "data.val_size: must be a number > 0 and ≤ 1000000000 (got 0)")]
    public void Problems_ValSize_IsAWholeCountOrAFraction(double value, string? expected)
    {
        var problems = HommSettings.Problems(new Dictionary<string, object?> { ["val_size"] = value });

        Assert.Equal(expected, problems.SingleOrDefault()?.ToString());
    }

    [Theory]
    [InlineData(null, 60000, 10000)]
    [InlineData(null, 1000, 200)]
    [InlineData(500.0, 1000, 500)]
    [InlineData(0.1, 1000, 100)]
    [InlineData(0.0125, 200, 3)]
    public void ValidationCount_AutoCountOrFraction(double? valSize, int images, int expected) =>
        Assert.Equal(expected, (HommSettings.HandDefaults.Data with { ValSize = valSize }).ValidationCount(images));

    [Fact]
    public void Bool_ParsesNormalizesAndRoundTripsThroughTheSettingsJson()
    {
        var spec = HommSettings.Find("random_resized_crop")!;
        var settings = HommSettings.HandDefaults with { Data = HommSettings.HandDefaults.Data with { Dataset = "imagefolder", RandomResizedCrop = true } };

        Assert.Equal(true, spec.Parse("true"));
        Assert.Throws<FormatException>(() => spec.Parse("yes"));
        Assert.Equal("must be true or false (got 1)", spec.Problem(1L));
        Assert.Equal(settings, HommTrainerSettingsJson.FromValues(HommTrainerSettingsJson.ToValues(settings)));
    }

    [Fact]
    public void Problems_UnknownSetting_SuggestsTheClosest() =>
        Assert.Equal("ordre: is not a setting of the built-in trainer (did you mean 'order'?)",
            Assert.Single(HommSettings.Problems(new Dictionary<string, object?> { ["ordre"] = 2L })).ToString());

    [Theory]
    [InlineData("order_expand", "3", 3L)]
    [InlineData("lr", "3e-4", 3e-4)]
    [InlineData("pooling", "mean", "mean")]
    [InlineData("threads", "4", 4L)]
    [InlineData("threads", "auto", null)]
    public void Parse_FlagText_GivesTheSettingsValue(string name, string text, object? expected) =>
        Assert.Equal(expected, HommSettings.Find(name)!.Parse(text));

    [Fact]
    public void Parse_NotANumber_NamesTheFlag() =>
        Assert.Equal("--order-expand takes a whole number, not '2.5'",
            Assert.Throws<FormatException>(() => HommSettings.Find("order_expand")!.Parse("2.5")).Message);

    [Fact]
    public void Usage_HasOneLinePerSettingWithFlagMeaningAndValue()
    {
        var usage = HommSettings.Usage();

        foreach (var spec in HommSettings.All)
            Assert.Contains($"    {spec.Flag} ", usage, StringComparison.Ordinal);
        Assert.Contains("--pooling cls|mean", usage, StringComparison.Ordinal);
        Assert.Contains("expansion of each moment's projection (4)", usage, StringComparison.Ordinal);
        Assert.Contains("peak learning rate of AdamW (0.001)", usage, StringComparison.Ordinal);
        Assert.Contains($"the folder of the data ({HommDataset.FashionMnistPath})", usage, StringComparison.Ordinal);
        Assert.Contains("(default: the slot's share of the cores) (auto)", usage, StringComparison.Ordinal);
    }

    [Fact]
    public void FromValues_MissingRequiredSetting_NamesIt()
    {
        var values = HommTrainerSettingsJson.ToValues(HommSettings.HandDefaults);
        values.Remove("order");

        Assert.Contains("'order' has no value", Assert.Throws<ArgumentException>(() => HommTrainerSettingsJson.FromValues(values)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToValuesAndFromValues_RoundTrip()
    {
        var settings = HommSettings.HandDefaults with { Threads = 3, Seed = 1L << 40 };

        Assert.Equal(settings, HommTrainerSettingsJson.FromValues(HommTrainerSettingsJson.ToValues(settings)));
    }

    [Fact]
    public void Identity_LeavesOutSearchedAndRunSettings()
    {
        var fixedValues = new Dictionary<string, object> { ["dim"] = 64L, ["lr"] = 1e-3, ["threads"] = 2L, ["device"] = "cpu", ["path"] = "/x", ["eval_every"] = 10L, ["seed"] = 0L };

        var identity = HommSettings.Identity(fixedValues, searched: ["lr"]);

        Assert.Contains("model.dim", identity.Keys);
        Assert.Contains("seed", identity.Keys);
        Assert.DoesNotContain("optim.lr", identity.Keys);
        Assert.DoesNotContain("threads", identity.Keys);
        Assert.DoesNotContain("device", identity.Keys);
        Assert.DoesNotContain("data.path", identity.Keys);
        Assert.DoesNotContain("eval_every", identity.Keys);
    }

    [Fact]
    public void IdentityChanges_StoredWithoutANewerSetting_ComparesItsDefault()
    {
        var current = new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["model.dim"] = 64L, ["model.ffw_expand"] = 4L, ["optim.wd"] = 0.02 };
        using var stored = JsonDocument.Parse("""{"model.dim": 32, "retired.setting": 1}""");

        var changes = HommSettings.IdentityChanges(stored.RootElement, current);

        Assert.Equal(["model.dim 32 → 64", "optim.wd 0.01 → 0.02"], changes);
    }
}
