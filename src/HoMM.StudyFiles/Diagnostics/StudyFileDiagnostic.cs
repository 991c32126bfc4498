using System.Globalization;

namespace HoMM.StudyFiles.Diagnostics;

public enum DiagnosticSeverity
{
    Error,
    Warning,
}

/// <summary>
/// One problem in a study file: where it is (<see cref="File"/>, 1-based <see cref="Line"/> and
/// <see cref="Column"/>; both 0 when the file itself could not be read, or when the problem lies in
/// a <c>--set</c> override: <see cref="File"/> is then that override, e.g. <c>--set trainer.optim.steps=0</c>), which field
/// (<see cref="Path"/>, e.g. <c>search_space.lr.low</c>), and what is wrong and what would be valid.
/// </summary>
public sealed record StudyFileDiagnostic(
    DiagnosticSeverity Severity,
    string File,
    int Line,
    int Column,
    string Path,
    string Message)
{
    /// <summary>The path of errors about the document as a whole (empty file, not a mapping).</summary>
    public const string TopLevel = "(top level)";

    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>Compiler style, so editors and terminals can jump to it: <c>file:line:col: error: path: message</c>.</summary>
    public override string ToString()
    {
        var where = Line > 0 ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}") : File;
        var severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        return $"{where}: {severity}: {Path}: {Message}";
    }
}
