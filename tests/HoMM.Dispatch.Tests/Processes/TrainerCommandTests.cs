using System.Text.Json;
using HoMM.Dispatch.Processes;

namespace HoMM.Dispatch.Tests.Processes;

public class TrainerCommandTests
{
    private static TrainerCommandContext Context(Dictionary<string, object> parameters, bool resume = false, string? studyDir = null) =>
        new(parameters, "/runs/s/trial-3", "/runs/s/trial-3/trial.json", 3, resume, "fmnist", studyDir);

    [Fact]
    public void Render_Custom_SubstitutesInsideArgumentsAndUnescapesBraces()
    {
        var command = TrainerCommand.Custom(["python3", "/x/train.py", "--lr={lr}", "--order", "{order}", "{{x}}", "{act}-{order}", "--out={trial_dir}/o", "{trial_number}", "{params_file}", "{study}"]);

        var argv = command.Render(Context(new() { ["lr"] = 1e-5, ["order"] = 2L, ["act"] = "gelu" }));

        Assert.Equal(["python3", "/x/train.py", "--lr=1e-05", "--order", "2", "{x}", "gelu-2", "--out=/runs/s/trial-3/o", "3", "/runs/s/trial-3/trial.json", "fmnist"], argv);
    }

    [Fact]
    public void Render_BuiltIn_PassesConfigAndResume()
    {
        var command = TrainerCommand.HommTrain("/opt/homm/homm-train");

        Assert.Equal(["/opt/homm/homm-train", "--config", "/runs/s/trial-3/trial.json"], command.Render(Context([])));
        Assert.Equal(["/opt/homm/homm-train", "--config", "/runs/s/trial-3/trial.json", "--resume"], command.Render(Context([], resume: true)));
    }

    [Fact]
    public void Render_MissingParameter_ThrowsNamingIt()
    {
        var command = TrainerCommand.Custom(["train", "{wd}"]);

        var e = Assert.Throws<TrainerCommandException>(() => command.Render(Context(new() { ["lr"] = 0.1 })));

        Assert.Contains("has no parameter 'wd' (it has: lr)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownPlaceholderAndCollision_AreReported()
    {
        var command = TrainerCommand.Custom(["train", "--lr", "{lrr}", "{trial_dir}", "{lr}"]);

        var problems = command.Validate(["lr", "study"]);

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("'study' has the name of a built-in", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("argument 2 \"{lrr}\": '{lrr}' is neither a parameter (lr, study)", StringComparison.Ordinal));
        Assert.Empty(TrainerCommand.Custom(["train", "{lr}", "{params_file}"]).Validate(["lr"]));
    }

    [Theory]
    [InlineData("--lr={lr")]
    [InlineData("{}")]
    [InlineData("{a{b}")]
    public void Custom_UnclosedOrEmptyPlaceholder_IsRejected(string argument)
    {
        var e = Assert.Throws<ArgumentException>(() => TrainerCommand.Custom(["train", argument]));
        Assert.Contains("argument 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_Empty_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => TrainerCommand.Custom([]));
    }

    [Fact]
    public void Render_RelativeStudyFile_BecomesAbsoluteButOptionsAndWordsStay()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "train.py"), "");
        var command = TrainerCommand.Custom(["python3", "train.py", "--data", "missing.csv", "-v"]);

        var argv = command.Render(Context([], studyDir: dir.Path));

        Assert.Equal(["python3", Path.Combine(dir.Path, "train.py"), "--data", "missing.csv", "-v"], argv);
    }

    [Fact]
    public void Literal_KeepsBracesAndResolvesNothing()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "train.py"), "");
        var command = TrainerCommand.Literal(["python3", "train.py", "{lr}", "{{x}}"]);

        Assert.Equal(["python3", "train.py", "{lr}", "{{x}}"], command.Render(Context([], studyDir: dir.Path)));
        Assert.Empty(command.Validate([]));
    }

    [Fact]
    public void Render_WorkingDirectoryIsTheStudyFolder_ArgumentsStayRelative()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "train.py"), "");
        var command = TrainerCommand.Custom(["python3", "train.py"]);

        var argv = command.Render(Context([], studyDir: dir.Path) with { WorkingDirectory = dir.Path });

        Assert.Equal(["python3", "train.py"], argv);
    }
}
