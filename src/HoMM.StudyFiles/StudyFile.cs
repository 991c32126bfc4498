using System.Buffers;
using System.Text;
using HoMM.StudyFiles.Binding;
using HoMM.StudyFiles.Diagnostics;
using HoMM.StudyFiles.Files;
using HoMM.StudyFiles.Overrides;
using HoMM.StudyFiles.Yaml;

namespace HoMM.StudyFiles;

/// <summary>
/// Reads study files (docs/study-file.md). Never throws for a bad file: every problem comes back
/// in <see cref="StudyFileResult.Diagnostics"/>, located by file, line, column and field path.
/// </summary>
public static class StudyFile
{
    /// <summary>Study files are a few kilobytes; anything this large is not one.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>Reads and validates the study file at <paramref name="path"/>.</summary>
    /// <param name="path">The study file.</param>
    /// <param name="overrides"><c>--set</c> overrides (<c>key.path=value</c>), applied to the file's YAML in order before validation.</param>
    public static StudyFileResult Load(string path, IReadOnlyList<string>? overrides = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bag = new DiagnosticBag(path);
        byte[]? bytes;
        try
        {
            var kind = FileKinds.Of(path);
            if (kind is not (FileKind.Regular or FileKind.CharacterDevice))
            {
                bag.FileError(kind switch
                {
                    FileKind.Missing => "no such file",
                    FileKind.Directory => "this is a directory; give the path of a study file (.yaml)",
                    // Opening a FIFO waits for a writer: refuse rather than hang.
                    _ => $"this is {FileKinds.Describe(kind)}, not a study file; copy it to a file and give that path",
                });
                return new StudyFileResult(null, bag.ToList());
            }
            var length = kind == FileKind.Regular ? new FileInfo(path).Length : 0;
            if (length > MaxBytes)
            {
                bag.FileError($"the file is {length:N0} bytes; a study file is at most {MaxBytes:N0} (is this the right file?)");
                return new StudyFileResult(null, bag.ToList());
            }
            // The cap counts bytes read: a device (/dev/zero) or a growing file has no trustworthy length.
            bytes = ReadAtMost(path, MaxBytes);
            if (bytes is null)
            {
                bag.FileError($"more than {MaxBytes:N0} bytes; a study file is at most {MaxBytes:N0} (is this the right file?)");
                return new StudyFileResult(null, bag.ToList());
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            bag.FileError($"cannot read the file: {e.Message}");
            return new StudyFileResult(null, bag.ToList());
        }
        if (Decode(bytes, bag) is not { } text)
            return new StudyFileResult(null, bag.ToList());
        return Parse(text, bag, Path.GetFullPath(path), overrides ?? []);
    }

    /// <summary>
    /// The text of the study file at <paramref name="path"/> when it is a regular file or a character
    /// device of at most <see cref="MaxBytes"/> bytes; null otherwise (or when it cannot be read).
    /// Never blocks on a FIFO and never reads more than the cap.
    /// </summary>
    public static string? TryReadText(string path)
    {
        try
        {
            return FileKinds.Of(path) is FileKind.Regular or FileKind.CharacterDevice && ReadAtMost(path, MaxBytes) is { } bytes
                ? new UTF8Encoding(false).GetString(bytes)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Up to <paramref name="cap"/> bytes of the file; null when it holds more.</summary>
    private static byte[]? ReadAtMost(string path, int cap)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        var buffer = new byte[cap + 1];
        var read = 0;
        while (read < buffer.Length && stream.Read(buffer, read, buffer.Length - read) is var n and > 0)
            read += n;
        return read > cap ? null : buffer[..read];
    }

    /// <summary>Validates study-file text; <paramref name="fileName"/> is used in messages.</summary>
    /// <param name="yaml">The text of a study file.</param>
    /// <param name="fileName">Names the file in messages.</param>
    /// <param name="overrides"><c>--set</c> overrides (<c>key.path=value</c>), applied to the YAML in order before validation.</param>
    public static StudyFileResult Parse(string yaml, string fileName = "<study>", IReadOnlyList<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(fileName);
        return Parse(yaml, new DiagnosticBag(fileName), null, overrides ?? []);
    }

    /// <summary>
    /// Validates the study file stored with study <paramref name="studyName"/> (its text and the
    /// path it was read from), as <c>run</c> validated it. Relative paths in it resolve against that
    /// path's folder when it is visible on this machine (shared storage), else against the current one.
    /// <paramref name="overrides"/> are the <c>--set</c> values stored with it, applied as <c>run</c> applied them.
    /// </summary>
    public static StudyFileResult ParseStored(string yaml, string? path, string studyName, IReadOnlyList<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(studyName);
        return Parse(yaml, new DiagnosticBag(path ?? $"<study {studyName}>"), path is not null && File.Exists(path) ? Path.GetFullPath(path) : null, overrides ?? []);
    }

    /// <summary>Reads the file at <paramref name="path"/>, throwing when it is invalid.</summary>
    /// <exception cref="StudyFileException">The file has errors; the exception lists them.</exception>
    public static StudyDefinition LoadOrThrow(string path) => Load(path).GetDefinitionOrThrow();

    private static StudyFileResult Parse(string yaml, DiagnosticBag bag, string? sourcePath, IReadOnlyList<string> overrides)
    {
        if (yaml.Length > MaxBytes)
        {
            bag.FileError($"the text is {yaml.Length:N0} characters; a study file is at most {MaxBytes:N0}");
            return new StudyFileResult(null, bag.ToList());
        }
        // A byte-order mark is harmless in a file but YamlDotNet would read it as part of the first key.
        if (yaml.StartsWith('\uFEFF'))
            yaml = yaml[1..];
        var root = YamlReader.Read(yaml, bag);
        StudyDefinition? definition = null;
        if (root is not null)
        {
            StudyOverrides.Apply(root, overrides, bag);
            definition = StudyBinder.Bind(new NodeReader(bag), root);
        }
        if (definition is not null)
            definition = definition with { SourcePath = sourcePath, Overrides = overrides.ToArray() };
        return new StudyFileResult(bag.HasErrors ? null : definition, bag.ToList());
    }

    /// <summary>Strict UTF-8; an invalid byte is reported at its line and column.</summary>
    private static string? Decode(byte[] bytes, DiagnosticBag bag)
    {
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            bag.Error(new SourceMark(1, 1), StudyFileDiagnostic.TopLevel, "the file is UTF-16; save it as UTF-8");
            return null;
        }
        ReadOnlySpan<byte> rest = bytes;
        int line = 1, column = 1;
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(rest, out var rune, out var consumed) != OperationStatus.Done)
            {
                bag.Error(new SourceMark(line, column), StudyFileDiagnostic.TopLevel,
                    $"the file is not valid UTF-8 (byte 0x{rest[0]:X2} at offset {bytes.Length - rest.Length}); save it as UTF-8");
                return null;
            }
            if (rune.Value == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
            rest = rest[consumed..];
        }
        return Encoding.UTF8.GetString(bytes);
    }
}
