using System.Text;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.StudyFiles.Diagnostics;

namespace HoMM.StudyFiles.Tests;

public class StudyFileTests
{
    [Fact]
    public void Parse_ValidStudy_BuildsTheWholeDefinition()
    {
        var study = StudyYaml.ParseValid(StudyYaml.Valid);

        Assert.Equal("test-study", study.Name);
        Assert.Equal(new ObjectiveDefinition("val/acc", StudyDirection.Maximize), study.Objective);
        Assert.Equal(["lr", "order", "order_expand", "pooling"], study.SearchSpace.Parameters.Select(p => p.Name));
        Assert.Equal(new FloatDistribution(1e-4, 1e-2, log: true), study.SearchSpace.Parameters[0].Distribution);
        Assert.Equal(new IntDistribution(1, 4), study.SearchSpace.Parameters[1].Distribution);
        Assert.Equal(new CategoricalDistribution(["cls", "mean"]), study.SearchSpace.Parameters[3].Distribution);
        Assert.Equal("order * order_expand <= 16", Assert.Single(study.Constraints.Expressions).Text);
        Assert.Equal("tpe", study.Sampler.Kind);
        Assert.Equal(1, study.Sampler.Seed);
        Assert.Equal("median", study.Pruner.Kind);
        Assert.Equal(new BudgetDefinition(10, 2, TimeSpan.FromHours(1)), study.Budget);
        Assert.Equal(2, study.Resources.CpuSlots);
        Assert.Empty(study.EnqueuedTrials);
        Assert.Null(study.SourcePath);
    }

    [Fact]
    public void Parse_OptionalSectionsLeftOut_UseDefaults()
    {
        var study = StudyYaml.ParseValid(StudyYaml.Without("sampler:").Replace("pruner: {kind: median}\n", "", StringComparison.Ordinal)
            .Replace("resources: {cpu_slots: 2}", "", StringComparison.Ordinal).Replace("constraints:\n  - order * order_expand <= 16\n", "", StringComparison.Ordinal));

        Assert.Equal("tpe", study.Sampler.Kind);
        Assert.Null(study.Sampler.Seed);
        Assert.Equal("nop", study.Pruner.Kind);
        Assert.Equal(ResourcesDefinition.Default, study.Resources);
        Assert.True(study.Constraints.IsEmpty);
    }

    [Theory]
    [InlineData("name: test-study", "name: ''", "name", "not a valid study name")]
    [InlineData("name: test-study", "name: my study", "name", "not a valid study name")]
    [InlineData("name: test-study", "name: \"fmnist\\n\"", "name", "not a valid study name")]
    [InlineData("name: test-study", "name: 42", "name", "put it in quotes")]
    [InlineData("name: test-study", "name: [a]", "name", "found a list")]
    [InlineData("objective:", "objective: {metric: val acc, direction: maximize}", "objective.metric", "not a valid metric name")]
    [InlineData("objective:", "objective: {metric: test/acc, direction: maximize}", "objective.metric", "'test/acc' is a test-set metric: trainers report test/* once, in the final line, and a search that selected on it would report an optimistic best; optimise the validation metric (e.g. val/acc)")]
    [InlineData("objective:", "objective: {metric: val/acc, direction: max}", "objective.direction", "did you mean 'maximize'?")]
    [InlineData("objective:", "objective: {metric: val/acc}", "objective.direction", "'direction' is missing")]
    [InlineData("objective:", "objective: {metric: val/acc, direction: maximize, goal: 0.9}", "objective.goal", "unknown key 'goal'")]
    [InlineData("objective:", "objective: val/acc", "objective", "expected a mapping")]
    [InlineData("budget:", "budget: {max_parallel: 2}", "budget.max_trials", "never end")]
    [InlineData("budget:", "budget: {max_trials: 0}", "budget.max_trials", "out of range")]
    [InlineData("budget:", "budget: {max_trials: 1.5}", "budget.max_trials", "expected an integer")]
    [InlineData("budget:", "budget: {max_trials: 10, timeout: 10x}", "budget.timeout", "not a duration")]
    [InlineData("budget:", "budget: {max_trials: 10, timeout: 0h}", "budget.timeout", "positive")]
    [InlineData("budget:", "budget: {max_trials: 10, timeout: 999d}", "budget.timeout", "longer than the limit")]
    [InlineData("budget:", "budget: {max_trials: 10, max_paralel: 2}", "budget.max_paralel", "did you mean 'max_parallel'?")]
    [InlineData("resources:", "resources: {gpus: [0, 0]}", "resources.gpus[1]", "listed twice")]
    [InlineData("resources:", "resources: {gpus: []}", "resources.gpus", "empty")]
    [InlineData("resources:", "resources: {gpus: [0], cpu_slots: 2}", "resources.cpu_slots", "not both")]
    [InlineData("resources:", "resources: {gpus: all}", "resources.gpus", "or auto")]
    [InlineData("resources:", "resources: {cpu_slots: 0}", "resources.cpu_slots", "out of range")]
    [InlineData("resources:", "resources: {cpu_slot: 2}", "resources.cpu_slot", "did you mean 'cpu_slots'?")]
    [InlineData("resources:", "resources: {cpu_slots: 2, trials_per_gpu: 2}", "resources.trials_per_gpu", "needs gpus")]
    [InlineData("resources:", "resources: {gpus: auto, trials_per_gpu: 0}", "resources.trials_per_gpu", "out of range")]
    [InlineData("resources:", "resources: {gpus: auto, trials_per_gpu: two}", "resources.trials_per_gpu", "")]
    [InlineData("name: test-study", "name: test-study\nversion: 2", "version", "version 1")]
    [InlineData("name: test-study", "name: test-study\nsearchspace: {}", "searchspace", "did you mean 'search_space'?")]
    public void Parse_BadTopLevelSection_ReportsFieldAndFix(string line, string replacement, string path, string fragment)
    {
        var error = StudyYaml.SingleError(StudyYaml.With(line, replacement));

        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.True(error.Line > 0 && error.Column > 0);
        Assert.Equal("test.yaml", error.File);
    }

