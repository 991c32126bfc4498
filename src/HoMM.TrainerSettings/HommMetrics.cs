namespace HoMM.TrainerSettings;

/// <summary>A metric homm-train reports: its name in the metrics lines and what it measures.</summary>
/// <param name="Name">The key in <c>{"step":N,"metrics":{…}}</c> and in the final line.</param>
/// <param name="Meaning">What it measures.</param>
/// <param name="AtEndOnly">Reported in the final line only, not at every evaluation (a pruner never sees it).</param>
public sealed record HommMetric(string Name, string Meaning, bool AtEndOnly = false);

/// <summary>
/// The metrics homm-train reports (src/HoMM.Trainer/Training/TrainingRun.cs; a test runs it and
/// compares): a study with the built-in trainer must optimise one of them. One line adds a metric.
/// </summary>
public static class HommMetrics
{
    public static IReadOnlyList<HommMetric> Reported { get; } =
    [
        new("val/acc", "top-1 accuracy on the validation images (held out of the training images)"),
        new("val/acc5", "top-5 accuracy on the validation images (data sets of 5 classes or more)"),
        new("val/loss", "cross-entropy on the validation images"),
        new("train/acc", "training accuracy since the previous evaluation"),
        new("train/loss", "training loss since the previous evaluation"),
        new("lr", "the learning rate at the evaluation's step"),
        new("test/acc", "top-1 accuracy on the test images, once after the last step (never an objective)", AtEndOnly: true),
        new("test/acc5", "top-5 accuracy on the test images, once after the last step (never an objective)", AtEndOnly: true),
        new("test/loss", "cross-entropy on the test images, once after the last step (never an objective)", AtEndOnly: true),
    ];

    public static IEnumerable<string> Names => Reported.Select(m => m.Name);

    public static HommMetric? Find(string name) => Reported.FirstOrDefault(m => m.Name == name);

    /// <summary>The reported metric a misspelt name most likely meant: the closest by edit distance, else the
    /// longest one the name starts with ("val/accuracy" → "val/acc"); null when none is close.</summary>
    public static string? Suggest(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return HoMM.Core.Constraints.NameSuggestion.Closest(name, Names)
               ?? Names.Where(m => name.StartsWith(m, StringComparison.OrdinalIgnoreCase) && m.Contains('/', StringComparison.Ordinal))
                   .MaxBy(m => m.Length);
    }
}
