using HoMM.TrainerSettings;
using HoMM.StudyFiles.Trainer;

namespace HoMM.StudyFiles.Tests.Trainer;

public class TrainerTests
{
    private static readonly Dictionary<string, object> Trial = new()
    {
        ["lr"] = 0.003,
        ["order"] = 3L,
        ["order_expand"] = 4L,
        ["pooling"] = "mean",
    };

    [Fact]
    public void BuiltIn_Resolve_OverlaysTrialParametersOnFixedSettingsAndDefaults()
    {
        var trainer = Assert.IsType<HommTrainerDefinition>(StudyYaml.ParseValid(StudyYaml.Valid).Trainer);

        var s = trainer.Resolve(Trial);

        Assert.Equal(new HommModelSettings(32, 2, 4, 3, 4, 4, 0.0, "mean"), s.Model);
        Assert.Equal(new HommOptimSettings(0.003, 0.01, 0, 200, 32, 1.0), s.Optim);
        Assert.Equal(("fashion-mnist", "/usr/share/datasets/fashion-mnist", 28), (s.Data.Dataset, s.Data.Path, s.Data.ImageSize));
        Assert.Equal(50, s.EvalEvery);
        Assert.Equal(0, s.Seed);
        Assert.Null(s.Threads);
        Assert.Equal("auto", s.Device);
        Assert.Equal(["lr", "order", "order_expand", "pooling"], trainer.Searched);
    }

    [Fact]
    public void BuiltIn_FixedValueOfASearchedSetting_IsTheFallback()
    {
        var trainer = (HommTrainerDefinition)StudyYaml.ParseValid(StudyYaml.Valid).Trainer;

        Assert.Equal(2, trainer.Resolve(new Dictionary<string, object> { ["lr"] = 0.01, ["order_expand"] = 1L, ["pooling"] = "cls" }).Model.Order);
    }

