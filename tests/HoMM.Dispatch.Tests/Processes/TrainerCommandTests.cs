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
        var command = TestCommand.Custom(["python3", "/x/train.py", "--lr={lr}", "--order", "{order}", "{{x}}", "{act}-{order}", "--out={trial_dir}/o", "{trial_number}", "{params_file}", "{study}"]);

        var argv = command.Render(Context(new() { ["lr"] = 1e-5, ["order"] = 2L, ["act"] = "gelu" })).Arguments;

        Assert.Equal(["python3", "/x/train.py", "--lr=1e-05", "--order", "2", "{x}", "gelu-2", "--out=/runs/s/trial-3/o", "3", "/runs/s/trial-3/trial.json", "fmnist"], argv);
    }

    [Fact]
    public void Render_CustomEnvironment_FillsTheSamePlaceholders()
    {
        var command = TestCommand.Custom(["train"], new Dictionary<string, string> { ["RUN"] = "{study}-{trial_number}", ["LR"] = "{lr}", ["PLAIN"] = "{{1}}" });

        var environment = command.Render(Context(new() { ["lr"] = 0.5 })).Environment;

        Assert.Equal(new Dictionary<string, string> { ["RUN"] = "fmnist-3", ["LR"] = "0.5", ["PLAIN"] = "{1}" }, environment);
    }

    [Fact]
    public void Render_BuiltIn_PassesConfigAndResume()
    {
        var command = TrainerCommand.HommTrain("/opt/homm/homm-train");

        Assert.Equal(["/opt/homm/homm-train", "--config", "/runs/s/trial-3/trial.json"], command.Render(Context([])).Arguments);
        Assert.Equal(["/opt/homm/homm-train", "--config", "/runs/s/trial-3/trial.json", "--resume"], command.Render(Context([], resume: true)).Arguments);
        Assert.Empty(command.Render(Context([])).Environment);
    }

    [Fact]
    public void Render_MissingParameter_ThrowsNamingIt()
    {
        var command = TestCommand.Custom(["train", "{wd}"]);

        var e = Assert.Throws<TrainerCommandException>(() => command.Render(Context(new() { ["lr"] = 0.1 })));

        Assert.Contains("has no parameter 'wd' (it has: lr)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MissingParameterInEnvironment_ThrowsNamingIt()
    {
        var command = TestCommand.Custom(["train"], new Dictionary<string, string> { ["WD"] = "{wd}" });

        var e = Assert.Throws<TrainerCommandException>(() => command.Render(Context([])));

        Assert.Contains("has no parameter 'wd' (it has: none)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithoutStudyName_StudyPlaceholderIsMissing()
    {
        var command = TestCommand.Custom(["train", "{study}"]);

        var context = Context([]) with { StudyName = null };

        Assert.Throws<TrainerCommandException>(() => command.Render(context));
    }

    [Fact]
    public void Custom_Empty_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => TrainerCommand.Custom([]));
        Assert.Throws<ArgumentException>(() => TestCommand.Custom([" "]));
    }

    [Fact]
    public void Render_RelativeStudyFile_BecomesAbsoluteButOptionsAndWordsStay()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "train.py"), "");
        var command = TestCommand.Custom(["python3", "train.py", "--data", "missing.csv", "-v"]);

        var argv = command.Render(Context([], studyDir: dir.Path)).Arguments;

        Assert.Equal(["python3", Path.Combine(dir.Path, "train.py"), "--data", "missing.csv", "-v"], argv);
    }

    [Fact]
    public void Render_WorkingDirectoryIsTheStudyFolder_ArgumentsStayRelative()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "train.py"), "");
        var command = TestCommand.Custom(["python3", "train.py"]);

        var argv = command.Render(Context([], studyDir: dir.Path) with { WorkingDirectory = dir.Path }).Arguments;

        Assert.Equal(["python3", "train.py"], argv);
    }
}