    [Fact]
    public void Parse_TrialsPerGpu_GivesEachGpuThatManySlots()
    {
        var study = StudyYaml.ParseValid(StudyYaml.With("resources:", "resources: {gpus: [0, 1], trials_per_gpu: 3}"));

        Assert.Equal([0, 1], study.Resources.GpuIds);
        Assert.Equal(3, study.Resources.TrialsPerGpu);
        Assert.Equal(1, StudyYaml.ParseValid(StudyYaml.With("resources:", "resources: {gpus: auto}")).Resources.TrialsPerGpu);
        Assert.False(study.Resources.AutoTrialsPerGpu);
    }

    [Fact]
    public void Parse_TrialsPerGpuAutoWithTheBuiltInTrainer_IsLeftToTheSlotPlanner()
    {
        var study = StudyYaml.ParseValid(StudyYaml.With("resources:", "resources: {gpus: [0, 1], trials_per_gpu: auto}"));

        Assert.True(study.Resources.AutoTrialsPerGpu);
        Assert.Equal([0, 1], study.Resources.GpuIds);
    }

    [Theory]
    [InlineData("name:")]
    [InlineData("objective:")]
    [InlineData("search_space:")]
    [InlineData("budget:")]
    [InlineData("trainer:")]
    public void Parse_RequiredSectionMissing_NamesIt(string section)
    {
        var result = StudyYaml.Parse(RemoveSection(StudyYaml.Valid, section.TrimEnd(':')));

        Assert.Contains(result.Errors, e => e.Path == section.TrimEnd(':') && e.Message.Contains("is missing", StringComparison.Ordinal));
    }

    private static string RemoveSection(string yaml, string section)
    {
        var lines = yaml.Split('\n').ToList();
        var start = lines.FindIndex(l => l.StartsWith(section + ":", StringComparison.Ordinal));
        var end = start + 1;
        while (end < lines.Count && lines[end].StartsWith(' '))
            end++;
        lines.RemoveRange(start, end - start);
        return string.Join('\n', lines);
    }

