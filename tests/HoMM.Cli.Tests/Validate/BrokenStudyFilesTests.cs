using HoMM.Cli.Validate;
using HoMM.StudyFiles;

namespace HoMM.Cli.Tests.Validate;

/// <summary>
/// Hundreds of broken study files: each must yield at least one located error naming its field,
/// and `validate` must exit with 2, never with an unhandled exception.
/// </summary>
public sealed class BrokenStudyFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("homm-broken-studies-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Corpus_HasAtLeastTwoHundredDistinctCases()
    {
        var cases = BrokenStudyCorpus.Cases().ToList();

        Assert.True(cases.Count + BrokenStudyCorpus.ByteCases().Count() >= 200, $"only {cases.Count} cases");
        var duplicates = cases.GroupBy(c => c.Yaml).Where(g => g.Count() > 1).Select(g => string.Join(" = ", g.Select(c => c.Name)));
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Corpus_BaseStudies_AreValid()
    {
        Assert.True(StudyFile.Parse(BrokenStudyCorpus.Valid).Succeeded, string.Join('\n', StudyFile.Parse(BrokenStudyCorpus.Valid).Diagnostics));
        Assert.True(StudyFile.Parse(BrokenStudyCorpus.ValidCommand).Succeeded, string.Join('\n', StudyFile.Parse(BrokenStudyCorpus.ValidCommand).Diagnostics));
    }

    [Fact]
    public void EveryBrokenFile_YieldsLocatedErrorsWithFieldPaths_AndValidateExitsTwo()
    {
        var problems = new List<string>();
        var files = BrokenStudyCorpus.Cases().Select((c, i) => (c.Name, Write(i, c.Yaml)))
            .Concat(BrokenStudyCorpus.ByteCases().Select((c, i) => (c.Name, WriteBytes(i, c.Bytes))));
        var count = 0;
        foreach (var (name, path) in files)
        {
            count++;
            var result = StudyFile.Load(path);
            if (result.Succeeded || result.Errors.Count == 0)
            {
                problems.Add($"{name}: accepted{Environment.NewLine}{File.ReadAllText(path)}");
                continue;
            }
            foreach (var e in result.Errors)
            {
                if (e.Line <= 0 || e.Column <= 0 || string.IsNullOrWhiteSpace(e.Path) || string.IsNullOrWhiteSpace(e.Message) || e.File != path)
                    problems.Add($"{name}: unlocated or unnamed error: {e}");
            }

            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = ValidateCommand.Run(path, output, error);
            if (exit != ValidateCommand.ExitInvalid)
                problems.Add($"{name}: validate exited {exit}");
            if (!error.ToString().Contains($"{path}:{result.Errors[0].Line}:{result.Errors[0].Column}: error: ", StringComparison.Ordinal))
                problems.Add($"{name}: validate did not print the located error:{Environment.NewLine}{error}");
            if (output.ToString().Length != 0)
                problems.Add($"{name}: validate printed a summary for an invalid file");
        }

        Assert.True(count >= 200, $"only {count} broken files");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, problems));
    }

    private string Write(int index, string yaml)
    {
        var path = Path.Combine(_dir, $"case-{index:D3}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private string WriteBytes(int index, byte[] bytes)
    {
        var path = Path.Combine(_dir, $"bytes-{index:D3}.yaml");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
