using HoMM.TrainerSettings;

namespace HoMM.TrainerSettings.Tests;

public sealed class HommShapeTests
{
    [Fact]
    public void Of_FashionMnistSettings_TakesTheModelAndTheDatasetsFormat()
    {
        var settings = HommSettings.HandDefaults with { Model = HommSettings.HandDefaults.Model with { Dim = 48, OrderExpand = 3 } };

        var shape = HommShape.Of(settings);

        Assert.Equal(new HommShape(48, 2, 7, 2, 3, 4, ImageSize: 28, Channels: 1, Classes: 10), shape);
    }

    [Fact]
    public void Of_ImageFolder_NeedsItsClassesCounted()
    {
        var settings = HommSettings.HandDefaults with { Data = HommSettings.HandDefaults.Data with { Dataset = "imagefolder", Path = "/data/x", ImageSize = 160 } };

        Assert.Throws<ArgumentException>(() => HommShape.Of(settings));
        Assert.Equal((160, 3, 1000), HommShape.Of(settings, classes: 1000) is var s ? (s.ImageSize, s.Channels, s.Classes) : default);
    }
}
