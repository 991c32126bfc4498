using HoMM.TrainerSettings;

namespace HoMM.TrainerSettings.Tests;

public sealed class HommMetricsTests
{
    [Theory]
    [InlineData("val/accuracy", "val/acc")]
    [InlineData("val/acc_top1", "val/acc")]
    [InlineData("val/los", "val/loss")]
    [InlineData("Val/Acc", "val/acc")]
    [InlineData("train_loss", "train/loss")]
    [InlineData("bleu", null)]
    public void Suggest_MisspeltMetric_GivesTheLikelyOne(string name, string? expected) =>
        Assert.Equal(expected, HommMetrics.Suggest(name));
}
