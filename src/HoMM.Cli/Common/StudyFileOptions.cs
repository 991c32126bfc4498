using System.CommandLine;

namespace HoMM.Cli.Common;

/// <summary>
/// The study-file argument and the trial-folders option of the commands that take a study file
/// (<c>run</c>, <c>validate</c>, <c>service install</c>, which passes them on to <c>run</c>).
/// </summary>
internal static class StudyFileOptions
{
    /// <summary>A new argument (one instance per command: System.CommandLine symbols have one parent).</summary>
    public static Argument<string> StudyFileArgument() => new("study") { Description = "the study file (YAML), e.g. studies/quickstart.yaml" };

    /// <summary>A new <c>--runs</c> option, as <c>run</c> reads it.</summary>
    public static Option<string?> RunsOption() => new("--runs")
    {
        Description = "folder of the trial folders (default: runs/ next to a SQLite database, else in the current directory)",
        HelpName = "dir",
    };
}
