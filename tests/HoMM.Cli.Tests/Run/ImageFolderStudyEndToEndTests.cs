using System.Globalization;
using HoMM.Cli.Run;
using HoMM.Cli.Tests.Common;
using HoMM.Core.Trials;
using HoMM.ImageData.Export;
using HoMM.Storage;
using HoMM.Storage.Serialization;
using HoMM.Storage.Sqlite;
using HoMM.TrainerSettings;

namespace HoMM.Cli.Tests.Run;

/// <summary>
/// The shipped ImageNet study, end to end, as a user tries it without ImageNet: <c>run
/// studies/imagenet-homm-s.yaml</c> with <c>--set</c> pointing data.path at a small synthetic
/// folder and shrinking the images, the depth and the steps (the search space, the enqueued
/// upstream points, CutMix/MixUp and the hold-out stay the file's).
/// </summary>
public sealed class ImageFolderStudyEndToEndTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Run_ImagenetStudyOnASyntheticFolder_TrialsCompleteAndSeeNoTestImage()
    {
        using var folder = new RunFolder();
        var data = Path.Combine(folder.Dir, "synthetic");
        SyntheticImageFolder.Write(data, classes: 4, perClass: 30, valPerClass: 4, seed: 3);
        string[] overrides =
        [
            $"trainer.data.path={data}", "trainer.data.image_size=32", "trainer.data.val_size=12",
            "trainer.model.layers=1", "trainer.model.patch=8",
            "trainer.optim.steps=8", "trainer.optim.warmup=2", "trainer.optim.batch=16", "trainer.eval_every=4",
            "trainer.device=cpu", "trainer.precision=fp32",
            "pruner.min_resource=4", "budget.max_trials=3", "budget.timeout=10m", "resources={cpu_slots: 1}",
        ];

        using (var run = folder.StartRun(Path.Combine(Repository.Root, "studies", "imagenet-homm-s.yaml"), [.. overrides.SelectMany(o => new[] { "--set", o })]))
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await run.WaitForExitAsync(guard.Token);
            Assert.True(run.ExitCode == 0, string.Join('\n', folder.Output));
        }

        using var store = await SqliteTrialStore.OpenAsync(folder.Db);
        var record = (await store.GetStudyAsync("imagenet-homm-s"))!;
        var trials = (await store.GetTrialsAsync(record.Id)).Trials;
        Assert.Equal(3, trials.Count);
        var splits = new HashSet<string>();
        foreach (var t in trials)
        {
            Assert.Equal(TrialState.Complete, t.State);
            Assert.Equal([4L, 8L], t.IntermediateValues.Keys.Order());
            // What pruners and samplers can see: validation and training metrics, never the test set's.
            var reported = (await store.GetIntermediateValuesAsync(t.Id)).Select(v => v.Metric).ToHashSet();
            Assert.Contains("val/acc", reported);
            Assert.All(reported, m => Assert.True(m.StartsWith("val/", StringComparison.Ordinal) || m.StartsWith("train/", StringComparison.Ordinal) || m == "lr", m));
            var attrs = await store.GetTrialAttrsAsync(t.Id, AttrScope.System);
            splits.Add(attrs["info/split"].GetString()!);
            var final = FinalMetricsJson.Parse(attrs[SystemAttrs.FinalMetrics]);
            Assert.InRange(final["test/acc"], 0.0, 1.0);

            // The size counter (max_params) counts the model homm-train built: 4 classes, 3 channels.
            int P(string name) => Convert.ToInt32(t.Params[name], CultureInfo.InvariantCulture);
            var settings = HommSettings.HandDefaults with
            {
                Model = HommSettings.HandDefaults.Model with { Dim = P("dim"), Layers = 1, Patch = 8, Order = P("order"), OrderExpand = P("order_expand") },
                Data = HommSettings.HandDefaults.Data with { Dataset = HommDataset.ImageFolderName, Path = data, ImageSize = 32 },
            };
            Assert.Equal(TrainerLocator.CountModel(settings).Parameters, attrs[SystemAttrs.InfoParams].GetInt64());
        }

        // The two enqueued upstream points ran first; every trial held out the same validation images.
        Assert.Equal(320, Convert.ToInt32(trials.Single(t => t.Number == 0).Params["dim"], CultureInfo.InvariantCulture));
        Assert.StartsWith("image folder: 120 training images, 12 held out for validation (split seed 0", Assert.Single(splits), StringComparison.Ordinal);
    }
}
