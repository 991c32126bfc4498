using System.CommandLine;
using HoMM.Cli.Common;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Storage;

namespace HoMM.Cli.Tests.Common;

public sealed class StoreOpenerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("homm-opener-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Parse_NullOrBlank_IsTheDefaultFileInTheCurrentDirectory()
    {
        var expected = Path.Combine(Directory.GetCurrentDirectory(), "homm.db");

        Assert.Equal(new StoreLocation(StoreKind.Sqlite, expected), StoreOpener.Parse(null));
        Assert.Equal(new StoreLocation(StoreKind.Sqlite, expected), StoreOpener.Parse("  "));
    }

    [Theory]
    [InlineData("runs/fmnist.db")]
    [InlineData("/tmp/a=b/homm.db")]
    [InlineData("hostname.db")]
    public void Parse_FilePath_IsSqliteWithTheFullPath(string db)
    {
        var location = StoreOpener.Parse(db);

        Assert.Equal(StoreKind.Sqlite, location.Kind);
        Assert.Equal(Path.GetFullPath(db), location.Value);
    }

    [Theory]
    [InlineData("postgres://homm:secret@db1/homm")]
    [InlineData("postgresql://db1:5432/homm")]
    [InlineData("POSTGRES://db1/homm")]
    [InlineData("Host=db1;Database=homm;Username=homm")]
    [InlineData("Database=homm; host = db1")]
    [InlineData("Server=db1;Database=homm")]
    public void Parse_PostgresConnection_IsPostgres(string db)
    {
        var location = StoreOpener.Parse(db);

        Assert.Equal(StoreKind.PostgreSql, location.Kind);
        Assert.Equal(db, location.Value);
    }

    [Theory]
    [InlineData("postgres://homm:secret@db1/homm", "postgres://homm:***@db1/homm")]
    [InlineData("Host=db1;Password=secret;Database=homm", "Host=db1;Password=***;Database=homm")]
    [InlineData("Host=db1;Database=homm", "Host=db1;Database=homm")]
    public void Display_PostgresConnection_HidesThePassword(string db, string shown)
    {
        Assert.Equal(shown, StoreOpener.Parse(db).Display);
    }

    [Fact]
    public async Task OpenAsync_ExistingOnlyAndNoFile_ThrowsAndCreatesNothing()
    {
        var path = Path.Combine(_dir, "missing", "homm.db");

        var e = await Assert.ThrowsAsync<StoreOpenException>(() => StoreOpener.OpenAsync(path, StoreAccess.ExistingOnly));

        Assert.Contains($"no database at {path}", e.Message, StringComparison.Ordinal);
        Assert.Contains("homm-search run", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    public async Task OpenAsync_CreateIfMissing_CreatesAStoreThatExistingOnlyThenReads()
    {
        var path = Path.Combine(_dir, "new", "homm.db");
        using (var created = await StoreOpener.OpenAsync(path, StoreAccess.CreateIfMissing))
        {
            Assert.Equal(StoreKind.Sqlite, created.Kind);
            await created.Store.CreateStudyAsync(new NewStudy(
                "s1", StudyDirection.Maximize, "val/acc",
                new SearchSpaceDefinition([new ParameterSpec("lr", new FloatDistribution(1e-4, 1e-2, log: true))])));
        }

        using var reopened = await StoreOpener.OpenAsync(path, StoreAccess.ExistingOnly);

        Assert.Equal(path, reopened.Location.Value);
        var study = Assert.Single(await reopened.Store.ListStudiesAsync());
        Assert.Equal("s1", study.Study.Name);
    }

    [Fact]
    public async Task OpenAsync_FileThatIsNotADatabase_ThrowsWithThePath()
    {
        var path = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(path, "these are not the rows you are looking for\n".PadRight(4096, 'x'));

        var e = await Assert.ThrowsAsync<StoreOpenException>(() => StoreOpener.OpenAsync(path, StoreAccess.ExistingOnly));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_Folder_AsksForTheFile()
    {
        var e = await Assert.ThrowsAsync<StoreOpenException>(() => StoreOpener.OpenAsync(_dir, StoreAccess.CreateIfMissing));

        Assert.Contains("is a folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_PostgresServerNotReachable_SaysSoWithoutThePassword()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var e = await Assert.ThrowsAsync<StoreOpenException>(
            () => StoreOpener.OpenAsync($"postgres://homm:secret@127.0.0.1:{closedPort}/homm", StoreAccess.ExistingOnly));

        Assert.Contains("cannot reach the PostgreSQL server", e.Message, StringComparison.Ordinal);
        Assert.Contains("postgres://homm:***@", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateDbOption_ParsedWithAndWithoutTheOption_GivesTheValueOrTheDefault()
    {
        var db = StoreOpener.CreateDbOption();
        var command = new RootCommand { db };

        Assert.Equal("homm.db", command.Parse([]).GetValue(db));
        Assert.Equal("x/y.db", command.Parse(["--db", "x/y.db"]).GetValue(db));
    }
}
