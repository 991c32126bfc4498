using System.Globalization;
using System.Text.Json;
using HoMM.ImageData.Index;
using HoMM.TrainerSettings;
using HoMM.Trainer.Data;
using HoMM.Trainer.Protocol;
using HoMM.Trainer.Training;
using static HoMM.Torch.torch;

namespace HoMM.Trainer.Tests;

/// <summary>homm-train on <c>data.dataset: imagefolder</c>: Fashion-MNIST exported as JPEGs, read through HoMM.ImageData.</summary>
public sealed class ImageFolderRunTests(SmallFashionFolder folder) : IClassFixture<SmallFashionFolder>
{
    private static HommTrainerSettings Settings(string path, int steps = 6, int evalEvery = 3, double? valSize = null) =>
        TestData.Small(steps, evalEvery) with
        {
            Data = TestData.Small(steps, evalEvery).Data with { Dataset = HommDataset.ImageFolderName, Path = path, ImageSize = 28, ValSize = valSize },
        };

    private static (RunResult Result, List<JsonElement> Lines) Run(HommTrainerSettings settings, string? trialDirectory = null, bool resume = false)
    {
        set_num_threads(1);
        using var data = ImageFolderData.Open(settings, workers: 1, TrainingData.SplitSeed);
        var stdout = new StringWriter();
        var run = new TrainingRun(settings, data, trialDirectory ?? TestData.TempDirectory(), new ProtocolWriter(stdout), ControlReader.None(), TextWriter.Null, TimeProvider.System);
        var result = run.Run(resume);
        return (result, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList());
    }

    private static JsonElement Closing(List<JsonElement> lines) =>
        lines.Where(l => l.TryGetProperty("info", out var i) && i.TryGetProperty("ms_per_step", out _)).Single().GetProperty("info");

    [Fact]
    public void Run_ImageFolder_ReportsValPerEvaluationTestAtTheEndAndTheDataPace()
    {
        var (result, lines) = Run(Settings(folder.Path));

        Assert.Equal(RunOutcome.Completed, result.Outcome);
        var info = lines[0].GetProperty("info");
        Assert.StartsWith("image folder: 600 training images, 120 held out for validation (split seed 0, hold-out ", info.GetProperty("split").GetString(), StringComparison.Ordinal);
        var metrics = lines.Where(l => l.TryGetProperty("metrics", out _)).Select(l => l.GetProperty("metrics")).ToList();
        Assert.Equal(2, metrics.Count);
        // Samplers and pruners see the metrics lines: validation and training only, never the test set.
        Assert.All(metrics, m => Assert.DoesNotContain(m.EnumerateObject(), p => p.Name.StartsWith("test/", StringComparison.Ordinal)));
        Assert.InRange(result.Metrics["test/acc"], 0.0, 1.0);
        Assert.InRange(result.Metrics["val/acc5"], 0.0, 1.0);
        var closing = Closing(lines);
        Assert.True(closing.GetProperty("images_per_s").GetDouble() > 0);
        Assert.InRange(closing.GetProperty("data_wait_share").GetDouble(), 0.0, 1.0);
        Assert.Equal(0, closing.GetProperty("corrupt_images").GetInt32());
    }

    [Fact]
    public void HoldOut_ExportedFolder_HoldsOutTheImagesTheIdxPathHoldsOut()
    {
        // The folder's files are named by their IDX position, so the two hold-outs compare image by image.
        var index = ImageFolderIndex.Open(folder.Path);
        var count = Settings(folder.Path).Data.ValidationCount(index.Train.Count);
        var folderHeld = index.Train.HoldOut(count, TrainingData.SplitSeed).Validation;
        var fromFolder = Enumerable.Range(0, folderHeld.Count)
            .Select(i => int.Parse(Path.GetFileNameWithoutExtension(folderHeld.RelativePath(i)), CultureInfo.InvariantCulture)).Order();

        var idx = TestData.Train.Take(SmallFashionFolder.Limit);
        var labels = Enumerable.Range(0, idx.Count).Select(idx.Label).ToArray();
        var (_, fromIdx) = StratifiedHoldOut.Split(labels, 10, count, TrainingData.SplitSeed);

        Assert.Equal(fromIdx, fromFolder);
    }

    [Fact]
    public void Run_CorruptJpegInTheFolder_IsSkippedAndCounted()
    {
        var copy = TestData.TempDirectory();
        foreach (var file in Directory.EnumerateFiles(folder.Path, "*.jpg", SearchOption.AllDirectories))
        {
            var target = Path.Join(copy, Path.GetRelativePath(folder.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        // A JPEG cut short in its entropy-coded data: the header reads, the decode fails.
        var victim = Directory.EnumerateFiles(Path.Join(copy, "train"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, bytes[..(bytes.Length / 2)]);

        var (result, lines) = Run(Settings(copy));

        Assert.Equal(RunOutcome.Completed, result.Outcome);
        var closing = Closing(lines);
        Assert.Equal(1, closing.GetProperty("corrupt_images").GetInt32());
        Assert.Contains(Path.GetFileName(victim), closing.GetProperty("corrupt_examples").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_CutMixUp_TrainsOnSoftTargets()
    {
        var settings = Settings(folder.Path, steps: 4, evalEvery: 2);
        settings = settings with { Data = settings.Data with { MixProb = 1.0, RandaugmentP = 0.5, RandomResizedCrop = true } };

        var (result, _) = Run(settings);

        Assert.Equal(RunOutcome.Completed, result.Outcome);
        Assert.True(double.IsFinite(result.Metrics["train/loss"]));
    }

    [Theory]
    [InlineData(600.0, "holds out 600 of the 600 images")]
    [InlineData(599.0, "leaves no training image in class")]
    public void Open_HoldOutLeavingNothingToTrainOn_DataErrorNamesValSize(double valSize, string expected)
    {
        var e = Assert.Throws<DataException>(() => ImageFolderData.Open(Settings(folder.Path, valSize: valSize), 1, TrainingData.SplitSeed));

        Assert.StartsWith($"data.val_size ({valSize.ToString(CultureInfo.InvariantCulture)})", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
