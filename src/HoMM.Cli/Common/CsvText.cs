using System.Text;

namespace HoMM.Cli.Common;

/// <summary>One CSV record and the line it starts on (1-based).</summary>
internal sealed record CsvRecord(int Line, List<string> Fields);

/// <summary>
/// A CSV text read as RFC 4180 says: quoted fields may hold commas, doubled quotes ("") and line
/// breaks; a record ends with CRLF (as export writes it) or LF (as editors often write it). The one
/// reader of <c>import</c> and of the tests that read what <c>export</c> wrote.
/// </summary>
internal sealed class CsvText
{
    private CsvText(List<CsvRecord> records, bool unterminated, bool crLf)
    {
        Records = records;
        Unterminated = unterminated;
        CrLfTerminated = crLf;
    }

    public IReadOnlyList<CsvRecord> Records { get; }

    /// <summary>The text ended inside a quoted field.</summary>
    public bool Unterminated { get; }

    /// <summary>Every record ends with CRLF, the last one included (RFC 4180's line breaks).</summary>
    public bool CrLfTerminated { get; }

    public static CsvText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var crLf = true;
        var line = 1;
        var start = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                {
                    if (c == '\n')
                        line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    crLf &= i > 0 && text[i - 1] == '\r';
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add(new CsvRecord(start, fields));
                    fields = [];
                    line++;
                    start = line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            // A last record without a line break.
            crLf = false;
            fields.Add(field.ToString());
            records.Add(new CsvRecord(start, fields));
        }
        return new CsvText(records, quoted, crLf);
    }
}
