using System.Security.Cryptography;
using HoMM.Cli.Common;
using HoMM.Cli.Control;
using HoMM.Cli.Run;
using HoMM.Cli.Tests.Validate;
using HoMM.Tests.Shared;
using Microsoft.Data.Sqlite;

namespace HoMM.Cli.Tests.Common;

/// <summary>A database with a damaged page: writers refuse it before writing (exit 4 with how to recover), readers say the same instead of a stack trace.</summary>
public sealed class DamagedDatabaseTests : SeededStoreTest
{
    [Fact]
    public async Task Run_ScrambledPage_Exit4WithRecoverAdviceAndTheFileUnchanged()
    {
        DamagedDatabase.ScrambleTable(Db.DbPath, "trials");
        var before = Hash(Db.DbPath);
        var study = Path.Combine(Db.Dir, "study.yaml");
        await File.WriteAllTextAsync(study, BrokenStudyCorpus.ValidCommand);
        await File.WriteAllTextAsync(Path.Combine(Db.Dir, "train.py"), "");
        var error = new StringWriter();

        var exit = await RunCommand.RunAsync(new RunCommand.RunRequest(study, Db.DbPath, null, null), new StringWriter(), error, TimeProvider.System, CancellationToken.None);

        Assert.Equal(4, exit);
        Assert.Contains($"{Db.DbPath} is damaged", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(".recover", error.ToString(), StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, Hash(Db.DbPath));
    }

    [Fact]
    public async Task Stop_ScrambledPage_Exit4AndTheFileUnchanged()
    {
        DamagedDatabase.ScrambleTable(Db.DbPath, "trials");
        var before = Hash(Db.DbPath);
        var error = new StringWriter();

        var exit = await StopCommand.RunAsync(Db.DbPath, "fmnist", 5, null, new StringWriter(), error);

        Assert.Equal(4, exit);
        Assert.Contains(".recover", error.ToString(), StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, Hash(Db.DbPath));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("trials")]
    public async Task ReadOnlyCommand_ScrambledPage_Exit4WithAdviceNotATrace(string command)
    {
        DamagedDatabase.ScrambleTable(Db.DbPath, "trials");

        var (exit, _, error) = await SeededStore.RunAsync(command == "status" ? ["status", "--db", Db.DbPath] : ["trials", "fmnist", "--db", Db.DbPath]);

        Assert.Equal(4, exit);
        Assert.Contains(".recover", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
