using System.CommandLine;
using HoMM.ImageData;
using HoMM.ImageData.Export;
using HoMM.ImageData.Index;

namespace HoMM.Cli.Data;

/// <summary>
/// <c>homm-search data …</c>: image folders for training and testing without ImageNet —
/// <c>export-folder fashion-mnist DIR</c> writes Fashion-MNIST as a JPEG/PNG class-folder tree,
/// <c>synthetic DIR</c> writes a synthetic ImageNet-like folder (docs/data.md).
/// </summary>
public static class DataCommand
{
    public const int ExitSuccess = 0;
    public const int ExitFailure = 1;

    public static Command Create()
    {
        var command = new Command("data", "Write image folders (ImageNet layout) to train and test on: Fashion-MNIST as images, or a synthetic set");
        command.Subcommands.Add(ExportFolder());
        command.Subcommands.Add(Synthetic());
        return command;
    }

    private static Command ExportFolder()
    {
        var command = new Command("export-folder", "Write a data set as DIR/train/<class>/* and DIR/val/<class>/* (val/ from its test images)");
        var dataset = new Argument<string>("dataset") { Description = "the data set: fashion-mnist" };
        dataset.AcceptOnlyFromAmong("fashion-mnist");
        var dir = new Argument<string>("dir") { Description = "the folder to write" };
        var format = new Option<string>("--format") { Description = "jpeg or png", DefaultValueFactory = _ => "jpeg" };
        format.AcceptOnlyFromAmong("jpeg", "png");
        var limit = new Option<int?>("--limit") { Description = "write only the first N images of each split" };
        var source = new Option<string>("--source") { Description = "the folder with the IDX files", DefaultValueFactory = _ => FashionMnistFolder.DefaultSource };
        command.Arguments.Add(dataset);
        command.Arguments.Add(dir);
        command.Options.Add(format);
        command.Options.Add(limit);
        command.Options.Add(source);
        command.SetAction(parse => RunExport(
            parse.GetValue(source)!, parse.GetValue(dir)!, parse.GetValue(format) == "png" ? ImageFileFormat.Png : ImageFileFormat.Jpeg, parse.GetValue(limit),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static Command Synthetic()
    {
        var command = new Command("synthetic", "Write a synthetic ImageNet-like folder: photo-sized JPEGs (300-500 px) whose content depends on the class");
        var dir = new Argument<string>("dir") { Description = "the folder to write" };
        var classes = new Option<int>("--classes") { Description = "number of classes", DefaultValueFactory = _ => 10 };
        var perClass = new Option<int>("--per-class") { Description = "training images per class", DefaultValueFactory = _ => 100 };
        var valPerClass = new Option<int?>("--val-per-class") { Description = "test (val/) images per class; default per-class / 5, at least 2" };
        var seed = new Option<long>("--seed") { Description = "the same seed writes the same files", DefaultValueFactory = _ => 0 };
        command.Arguments.Add(dir);
        command.Options.Add(classes);
        command.Options.Add(perClass);
        command.Options.Add(valPerClass);
        command.Options.Add(seed);
        command.SetAction(parse => RunSynthetic(
            parse.GetValue(dir)!, parse.GetValue(classes), parse.GetValue(perClass), parse.GetValue(valPerClass), parse.GetValue(seed),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Writes Fashion-MNIST from <paramref name="source"/> as an image folder at <paramref name="dir"/>.</summary>
    public static int RunExport(string source, string dir, ImageFileFormat format, int? limit, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (limit is < 1)
        {
            error.WriteLine($"error: --limit {limit} must be at least 1");
            return ExitFailure;
        }

        return Guard(error, () =>
        {
            var (train, val) = FashionMnistFolder.Write(source, dir, format, limit);
            return Summary(output, dir, train, val);
        });
    }

    /// <summary>Writes a synthetic image folder at <paramref name="dir"/>.</summary>
    public static int RunSynthetic(string dir, int classes, int perClass, int? valPerClass, long seed, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (classes < 1 || perClass < 1 || valPerClass is < 1)
        {
            error.WriteLine($"error: --classes ({classes}), --per-class ({perClass}) and --val-per-class ({valPerClass}) must be at least 1");
            return ExitFailure;
        }

        return Guard(error, () =>
        {
            var (train, val) = SyntheticImageFolder.Write(dir, classes, perClass, valPerClass ?? Math.Max(2, perClass / 5), seed);
            return Summary(output, dir, train, val);
        });
    }

    private static int Summary(TextWriter output, string dir, int train, int val)
    {
        // Index it once now: the first trial then starts from the cache, and a broken folder shows here.
        var index = ImageFolderIndex.Open(dir);
        output.WriteLine($"wrote {train} training and {val} test images to {Path.GetFullPath(dir)} ({index.Classes.Count} classes; train/ and val/)");
        return ExitSuccess;
    }

    private static int Guard(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ImageDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitFailure;
        }
    }
}
