using HoMM.StudyFiles.Yaml;

namespace HoMM.StudyFiles.Diagnostics;

/// <summary>Collects the diagnostics of one file, so validation can go on after a problem and report them all.</summary>
internal sealed class DiagnosticBag(string file)
{
    private readonly List<StudyFileDiagnostic> _items = [];

    public string File { get; } = file;

    public bool HasErrors => _items.Any(d => d.IsError);

    public int ErrorCount => _items.Count(d => d.IsError);

    public void Error(SourceMark at, string path, string message) =>
        _items.Add(new StudyFileDiagnostic(DiagnosticSeverity.Error, File, Math.Max(at.Line, 1), Math.Max(at.Column, 1), Display(path), message));

    public void Warning(SourceMark at, string path, string message) =>
        _items.Add(new StudyFileDiagnostic(DiagnosticSeverity.Warning, File, Math.Max(at.Line, 1), Math.Max(at.Column, 1), Display(path), message));

    /// <summary>An error about the file as a whole that has no position (it could not be read).</summary>
    public void FileError(string message) =>
        _items.Add(new StudyFileDiagnostic(DiagnosticSeverity.Error, File, 0, 0, StudyFileDiagnostic.TopLevel, message));

    /// <summary>In file order, so the first error printed is the first one in the file.</summary>
    public IReadOnlyList<StudyFileDiagnostic> ToList() =>
        _items.OrderBy(d => d.Line).ThenBy(d => d.Column).ToList();

    private static string Display(string path) => path.Length == 0 ? StudyFileDiagnostic.TopLevel : path;
}