    [Fact]
    public void BuiltIn_ImageFolder_NeedsPathAndSize()
    {
        var yaml = StudyYaml.With("data:", "  data: {dataset: imagefolder}");

        var errors = StudyYaml.Parse(yaml).Errors.Where(e => e.Path != "trainer.data.dataset").ToList();

        Assert.Equal(["trainer.data.path", "trainer.data.image_size"], errors.Select(e => e.Path));
        Assert.Contains("path: /data/imagenet", errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltIn_ImageFolderWithAugmentations_Resolves()
    {
        var yaml = StudyYaml.With("data:", "  data: {dataset: imagefolder, path: /data/imagenet, image_size: 160, val_size: 0.01, random_resized_crop: true, mix_prob: 1.0}");

        var trainer = (HommTrainerDefinition)StudyYaml.ParseValid(yaml).Trainer;

        var d = trainer.Resolve(Trial).Data;
        Assert.Equal(("imagefolder", "/data/imagenet", 160), (d.Dataset, d.Path, d.ImageSize));
        Assert.Equal((0.01, true, 1.0, true), (d.ValSize, d.RandomResizedCrop, d.MixProb, d.HorizontalFlip));
    }

    [Fact]
    public void BuiltIn_ImageFolderSettingWithFashionMnist_IsALocatedError()
    {
        const string line = "  data: {dataset: fashion-mnist, randaugment_p: 0.1}";
        var yaml = StudyYaml.With("data:", line);

        var error = StudyYaml.SingleError(yaml);

        Assert.Equal("trainer.data.randaugment_p", error.Path);
        Assert.Equal(line.IndexOf("0.1", StringComparison.Ordinal) + 1, error.Column);
        Assert.Contains("applies to imagefolder only, not to fashion-mnist (data.dataset); leave data.randaugment_p out", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltIn_SearchingAnImageFolderSettingWithFashionMnist_IsRefusedAtTheParameter()
    {
        var yaml = StudyYaml.Valid.Replace("search_space:\n", "search_space:\n  mix_prob: {type: float, low: 0.0, high: 1.0}\n", StringComparison.Ordinal);

        var error = StudyYaml.SingleError(yaml);

        Assert.Equal("search_space.mix_prob", error.Path);
        Assert.Contains("applies to imagefolder only, not to fashion-mnist (trainer.data.dataset), so it cannot be searched", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltIn_MisspeltObjectiveMetric_IsALocatedErrorWithTheClosestMetric()
    {
        var error = StudyYaml.SingleError(StudyYaml.Valid.Replace("metric: val/acc", "metric: val/accuracy", StringComparison.Ordinal));

        Assert.Equal("objective.metric", error.Path);
        Assert.Equal((2, 21), (error.Line, error.Column)); // objective: {metric: ^val/accuracy
        Assert.Contains("the built-in trainer does not report 'val/accuracy'; did you mean 'val/acc'?", error.Message, StringComparison.Ordinal);
        Assert.Contains("It reports: " + string.Join(", ", HommMetrics.Names), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltIn_EveryMetricReportedAtEachEvaluation_IsAValidObjective() =>
        Assert.All(HommMetrics.Reported.Where(m => !m.AtEndOnly),
            m => StudyYaml.ParseValid(StudyYaml.Valid.Replace("metric: val/acc", $"metric: {m.Name}", StringComparison.Ordinal)));

    [Fact]
    public void BuiltIn_TestMetrics_AreReportedAtTheEndOnlyAndRefusedAsObjective()
    {
        var atEnd = HommMetrics.Reported.Where(m => m.AtEndOnly).Select(m => m.Name).ToList();

        Assert.Equal(["test/acc", "test/acc5", "test/loss"], atEnd);
        Assert.All(atEnd, m =>
        {
            var error = StudyYaml.SingleError(StudyYaml.Valid.Replace("metric: val/acc", $"metric: {m}", StringComparison.Ordinal));
            Assert.Equal("objective.metric", error.Path);
            Assert.Contains($"'{m}' is a test-set metric", error.Message, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("  model: {dim: 32, layers: 2, order: 2, order_expand: 2}", "trainer.model.patch", "'patch' is missing")]
    [InlineData("  model: {dim: 0, layers: 2, patch: 4}", "trainer.model.dim", "out of range")]
    [InlineData("  model: {dim: 32.5, layers: 2, patch: 4}", "trainer.model.dim", "expected an integer")]
    [InlineData("  model: {dim: 32, layers: 2, patch: 4, dropout: 1}", "trainer.model.dropout", "< 1")]
    [InlineData("  model: {dim: 32, layers: 2, patch: 4, pooling: max}", "trainer.model.pooling", "cls, mean")]
    [InlineData("  model: {dim: 32, layers: 2, patch: 4, ordre: 2}", "trainer.model.ordre", "did you mean 'order'?")]
    [InlineData("  model: {dim: 32, layers: 2, patch: 4, lr: 0.1}", "trainer.model.lr", "belongs under trainer.optim")]
    [InlineData("  model: {dim: 32, layers: 2, patch: 4, eval_every: 3}", "trainer.model.eval_every", "belongs under trainer,")]
    [InlineData("  model: [32, 2]", "trainer.model", "expected a mapping")]
    [InlineData("  optim: {lr: 1.0e-3, steps: 200}", "trainer.optim.batch", "'batch' is missing")]
    [InlineData("  optim: {lr: 1.0e-3, steps: 200, batch: 32, warmup: 300}", "trainer.optim.warmup", "shorter than steps")]
    [InlineData("  optim: {lr: 1.0e-3, steps: 200, batch: 32, wd: -1}", "trainer.optim.wd", "≥ 0")]
    [InlineData("  data: {dataset: mnist}", "trainer.data.dataset", "did you mean 'fashion-mnist'?")]
    [InlineData("  data: {}", "trainer.data.dataset", "'dataset' is missing")]
    [InlineData("  data: {dataset: fashion-mnist, image_size: 32}", "trainer.data.image_size", "28 pixels")]
    [InlineData("  data: {dataset: fashion-mnist, path: ''}", "trainer.data.path", "empty")]
    [InlineData("  eval_every: 0", "trainer.eval_every", "out of range")]
    [InlineData("  eval_every: 50\n  device: gpu", "trainer.device", "auto, cpu, cuda")]
    [InlineData("  eval_every: 50\n  lr: 0.1", "trainer.lr", "belongs under trainer.optim")]
    [InlineData("  eval_every: 50\n  env: {A: b}", "trainer.env", "applies to command trainers")]
    [InlineData("  eval_every: 50\n  threads: 0", "trainer.threads", "out of range")]
    public void BuiltIn_BadSetting_IsLocatedAndExplained(string replacement, string path, string fragment)
    {
        var lineStart = replacement.TrimStart().Split(':')[0] + ":";
        var error = StudyYaml.SingleError(StudyYaml.With(lineStart, replacement));

        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltIn_MisspeltRequiredSetting_IsReportedOnceAsMisspelt()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("model:", "  model: {dim: 32, layers: 2, patch: 4, order: 2, order_expnd: 2}")
            .Replace("  order_expand: {type: int, low: 1, high: 8}\n", "", StringComparison.Ordinal)
            .Replace("  - order * order_expand <= 16", "  - order <= 16", StringComparison.Ordinal));

        Assert.Equal("trainer.model.order_expnd", error.Path);
        Assert.Contains("did you mean 'order_expand'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltIn_SearchingAnUnknownSetting_SuggestsTheSetting()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("order_expand:", "  order_expnd: {type: int, low: 1, high: 8}")
            .Replace("order * order_expand", "order * order_expnd", StringComparison.Ordinal));

        Assert.Equal("search_space.order_expnd", error.Path);
        Assert.Contains("no setting 'order_expnd'; did you mean 'order_expand'?", error.Message, StringComparison.Ordinal);
        Assert.Contains("trainer.command", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  order: {type: float, low: 1, high: 4}", "search_space.order.type", "use type: int")]
    [InlineData("  order: {type: int, low: 0, high: 4}", "search_space.order.low", "≥ 1")]
    [InlineData("  order: {type: int, low: 1, high: 40}", "search_space.order.high", "≤ 16")]
    [InlineData("  order: [1, 2.5]", "search_space.order[1]", "2.5 is not valid")]
    [InlineData("  pooling: [cls, max]", "search_space.pooling[1]", "'max' is not valid")]
    [InlineData("  pooling: {type: categorical, choices: [max, cls]}", "search_space.pooling.choices[0]", "'max' is not valid")]
    [InlineData("  pooling: {type: int, low: 1, high: 2}", "search_space.pooling.type", "type: categorical")]
    [InlineData("  lr: {type: float, low: 0, high: 0.1}", "search_space.lr.low", "> 0")]
    [InlineData("  lr: {type: float, low: 1.0e-3, high: 1.0e-2}\n  dataset: [a, b]", "search_space.dataset", "cannot be searched")]
    public void BuiltIn_SearchedSettingOutsideItsRange_IsAnError(string replacement, string path, string fragment)
    {
        var lineStart = replacement.TrimStart().Split(':')[0] + ":";
        var error = StudyYaml.SingleError(StudyYaml.With(lineStart, replacement));

        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltIn_RequiredSettingSearchedOnlyConditionally_NeedsAFallback()
    {
        var yaml = StudyYaml.Valid
            .Replace("  model: {dim: 32, layers: 2, patch: 4, order: 2, order_expand: 2}", "  model: {dim: 32, patch: 4, order: 2, order_expand: 2}", StringComparison.Ordinal)
            .Replace("  pooling: {type: categorical, choices: [cls, mean]}", "  pooling: {type: categorical, choices: [cls, mean]}\n  layers: {type: int, low: 1, high: 4, when: {pooling: mean}}", StringComparison.Ordinal);

        var error = StudyYaml.SingleError(yaml);

        Assert.Equal("search_space.layers", error.Path);
        Assert.Contains("give trainer.model.layers a fixed value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltIn_DeviceCudaOnCpuSlots_IsAnError()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("eval_every:", "  eval_every: 50\n  device: cuda"));

        Assert.Equal("trainer.device", error.Path);
        Assert.Contains("resources.gpus", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltIn_PatchNotDividingTheImage_Warns()
    {
        var result = StudyYaml.Parse(StudyYaml.With("model:", "  model: {dim: 32, layers: 2, patch: 5, order: 2, order_expand: 2}"));

        Assert.True(result.Succeeded);
        Assert.Equal("trainer.model.patch", Assert.Single(result.Warnings).Path);
    }

    private const string CommandStudy = """
        name: custom
        objective: {metric: val/loss, direction: minimize}
        search_space:
          lr: {type: float, low: 1.0e-4, high: 1.0e-1, log: true}
          width: {type: int, low: 16, high: 256, log: true}
          optimizer: [sgd, adam]
          momentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: sgd}}
        constraints:
          - width * 2 <= 1024
        budget: {max_trials: 20}
        trainer:
          command: [python3, train.py, --lr, "{lr}", "--width={width}", --opt, "{optimizer}", --params, "{params_file}", --out, "{trial_dir}", "{{literal}}"]
          env: {PYTHONUNBUFFERED: "1", RUN: "{study}-{trial_number}"}
          working_dir: examples
        """;

    [Fact]
    public void Command_RendersPlaceholders()
    {
        var trainer = Assert.IsType<CommandTrainerDefinition>(StudyYaml.ParseValid(CommandStudy).Trainer);
        var values = TemplateString.TrialValues(
            new Dictionary<string, object> { ["lr"] = 0.001, ["width"] = 64L, ["optimizer"] = "sgd" }, 7, "/t/7", "/t/7/params.json", "custom");

        Assert.Equal(
            ["python3", "train.py", "--lr", "0.001", "--width=64", "--opt", "sgd", "--params", "/t/7/params.json", "--out", "/t/7", "{literal}"],
            trainer.Command.Select(c => c.Render(values)));
        Assert.Equal(new Dictionary<string, string> { ["PYTHONUNBUFFERED"] = "1", ["RUN"] = "custom-7" }, trainer.Environment.ToDictionary(e => e.Key, e => e.Value.Render(values)));
        Assert.Equal("examples", trainer.WorkingDirectory);
    }

    [Theory]
    [InlineData(1e-5, "1e-05")]
    [InlineData(1e20, "1e+20")]
    [InlineData(2.5, "2.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(true, "true")]
    [InlineData(3L, "3")]
    public void Template_Format_IsInvariantAndRoundTrips(object value, string expected) =>
        Assert.Equal(expected, TemplateString.Format(value));

    [Fact]
    public void Template_MissingValueAtRender_ThrowsNamingThePlaceholder()
    {
        var template = TemplateString.TryParse("--wd={wd}", out _)!;

        var e = Assert.Throws<KeyNotFoundException>(() => template.Render(new Dictionary<string, object> { ["lr"] = 0.1 }));

        Assert.Contains("{wd}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--lr={lr", 5, "not closed")]
    [InlineData("{}", 0, "is not a placeholder")]
    [InlineData("{a{b}", 0, "is not a placeholder")]
    [InlineData("a}b", 1, "without its '{'")]
    [InlineData("{lr:.3f}", 0, "format specifications")]
    public void Template_Malformed_IsRefusedWithItsPosition(string text, int index, string fragment)
    {
        Assert.Null(TemplateString.TryParse(text, out var error));
        Assert.Equal(index, error!.Value.Index);
        Assert.Contains(fragment, error.Value.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_Placeholders_AreDistinctInOrderAndBracesUnescape()
    {
        var template = TemplateString.TryParse("{{x}} {b}-{a}-{b}", out _)!;

        Assert.Equal(["b", "a"], template.Placeholders);
        Assert.Equal("{x} 2-1-2", template.Render(new Dictionary<string, object> { ["a"] = 1L, ["b"] = 2L }));
    }

    [Fact]
    public void Template_TrialValues_FillTheReservedNamesAndLeaveOutAMissingStudy()
    {
        var values = TemplateString.TrialValues(new Dictionary<string, object> { ["lr"] = 0.1 }, 4, "/r/4", "/r/4/trial.json", study: null);

        Assert.Equal(["lr", "params_file", "trial_dir", "trial_number"], values.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["params_file", "study", "trial_dir", "trial_number"], TemplateString.ReservedNames.Order(StringComparer.Ordinal));
        Assert.Equal("4", TemplateString.TryParse("{trial_number}", out _)!.Render(values));
    }

    [Theory]
    [InlineData("\"{lrr}\"", "trainer.command[3]", "did you mean {lr}?")]
    [InlineData("\"{momentum}\"", "trainer.command[3]", "conditional parameter")]
    [InlineData("{lr}", "trainer.command[3]", "in quotes")]
    [InlineData("\"{lr\"", "trainer.command[3]", "not closed")]
    [InlineData("\"lr}\"", "trainer.command[3]", "without its '{'")]
    [InlineData("\"{lr:.3f}\"", "trainer.command[3]", "format specifications")]
    [InlineData("\"{ lr }\"", "trainer.command[3]", "is not a placeholder")]
    [InlineData("[a]", "trainer.command[3]", "found a list")]
    [InlineData("null", "trainer.command[3]", "found empty")]
    public void Command_BadArgument_IsLocatedAndExplained(string argument, string path, string fragment)
    {
        var yaml = CommandStudy.Replace("--lr, \"{lr}\"", "--lr, " + argument, StringComparison.Ordinal);

        var error = StudyYaml.SingleError(yaml);

        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_UnknownPlaceholder_PointsAtItsColumn()
    {
        var yaml = CommandStudy.Replace("\"--width={width}\"", "\"--width={widht}\"", StringComparison.Ordinal);

        var error = StudyYaml.SingleError(yaml);

        var line = yaml.Split('\n')[error.Line - 1];
        Assert.Equal("{widht}", line.Substring(error.Column - 1, 7));
    }

    [Theory]
    [InlineData("  command: \"python3 train.py --lr {lr}\"", "trainer.command", "[python3, train.py, --lr, \"{lr}\"]")]
    [InlineData("  command: []", "trainer.command", "empty")]
    [InlineData("  command: [python3, train.py]\n  model: {dim: 3}", "trainer.model", "built-in trainer")]
    [InlineData("  command: [python3, train.py]\n  workin_dir: x", "trainer.workin_dir", "did you mean 'working_dir'?")]
    public void Command_BadShape_IsExplained(string replacement, string path, string fragment)
    {
        var yaml = CommandStudy.Replace("  command: [python3, train.py, --lr, \"{lr}\", \"--width={width}\", --opt, \"{optimizer}\", --params, \"{params_file}\", --out, \"{trial_dir}\", \"{{literal}}\"]", replacement, StringComparison.Ordinal);

        var errors = StudyYaml.Parse(yaml).Errors;

        Assert.Contains(errors, e => e.Path == path && e.Message.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void LogMax_NotGiven_Is50MiB()
    {
        Assert.Equal(50L << 20, StudyYaml.ParseValid(StudyYaml.Valid).Trainer.LogMaxBytes);
        Assert.Equal(50L << 20, StudyYaml.ParseValid(CommandStudy).Trainer.LogMaxBytes);
    }

    [Theory]
    [InlineData("10MB", 10_000_000L)]
    [InlineData("512KiB", 512L << 10)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("200000", 200_000L)]
    public void LogMax_SizeWithUnit_SetsTheCapForEitherTrainer(string size, long bytes)
    {
        Assert.Equal(bytes, StudyYaml.ParseValid(StudyYaml.With("eval_every:", $"  eval_every: 50\n  log_max: {size}")).Trainer.LogMaxBytes);
        Assert.Equal(bytes, StudyYaml.ParseValid(CommandStudy.Replace("  working_dir: examples", $"  working_dir: examples\n  log_max: {size}", StringComparison.Ordinal)).Trainer.LogMaxBytes);
    }

    [Theory]
    [InlineData("10", "out of range: expected 64 KiB to 1 TiB")]
    [InlineData("50 furlongs", "expected a size such as \"50MB\"")]
    [InlineData("-5MB", "expected a size")]
    [InlineData("2000GB", "out of range")]
    public void LogMax_BadSize_IsLocated(string size, string fragment)
    {
        var yaml = StudyYaml.With("eval_every:", $"  eval_every: 50\n  log_max: {size}");

        var error = StudyYaml.SingleError(yaml);

        Assert.Equal("trainer.log_max", error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.Equal(size, yaml.Split('\n')[error.Line - 1].Substring(error.Column - 1, size.Length));
    }

    [Fact]
    public void Command_EnvNameInvalid_IsAnError() =>
        Assert.Equal("trainer.env.1X", StudyYaml.SingleError(CommandStudy.Replace("PYTHONUNBUFFERED", "1X", StringComparison.Ordinal)).Path);

    [Fact]
    public void Command_ReservedParameterName_IsAnError()
    {
        var yaml = CommandStudy.Replace("  width: {type: int, low: 16, high: 256, log: true}", "  width: {type: int, low: 16, high: 256, log: true}\n  study: [a, b]", StringComparison.Ordinal);

        Assert.Contains(StudyYaml.Parse(yaml).Errors, e => e.Path == "search_space.study" && e.Message.Contains("reserved", StringComparison.Ordinal));
    }

    [Fact]
    public void Command_ParameterNotPassed_WarnsUnlessParamsFileIs()
    {
        var without = CommandStudy.Replace(", --params, \"{params_file}\"", "", StringComparison.Ordinal);

        var result = StudyYaml.Parse(without);

        Assert.True(result.Succeeded);
        Assert.Equal("search_space.momentum", Assert.Single(result.Warnings).Path);
        Assert.Empty(StudyYaml.Parse(CommandStudy).Warnings);
    }

    [Fact]
    public void Command_WithModelSizeLimit_IsAnError()
    {
        var error = StudyYaml.SingleError(CommandStudy.Replace("  - width * 2 <= 1024", "  - max_params: 1M", StringComparison.Ordinal));

        Assert.Contains("built-in trainer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trainer_Missing_And_NotAMapping_AreErrors()
    {
        Assert.Equal("trainer", StudyYaml.SingleError(StudyYaml.Valid.Split("trainer:")[0] + "resources: {cpu_slots: 2}").Path);
        Assert.Contains("expected a mapping", StudyYaml.SingleError(CommandStudy.Split("trainer:")[0] + "trainer: train.py").Message, StringComparison.Ordinal);
    }
}
