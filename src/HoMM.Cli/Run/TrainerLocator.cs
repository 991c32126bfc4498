using HoMM.ImageData;
using HoMM.ImageData.Index;
using HoMM.StudyFiles.Constraints;
using HoMM.TrainerSettings;

namespace HoMM.Cli.Run;

/// <summary>Finds the built-in trainer and counts its models for the study constraints.</summary>
internal static class TrainerLocator
{
    /// <summary>The environment variable that names the homm-train executable explicitly.</summary>
    public const string EnvironmentVariable = "HOMM_TRAIN";

    /// <summary>
    /// homm-train: <c>$HOMM_TRAIN</c>; else next to this CLI (a build that copies it along); else
    /// <c>../trainer/homm-train</c> from the CLI's folder (<c>./homm-search</c> builds the CLI into
    /// <c>.build/cli</c> and the trainer into <c>.build/trainer</c>); else on PATH. Null when none exists.
    /// </summary>
    public static string? FindHommTrain()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } explicitPath)
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        var here = AppContext.BaseDirectory;
        foreach (var candidate in new[] { Path.Combine(here, "homm-train"), Path.Combine(here, "..", "trainer", "homm-train") })
        {
            if (File.Exists(candidate))
                return Path.GetFullPath(candidate);
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "homm-train");
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    /// <summary>HommComplexity for the model a trial's settings describe (constraints max_params / max_flops).</summary>
    public static ModelSize CountModel(HommTrainerSettings settings)
    {
        var shape = Shape(settings);
        return new ModelSize(HommComplexity.Parameters(shape), HommComplexity.Flops(shape));
    }

    /// <summary>The model a trial's settings describe, its classes counted where the data is (constraints, trials_per_gpu: auto).</summary>
    public static HommShape Shape(HommTrainerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var classes = HommDataset.Find(settings.Data.Dataset)?.Classes ?? CountClasses(settings.Data.Path);
        return HommShape.Of(settings, classes);
    }

    /// <summary>This machine's slots for <paramref name="definition"/> (trials_per_gpu: auto sized with this machine's GPUs).</summary>
    /// <exception cref="HoMM.Dispatch.Slots.SlotPlanException">The resources cannot be met here.</exception>
    public static HoMM.Dispatch.Slots.SlotPlan PlanSlots(HoMM.StudyFiles.StudyDefinition definition, Func<IReadOnlyList<HoMM.Dispatch.Slots.GpuInfo>>? detectGpus = null) =>
        HoMM.Dispatch.Slots.SlotPlanner.ForStudy(definition, Environment.ProcessorCount, detectGpus, Shape, StudyRules.For(definition, CountModel));

    /// <summary>
    /// An image folder's classes by the index's own rule (<see cref="ImageFolderIndex.ClassNames"/>:
    /// the folders of train/), so the counted model is the one homm-train builds; 1000 (ImageNet)
    /// when the folder is not on this machine or not yet an image folder (validate on a laptop).
    /// </summary>
    private static int CountClasses(string path)
    {
        try
        {
            return ImageFolderIndex.ClassNames(path).Count;
        }
        catch (ImageDataException)
        {
            return 1000;
        }
    }
}
