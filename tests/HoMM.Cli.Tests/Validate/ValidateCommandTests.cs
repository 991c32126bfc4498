using System.CommandLine;
using System.Diagnostics;
using HoMM.Cli.Validate;

namespace HoMM.Cli.Tests.Validate;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("homm-validate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string yaml, string name = "study.yaml")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private static (int Exit, string Output, string Error) Run(string path)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = ValidateCommand.Run(path, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Run_ValidStudy_PrintsOkAndASummaryOfTheSpace()
    {
        var path = Write(BrokenStudyCorpus.Valid);

        var (exit, output, error) = Run(path);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.StartsWith($"ok: {path}", output, StringComparison.Ordinal);
        Assert.Contains("objective   maximize val/acc", output, StringComparison.Ordinal);
        Assert.Contains("parameters  5", output, StringComparison.Ordinal);
        Assert.Contains("lr            float [0.0001, 0.01] log", output, StringComparison.Ordinal);
        Assert.Contains("pooling       one of [cls, mean]", output, StringComparison.Ordinal);
        Assert.Contains("dropout       float [0, 0.3]   when pooling is mean", output, StringComparison.Ordinal);
        Assert.Contains("constraints order * order_expand <= 16; max_params 26M", output, StringComparison.Ordinal);
        Assert.Contains("sampler     tpe (seed 1, n_startup_trials 5, multivariate true)", output, StringComparison.Ordinal);
        Assert.Contains("pruner      asha (min_resource 50, reduction_factor 3)", output, StringComparison.Ordinal);
        Assert.Contains("budget      10 trials, at most 1h, 2 at a time", output, StringComparison.Ordinal);
        Assert.Contains("resources   2 CPU slots", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ConstraintOf100000Terms_LocatedErrorNotAStackOverflow()
    {
        var chain = string.Join(" + ", Enumerable.Repeat("order", 100_000));
        var path = Write(BrokenStudyCorpus.Valid.Replace("  - order * order_expand <= 16", $"  - {chain} <= 16", StringComparison.Ordinal));

        var (exit, _, error) = Run(path);

        Assert.Equal(ValidateCommand.ExitInvalid, exit);
        Assert.Contains($"{path}:13:", error, StringComparison.Ordinal);
        Assert.Contains("at most 1000", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lr > 5", "lr lies in [0.0001, 0.01]")]
    [InlineData("order * order_expand > 100", "order lies in [1, 4], order_expand lies in [1, 8]")]
    [InlineData("pooling == 'max'", "pooling is one of 'cls', 'mean'")]
    public void Run_ConstraintNoConfigurationMeets_LocatedErrorWithTheBounds(string constraint, string bounds)
    {
        var path = Write(BrokenStudyCorpus.Valid.Replace("  - order * order_expand <= 16", $"  - \"{constraint}\"", StringComparison.Ordinal));

        var (exit, _, error) = Run(path);

        Assert.Equal(ValidateCommand.ExitInvalid, exit);
        Assert.Contains($"{path}:13:5", error, StringComparison.Ordinal);
        Assert.Contains("can never hold", error, StringComparison.Ordinal);
        Assert.Contains(bounds, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ErrorOnA200KbLine_EchoesOnlyThePartAroundTheColumn()
    {
        var path = Write(BrokenStudyCorpus.Valid.Replace("description: base study for the broken-file corpus",
            "description: " + new string('d', 200_000) + "\nbogus: 1", StringComparison.Ordinal)
            .Replace("  - order * order_expand <= 16", "  - \"order * order_expand <= 16 " + new string(' ', 100_000) + "@ 2\"", StringComparison.Ordinal));

        var (exit, _, error) = Run(path);

        Assert.Equal(ValidateCommand.ExitInvalid, exit);
        Assert.InRange(error.Length, 100, 4000);
        Assert.Contains("… ", error, StringComparison.Ordinal);
        var lines = error.Split('\n');
        var echoed = lines.First(l => l.Contains("@ 2", StringComparison.Ordinal));
        var caret = lines[Array.IndexOf(lines, echoed) + 1];
        Assert.Equal(echoed.IndexOf('@', StringComparison.Ordinal), caret.IndexOf('^', StringComparison.Ordinal));
    }

    [Fact]
    public void Run_FiniteSpace_CountsCombinations()
    {
        var yaml = BrokenStudyCorpus.Valid
            .Replace("  lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}", "  lr: [1.0e-4, 1.0e-3]", StringComparison.Ordinal)
            .Replace("  dropout: {type: float, low: 0.0, high: 0.3, when: {pooling: mean}}\n", "", StringComparison.Ordinal);

        var (exit, output, _) = Run(Write(yaml));

        Assert.Equal(0, exit);
        Assert.Contains("parameters  4 (128 combinations)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_InvalidStudy_PrintsEachErrorWithTheLineAndACaret()
    {
        var path = Write(BrokenStudyCorpus.Valid
            .Replace("low: 1.0e-4, high: 1.0e-2, log: true", "low: 0, high: 1.0e-2, log: true", StringComparison.Ordinal)
            .Replace("kind: asha", "kind: ashа", StringComparison.Ordinal));

        var (exit, output, error) = Run(path);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        var lines = error.Split(Environment.NewLine);
        Assert.Equal($"{path}:7:26: error: search_space.lr.low: low (0) must be > 0 when log: true (e.g. low: 1e-4), or drop log", lines[0]);
        Assert.Equal("  7 |   lr: {type: float, low: 0, high: 1.0e-2, log: true}", lines[1]);
        Assert.Equal("    |                          ^", lines[2]);
        Assert.Contains("pruner.kind: unknown pruner 'ashа'", lines[3], StringComparison.Ordinal);
        Assert.Contains($"{path} is not valid: 2 errors", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Warnings_AreShownButTheFileIsValid()
    {
        var (exit, output, error) = Run(Write(BrokenStudyCorpus.Valid.Replace("patch: 4", "patch: 5", StringComparison.Ordinal)));

        Assert.Equal(0, exit);
        Assert.StartsWith("ok:", output, StringComparison.Ordinal);
        Assert.Contains("warning: trainer.model.patch", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingFile_ExitsTwo()
    {
        var (exit, _, error) = Run(Path.Combine(_dir, "nope.yaml"));

        Assert.Equal(2, exit);
        Assert.Contains("nope.yaml: error: (top level): no such file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_ParsedFromArguments_UsesTheConfiguredWriters()
    {
        var path = Write(BrokenStudyCorpus.Valid);
        var root = new RootCommand { ValidateCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = root.Parse(["validate", path]).Invoke(new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(0, exit);
        Assert.StartsWith("ok:", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HommSearch_Validate_IsRegisteredAndExitsTwoOnABrokenFile()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "homm-search.dll");
        var broken = Write("name: x\n", "broken.yaml");
        var start = new ProcessStartInfo("dotnet", [cli, "validate", broken])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));

        Assert.Equal(2, process.ExitCode);
        Assert.Contains($"{broken}:1:1: error: objective: 'objective' is missing", error, StringComparison.Ordinal);
    }
}
