using HoMM.StudyFiles.Diagnostics;

namespace HoMM.StudyFiles.Tests;

/// <summary>A valid study file to derive test cases from, and assertions on results.</summary>
internal static class StudyYaml
{
    public const string Valid = """
        name: test-study
        objective: {metric: val/acc, direction: maximize}
        search_space:
          lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
          order: {type: int, low: 1, high: 4}
          order_expand: {type: int, low: 1, high: 8}
          pooling: {type: categorical, choices: [cls, mean]}
        constraints:
          - order * order_expand <= 16
        sampler: {kind: tpe, seed: 1}
        pruner: {kind: median}
        budget: {max_trials: 10, max_parallel: 2, timeout: 1h}
        trainer:
          model: {dim: 32, layers: 2, patch: 4, order: 2, order_expand: 2}
          optim: {lr: 1.0e-3, steps: 200, batch: 32}
          data: {dataset: fashion-mnist}
          eval_every: 50
        resources: {cpu_slots: 2}
        """;

    public static StudyFileResult Parse(string yaml) => StudyFile.Parse(yaml, "test.yaml");

    public static StudyDefinition ParseValid(string yaml)
    {
        var result = Parse(yaml);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        return result.Definition!;
    }

    /// <summary>The file's single error (fails listing all of them when there are several or none).</summary>
    public static StudyFileDiagnostic SingleError(string yaml)
    {
        var result = Parse(yaml);
        Assert.False(result.Succeeded);
        Assert.True(result.Errors.Count == 1, "expected one error, got:" + Environment.NewLine + string.Join(Environment.NewLine, result.Errors));
        return result.Errors[0];
    }

    /// <summary>Replaces one line of <see cref="Valid"/> (matched by its trimmed start) with <paramref name="replacement"/>.</summary>
    public static string With(string lineStart, string replacement)
    {
        var lines = Valid.Split('\n').ToList();
        var index = lines.FindIndex(l => l.TrimStart().StartsWith(lineStart, StringComparison.Ordinal));
        Assert.True(index >= 0, $"no line starts with '{lineStart}'");
        lines[index] = replacement;
        return string.Join('\n', lines);
    }

    public static string Without(string lineStart) =>
        string.Join('\n', Valid.Split('\n').Where(l => !l.TrimStart().StartsWith(lineStart, StringComparison.Ordinal)));
}
