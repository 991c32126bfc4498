using System.Text.RegularExpressions;
using HoMM.Cli.Tests.Common;
using HoMM.Cli.Validate;

namespace HoMM.Cli.Tests.Validate;

/// <summary>
/// Every <c>$ ./homm-search validate FILE</c> block of docs/study-file.md is what validate really
/// prints for that file, so the documented samples cannot drift from the program.
/// </summary>
public partial class DocumentedOutputTests
{
    public static TheoryData<string, string> Samples()
    {
        var data = new TheoryData<string, string>();
        var doc = File.ReadAllText(Path.Combine(Repository.Root, "docs", "study-file.md"));
        foreach (Match m in ConsoleBlock().Matches(doc))
            data.Add(m.Groups["file"].Value, m.Groups["output"].Value);
        return data;
    }

    [Fact]
    public void Samples_CoverAValidAndABrokenFile()
    {
        var files = Samples().Select(row => (string)row[0]).ToList();

        Assert.Contains("studies/quickstart.yaml", files);
        Assert.Contains("examples/broken.yaml", files);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Validate_DocumentedFile_PrintsWhatTheDocShows(string file, string documented)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = ValidateCommand.Run(Path.Combine(Repository.Root, file), output, error);

        var printed = (error.ToString() + output.ToString()).Replace(Repository.Root + "/", "", StringComparison.Ordinal);
        Assert.Equal(documented.ReplaceLineEndings("\n"), printed.ReplaceLineEndings("\n"));
        Assert.Equal(documented.StartsWith("ok: ", StringComparison.Ordinal) ? ValidateCommand.ExitValid : ValidateCommand.ExitInvalid, exit);
    }

    [GeneratedRegex(@"```console\n\$ \./homm-search validate (?<file>\S+)\n(?<output>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ConsoleBlock();
}
