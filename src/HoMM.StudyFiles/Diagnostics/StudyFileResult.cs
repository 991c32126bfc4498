namespace HoMM.StudyFiles.Diagnostics;

/// <summary>
/// The outcome of reading a study file: a <see cref="Definition"/> when there is no error, and
/// every diagnostic found (errors and warnings) in file order.
/// </summary>
public sealed class StudyFileResult
{
    internal StudyFileResult(StudyDefinition? definition, IReadOnlyList<StudyFileDiagnostic> diagnostics)
    {
        Diagnostics = diagnostics;
        Definition = Errors.Count == 0 ? definition : null;
    }

    public StudyDefinition? Definition { get; }

    public IReadOnlyList<StudyFileDiagnostic> Diagnostics { get; }

    public IReadOnlyList<StudyFileDiagnostic> Errors => Diagnostics.Where(d => d.IsError).ToList();

    public IReadOnlyList<StudyFileDiagnostic> Warnings => Diagnostics.Where(d => !d.IsError).ToList();

    public bool Succeeded => Definition is not null;

    /// <exception cref="StudyFileException">The file has errors.</exception>
    public StudyDefinition GetDefinitionOrThrow() => Definition ?? throw new StudyFileException(Errors);
}