    [Fact]
    public void Parse_SeveralBrokenSections_ReportsEveryOneInFileOrder()
    {
        var yaml = StudyYaml.Valid
            .Replace("direction: maximize", "direction: up", StringComparison.Ordinal)
            .Replace("high: 1.0e-2", "high: 1.0e-5", StringComparison.Ordinal)
            .Replace("kind: median", "kind: medain", StringComparison.Ordinal)
            .Replace("max_trials: 10", "max_trials: -1", StringComparison.Ordinal);

        var errors = StudyYaml.Parse(yaml).Errors;

        Assert.Equal(["objective.direction", "search_space.lr.low", "pruner.kind", "budget.max_trials"], errors.Select(e => e.Path));
        Assert.Equal(errors.OrderBy(e => e.Line).ThenBy(e => e.Column), errors);
        Assert.Contains("did you mean 'median'?", errors[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Diagnostic_ToString_IsCompilerStyle()
    {
        var error = StudyYaml.SingleError(StudyYaml.With("lr:", "  lr: {type: float, low: 0, high: 1.0e-2, log: true}"));

        Assert.Equal("test.yaml:4:26: error: search_space.lr.low: low (0) must be > 0 when log: true (e.g. low: 1e-4), or drop log", error.ToString());
    }

    [Fact]
    public void GetDefinitionOrThrow_InvalidFile_ThrowsWithEveryError()
    {
        var result = StudyYaml.Parse(StudyYaml.Valid.Replace("max_trials: 10", "max_trials: x", StringComparison.Ordinal).Replace("cpu_slots: 2", "cpu_slots: y", StringComparison.Ordinal));

        var e = Assert.Throws<StudyFileException>(result.GetDefinitionOrThrow);
        Assert.Equal(2, e.Errors.Count);
        Assert.Contains("budget.max_trials", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ParallelAboveTrials_WarnsButSucceeds()
    {
        var result = StudyYaml.Parse(StudyYaml.With("budget:", "budget: {max_trials: 2, max_parallel: 4}").Replace("cpu_slots: 2", "cpu_slots: 4", StringComparison.Ordinal));

        Assert.True(result.Succeeded);
        Assert.Contains(result.Warnings, w => w.Path == "budget.max_parallel");
    }

    [Fact]
    public void Load_File_RecordsFullSourcePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"homm-study-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, StudyYaml.Valid);
        try
        {
            var result = StudyFile.Load(path);

            Assert.True(result.Succeeded);
            Assert.Equal(Path.GetFullPath(path), result.Definition!.SourcePath);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_MissingFile_IsAnErrorNotAnException()
    {
        var result = StudyFile.Load("/nonexistent/study.yaml");

        var e = Assert.Single(result.Errors);
        Assert.Equal("no such file", e.Message);
        Assert.Equal("/nonexistent/study.yaml: error: (top level): no such file", e.ToString());
    }

    [Fact]
    public void Load_Directory_SaysSo() =>
        Assert.Contains("directory", Assert.Single(StudyFile.Load(Path.GetTempPath()).Errors).Message, StringComparison.Ordinal);

    [Fact]
    public void Load_InvalidUtf8_ReportsLineAndColumnOfTheByte()
    {
        var bytes = Encoding.UTF8.GetBytes("name: x\nobjective: caf").Concat(new byte[] { 0xE9, 0x0A }).ToArray();
        var error = LoadBytes(bytes);

        Assert.Equal((2, 15), (error.Line, error.Column));
        Assert.Contains("not valid UTF-8 (byte 0xE9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Utf16_AsksForUtf8() =>
        Assert.Contains("UTF-16", LoadBytes(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("name: x")).ToArray()).Message, StringComparison.Ordinal);

    [Fact]
    public void Load_Utf8WithByteOrderMark_Succeeds()
    {
        var path = Path.Combine(Path.GetTempPath(), $"homm-study-{Guid.NewGuid():N}.yaml");
        File.WriteAllBytes(path, Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(StudyYaml.Valid)).ToArray());
        try
        {
            Assert.True(StudyFile.Load(path).Succeeded);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_HugeFile_IsRefusedBeforeParsing()
    {
        var error = LoadBytes(Encoding.UTF8.GetBytes("# " + new string('x', StudyFile.MaxBytes)));

        Assert.Contains("at most", error.Message, StringComparison.Ordinal);
    }

    private static StudyFileDiagnostic LoadBytes(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"homm-study-{Guid.NewGuid():N}.yaml");
        File.WriteAllBytes(path, bytes);
        try
        {
            return Assert.Single(StudyFile.Load(path).Errors);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
