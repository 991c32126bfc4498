using Spectre.Console;
using Spectre.Console.Rendering;

namespace HoMM.Cli.Common;

/// <summary>A column of a <see cref="TextTable"/>; numbers read best right-aligned.</summary>
internal sealed record TextColumn(string Header, bool AlignRight = false);

/// <summary>
/// A table that is drawn with Spectre.Console's borders on a terminal, and as plain columns
/// (two spaces apart, no borders, no colour) when the output is a pipe or a file, so that grep,
/// awk and `column -t` see one line per row.
/// </summary>
internal sealed class TextTable(IReadOnlyList<TextColumn> columns)
{
    private readonly List<string[]> rows = [];

    public void AddRow(params string[] cells)
    {
        if (cells.Length != columns.Count)
            throw new ArgumentException($"a row of {cells.Length} cells for a table of {columns.Count} columns", nameof(cells));
        rows.Add(cells);
    }

    /// <summary>True when <paramref name="output"/> is the process's own console and that is a terminal.</summary>
    public static bool IsTerminal(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    public void Write(TextWriter output, bool terminal)
    {
        if (terminal)
            WriteSpectre(output);
        else
            WritePlain(output);
    }

    private void WriteSpectre(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        var table = new Table { Border = TableBorder.Rounded };
        foreach (var c in columns)
        {
            // Text, not Markup: study names and parameter values are shown as written ("[x]" stays "[x]").
            var column = new TableColumn(new Text(c.Header, new Style(decoration: Decoration.Bold)));
            table.AddColumn(c.AlignRight ? column.RightAligned() : column);
        }
        foreach (var row in rows)
            table.AddRow(row.Select(cell => (IRenderable)new Text(cell)));
        console.Write(table);
    }

    private void WritePlain(TextWriter output)
    {
        var widths = columns.Select((c, i) => rows.Select(r => r[i].Length).Append(c.Header.Length).Max()).ToArray();
        WriteLine(output, columns.Select(c => c.Header).ToArray(), widths);
        foreach (var row in rows)
            WriteLine(output, row, widths);
    }

    private void WriteLine(TextWriter output, string[] cells, int[] widths)
    {
        var parts = new string[cells.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            // Line breaks in a cell (a multi-line fail reason) would break one-line-per-row.
            var cell = cells[i].ReplaceLineEndings(" ");
            parts[i] = i == cells.Length - 1 && !columns[i].AlignRight
                ? cell
                : columns[i].AlignRight ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]);
        }
        output.WriteLine(string.Join("  ", parts).TrimEnd());
    }
}
