using HoMM.StudyFiles.Yaml;

namespace HoMM.StudyFiles.Diagnostics;

/// <summary>Collects the diagnostics of one file, so validation can go on after a problem and report them all.</summary>
internal sealed class DiagnosticBag(string file)
{
    private readonly List<(StudyFileDiagnostic Diagnostic, int Origin)> _items = [];
    private readonly List<string> _origins = [];

    public string File { get; } = file;

    public bool HasErrors => _items.Any(d => d.Diagnostic.IsError);

    public int ErrorCount => _items.Count(d => d.Diagnostic.IsError);

    /// <summary>
    /// Registers a source other than the file (a <c>--set</c> override); problems at a
    /// <see cref="SourceMark"/> with the returned <see cref="SourceMark.Origin"/> name <paramref name="label"/> instead of a line.
    /// </summary>
    public int AddOrigin(string label)
    {
        _origins.Add(label);
        return _origins.Count;
    }

    public void Error(SourceMark at, string path, string message) => Add(DiagnosticSeverity.Error, at, path, message);

    public void Warning(SourceMark at, string path, string message) => Add(DiagnosticSeverity.Warning, at, path, message);

    /// <summary>An error about the file as a whole that has no position (it could not be read).</summary>
    public void FileError(string message) =>
        _items.Add((new StudyFileDiagnostic(DiagnosticSeverity.Error, File, 0, 0, StudyFileDiagnostic.TopLevel, message), 0));

    /// <summary>In file order, so the first error printed is the first one in the file; then the overrides' in their order.</summary>
    public IReadOnlyList<StudyFileDiagnostic> ToList() =>
        _items.OrderBy(d => d.Origin).ThenBy(d => d.Diagnostic.Line).ThenBy(d => d.Diagnostic.Column).Select(d => d.Diagnostic).ToList();

    private void Add(DiagnosticSeverity severity, SourceMark at, string path, string message) =>
        _items.Add(at.Origin > 0
            ? (new StudyFileDiagnostic(severity, _origins[at.Origin - 1], 0, 0, Display(path), message), at.Origin)
            : (new StudyFileDiagnostic(severity, File, Math.Max(at.Line, 1), Math.Max(at.Column, 1), Display(path), message), 0));

    private static string Display(string path) => path.Length == 0 ? StudyFileDiagnostic.TopLevel : path;
}
