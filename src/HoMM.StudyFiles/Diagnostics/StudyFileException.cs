namespace HoMM.StudyFiles.Diagnostics;

/// <summary>A study file is invalid; <see cref="Errors"/> lists every problem found, each located.</summary>
public sealed class StudyFileException : Exception
{
    public StudyFileException()
        : this([])
    {
    }

    public StudyFileException(string message)
        : base(message) => Errors = [];

    public StudyFileException(string message, Exception innerException)
        : base(message, innerException) => Errors = [];

    public StudyFileException(IReadOnlyList<StudyFileDiagnostic> errors)
        : base(Describe(errors)) => Errors = errors;

    public IReadOnlyList<StudyFileDiagnostic> Errors { get; }

    private static string Describe(IReadOnlyList<StudyFileDiagnostic> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count switch
        {
            0 => "the study file is invalid",
            1 => errors[0].ToString(),
            _ => $"{errors.Count} errors in the study file:" + Environment.NewLine +
                 string.Join(Environment.NewLine, errors),
        };
    }
}
