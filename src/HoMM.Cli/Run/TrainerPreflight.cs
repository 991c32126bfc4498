using System.Text.RegularExpressions;
using HoMM.Dispatch.Processes;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Trainer;

namespace HoMM.Cli.Run;

/// <summary>
/// What can be checked before the first trial, so a typo is one clear error (exit 3) instead of
/// every trial of the budget failing in a minute: the trial folders can be made, the trainer's
/// working folder exists, its program resolves (the same rule the trainer's start uses), and the
/// script a known interpreter is given exists.
/// </summary>
internal static partial class TrainerPreflight
{
    private static readonly Dictionary<string, string[]> ScriptExtensions = new(StringComparer.Ordinal)
    {
        ["python"] = [".py"], ["bash"] = [".sh", ".bash"], ["sh"] = [".sh"], ["node"] = [".js", ".mjs", ".cjs"],
        ["Rscript"] = [".R", ".r"], ["perl"] = [".pl"], ["ruby"] = [".rb"], ["julia"] = [".jl"],
    };

    // Options after which the program runs code from elsewhere: nothing to check.
    private static readonly HashSet<string> CodeFromElsewhere = new(StringComparer.Ordinal) { "-m", "-c", "-e", "--eval", "-" };

    [GeneratedRegex(@"^python[0-9.]*$")]
    private static partial Regex Python();

    /// <summary>The problem, naming the study file and the field, or null.</summary>
    public static string? Problem(StudyDefinition definition, string runsDirectory)
    {
        var file = definition.SourcePath ?? "the study file";
        if (FolderProblem(runsDirectory) is { } runs)
            return $"the trial folders cannot be made: {runs} (choose another with --runs)";
        if (definition.Trainer is not CommandTrainerDefinition command || command.Command[0].Placeholders.Count > 0)
            return null;
        var studyDir = definition.SourcePath is { } source ? Path.GetDirectoryName(source)! : Directory.GetCurrentDirectory();
        var workingDir = command.WorkingDirectory is { } wd ? Path.GetFullPath(wd, studyDir) : studyDir;
        if (!Directory.Exists(workingDir))
            return $"{file}: trainer.working_dir '{command.WorkingDirectory}' does not exist (looked for {workingDir})";
        var program = Literal(command.Command[0]);
        var path = command.Environment.TryGetValue("PATH", out var p) && p.Placeholders.Count == 0 ? Literal(p) : Environment.GetEnvironmentVariable("PATH");
        try
        {
            TrainerProcess.ResolveProgram(program, workingDir, path);
        }
        catch (TrainerStartException e)
        {
            return $"{file}: trainer.command[0]: {e.Message}";
        }
        var name = Path.GetFileName(program);
        if (!ScriptExtensions.TryGetValue(Python().IsMatch(name) ? "python" : name, out var extensions))
            return null;
        for (var i = 1; i < command.Command.Count; i++)
        {
            if (command.Command[i].Placeholders.Count > 0)
                return null;
            var argument = Literal(command.Command[i]);
            if (CodeFromElsewhere.Contains(argument))
                return null;
            // The first argument that looks like a script file (an option's value such as -W ignore does not).
            if (argument.StartsWith('-') || !extensions.Any(e => argument.EndsWith(e, StringComparison.Ordinal)))
                continue;
            if (File.Exists(Path.GetFullPath(argument, workingDir)) || File.Exists(Path.GetFullPath(argument, studyDir)))
                return null;
            var where = workingDir == studyDir ? workingDir : $"{workingDir} and {studyDir}";
            return $"{file}: trainer.command[{i}]: the script '{argument}' {name} is to run does not exist (looked in {where})";
        }
        return null;
    }

    private static string Literal(TemplateString text) => text.Render(new Dictionary<string, object>());

    /// <summary>Why <paramref name="folder"/> cannot be made (or used), or null: a file in its place or on its way.</summary>
    private static string? FolderProblem(string folder)
    {
        for (var current = Path.GetFullPath(folder); !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            if (Directory.Exists(current))
                return null;
            if (File.Exists(current))
                return current == Path.GetFullPath(folder) ? $"{current} is a file, not a folder" : $"{current}, on the way to {folder}, is a file";
        }
        return null;
    }
}
