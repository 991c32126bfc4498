using HoMM.TrainerSettings;
using HoMM.Trainer.Data;

namespace HoMM.Trainer.Tests;

/// <summary>Fashion-MNIST (installed on every machine that runs the suite, as libtorch is) and small settings.</summary>
internal static class TestData
{
    private static readonly Lazy<(ImageDataset Train, ImageDataset Test)> Data = new(() => FashionMnist.Load(FashionMnist.DefaultPath));

    public static ImageDataset Train => Data.Value.Train;

    public static ImageDataset Test => Data.Value.Test;

    /// <summary>
    /// A small run's sets: the first <paramref name="train"/> training images, the next
    /// <paramref name="validation"/> as the validation set, and the first <paramref name="test"/> test images.
    /// </summary>
    public static TrainingData Sets(int train, int validation, int test)
    {
        var held = Enumerable.Range(train, validation).ToArray();
        return new TrainingData(Train.Take(train), Train.Subset(held), Test.Take(test), $"first {train} train, next {validation} validation, first {test} test");
    }

    public static HommTrainerSettings Small(int steps, int evalEvery, int batch = 32, double lr = 1e-3, int warmup = 0, int dim = 16, int layers = 1, double dropout = 0) =>
        HommSettings.HandDefaults with
        {
            Model = new HommModelSettings(dim, layers, Patch: 7, Order: 2, OrderExpand: 2, FfwExpand: 2, dropout, "cls"),
            Optim = new HommOptimSettings(lr, Wd: 0.01, warmup, steps, batch, Clip: 1.0),
            Data = HommSettings.HandDefaults.Data with { Path = FashionMnist.DefaultPath },
            EvalEvery = evalEvery,
            Seed = 0,
            Threads = 1,
            Device = "cpu",
        };

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "homm-train-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
