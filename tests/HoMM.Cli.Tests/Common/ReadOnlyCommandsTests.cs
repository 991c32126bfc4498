using System.Security.Cryptography;
using HoMM.Cli.Common;
using Microsoft.Data.Sqlite;

namespace HoMM.Cli.Tests.Common;

/// <summary>
/// status, trials, export and report only read (docs/reports.md): a file that is not a HoMM
/// database is reported and left byte for byte as it was; a real database is read without a write.
/// </summary>
public sealed class ReadOnlyCommandsTests : SeededStoreTest
{
    public static TheoryData<string, string> CommandsAndFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in new[] { "status", "trials", "export", "report" })
        {
            data.Add(command, "");
            data.Add(command, "notes about the study\n");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandsAndFiles))]
    public async Task ReadOnlyCommand_EmptyOrTextFile_ErrorAndFileUntouched(string command, string content)
    {
        var path = Path.Combine(Db.Dir, "notes.txt");
        await File.WriteAllTextAsync(path, content);

        var (exit, _, error) = await SeededStore.RunAsync(Args(command, path));

        Assert.Equal(4, exit);
        Assert.Contains(content.Length == 0 ? "has no homm-search tables" : "not a database", error, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllTextAsync(path));
        Assert.Equal([path], Directory.GetFiles(Db.Dir, "notes.txt*"));
    }

    [Theory]
    [InlineData(StoreAccess.ReadOnly)]
    [InlineData(StoreAccess.ExistingOnly)]
    public async Task OpenAsync_EmptyFileWithoutCreate_ThrowsAndLeavesItEmpty(StoreAccess access)
    {
        // ExistingOnly is the dashboard's: it may write data (its actions) but never makes a database.
        var path = Path.Combine(Db.Dir, "empty.db");
        await File.WriteAllBytesAsync(path, []);

        var e = await Assert.ThrowsAsync<StoreOpenException>(() => StoreOpener.OpenAsync(path, access));

        Assert.Contains("has no homm-search tables", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(path).Length);
        Assert.Equal([path], Directory.GetFiles(Db.Dir, "empty.db*"));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("trials")]
    [InlineData("export")]
    public async Task ReadOnlyCommand_Database_ReadsWithoutChangingIt(string command)
    {
        // The seeding store's pooled connections close (and checkpoint the WAL) first; from then on only the command touches the file.
        SqliteConnection.ClearAllPools();
        var before = Hash(Db.DbPath);

        var (exit, output, error) = await SeededStore.RunAsync(Args(command, Db.DbPath));

        Assert.True(exit == 0, error);
        Assert.NotEqual("", output);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, Hash(Db.DbPath));
    }

    private string[] Args(string command, string db) => command switch
    {
        "status" => ["status", "--db", db],
        "export" => ["export", "fmnist", "--format", "csv", "--db", db],
        "report" => ["report", "fmnist", "--db", db, "-o", Path.Combine(Db.Dir, "r.html")],
        _ => [command, "fmnist", "--db", db],
    };

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
