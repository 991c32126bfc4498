using HoMM.TrainerSettings;

namespace HoMM.TrainerSettings.Tests;

/// <summary>The settings listed in the docs are the schema's (generated text between markers; a failure prints the text to paste).</summary>
public sealed class SettingsDocsTests
{
    [Fact]
    public void StudyFileDocs_SettingsTable_IsTheSchemas() =>
        AssertBetweenMarkers("study-file.md", "<!-- settings table: HommSettings.MarkdownTable() -->\n", "<!-- end of settings table -->", HommSettings.MarkdownTable());

    [Fact]
    public void HommTrainDocs_SettingFlags_AreTheSchemas() =>
        AssertBetweenMarkers("homm-train.md", "<!-- settings flags: HommSettings.Usage() -->\n```\n", "```\n<!-- end of settings flags -->", HommSettings.Usage());

    private static void AssertBetweenMarkers(string doc, string start, string end, string expected)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), "docs", doc)).ReplaceLineEndings("\n");
        var from = text.IndexOf(start, StringComparison.Ordinal);
        var to = from < 0 ? -1 : text.IndexOf(end, from + start.Length, StringComparison.Ordinal);
        Assert.True(from >= 0 && to >= 0, $"docs/{doc} lacks the markers {start.Trim()} … {end.Trim()}");
        var actual = text[(from + start.Length)..to];
        Assert.True(actual == expected.ReplaceLineEndings("\n"), $"docs/{doc} differs from the schema; between the markers put:\n{expected}");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HoMM.Search.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("HoMM.Search.sln not found above " + AppContext.BaseDirectory);
    }
}
