using System.CommandLine;
using System.Globalization;
using HoMM.Cli.Common;
using HoMM.Cli.Run;
using HoMM.Dispatch.Slots;
using HoMM.StudyFiles.Constraints;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Diagnostics;

namespace HoMM.Cli.Validate;

/// <summary>
/// <c>homm-search validate &lt;file&gt;</c>: checks a study file without running anything. Prints
/// "ok" and a summary of the study, or every problem with the offending line; exit code 0 or 2.
/// </summary>
public static class ValidateCommand
{
    public const int ExitValid = 0;
    public const int ExitInvalid = 2;

    public static Command Create()
    {
        var command = new Command("validate", "Check a study file and summarise its search space (exit code 0: valid, 2: not)");
        var file = StudyFileOptions.StudyFileArgument();
        var set = SetOption.Create();
        command.Arguments.Add(file);
        command.Options.Add(set);
        command.SetAction(parse => Run(
            parse.GetValue(file)!,
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            parse.GetValue(set)));
        return command;
    }

    /// <summary>Validates <paramref name="path"/>; the summary goes to <paramref name="output"/>, diagnostics to <paramref name="error"/>.</summary>
    /// <param name="path">The study file.</param>
    /// <param name="output">Gets "ok" and the summary.</param>
    /// <param name="error">Gets the diagnostics.</param>
    /// <param name="overrides">The <c>--set</c> values (<c>key.path=value</c>), applied before validation.</param>
    public static int Run(string path, TextWriter output, TextWriter error, IReadOnlyList<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var result = StudyFile.Load(path, overrides);
        var lines = SourceLines(path);
        foreach (var d in result.Diagnostics)
            WriteDiagnostic(error, d, lines);

        if (result.Definition is not { } study)
        {
            var errors = result.Errors.Count;
            var warnings = result.Warnings.Count;
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{path}{With(overrides)} is not valid: {errors} error{(errors == 1 ? "" : "s")}{(warnings > 0 ? $", {warnings} warning{(warnings == 1 ? "" : "s")}" : "")} (the format: docs/study-file.md)"));
            return ExitInvalid;
        }
        output.WriteLine($"ok: {path}{With(overrides)}");
        DefinitionSummary.Write(output, study);
        if (study.Resources.AutoTrialsPerGpu)
            output.WriteLine($"  {"slots here",-12}{GpuSlotsHere(study)}");
        return ExitValid;
    }

    /// <summary>trials_per_gpu: auto on this machine: the plan, or the estimate and why there is no plan here.</summary>
    private static string GpuSlotsHere(StudyDefinition study)
    {
        try
        {
            return TrainerLocator.PlanSlots(study).Summary;
        }
        catch (SlotPlanException e)
        {
            try
            {
                var memory = TrialMemory.Largest(study, StudyRules.For(study, TrainerLocator.CountModel), TrainerLocator.Shape);
                return $"none: {e.Message} (estimate {SlotPlanner.GiB(memory.BytesPerTrial, 1)}/trial: {memory.Basis}: {memory.DescribeTrial()})";
            }
            catch (SlotPlanException)
            {
                return $"none: {e.Message}";
            }
        }
    }

    /// <summary>" with --set a=1 --set b=2": what was validated besides the file.</summary>
    private static string With(IReadOnlyList<string>? overrides) =>
        overrides is { Count: > 0 } ? " with " + string.Join(" ", overrides.Select(o => "--set " + o)) : "";

    /// <summary>Characters of an offending line shown at most.</summary>
    private const int MaxEchoed = 120;

    private static void WriteDiagnostic(TextWriter writer, StudyFileDiagnostic d, string[]? lines)
    {
        writer.WriteLine(d.ToString());
        if (lines is null || d.Line < 1 || d.Line > lines.Length)
            return;
        // The offending line with a caret under the column, as compilers print it.
        var text = lines[d.Line - 1].TrimEnd('\r');
        var number = d.Line.ToString(CultureInfo.InvariantCulture);
        var caretColumn = Math.Clamp(d.Column - 1, 0, text.Length);
        if (text.Length > MaxEchoed)
        {
            // A 200 KB line is not echoed whole: the part around the column, marked as cut.
            var start = Math.Clamp(caretColumn - (MaxEchoed / 2), 0, text.Length - MaxEchoed);
            var cut = (start > 0 ? "…" : "") + text.Substring(start, MaxEchoed) + (start + MaxEchoed < text.Length ? "…" : "");
            caretColumn = caretColumn - start + (start > 0 ? 1 : 0);
            text = cut;
        }
        writer.WriteLine($"  {number} | {text}");
        var pad = new string(text[..caretColumn].Select(c => c == '\t' ? '\t' : ' ').ToArray());
        writer.WriteLine($"  {new string(' ', number.Length)} | {pad}^");
    }

    private static string[]? SourceLines(string path) =>
        StudyFile.TryReadText(path)?.TrimStart('\uFEFF').Split('\n');
}
