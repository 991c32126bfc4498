using HoMM.Cli.Common;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Postgres;
using HoMM.Testing;

namespace HoMM.Cli.Tests.Common;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>--db with a PostgreSQL connection, on the throwaway test server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StoreOpenerPostgresTests(PostgresServer server)
{
    [Fact]
    public async Task OpenAsync_ExistingOnlyOnAnEmptyDatabase_ThrowsAndCreatesNoTables()
    {
        var database = await server.CreateDatabaseAsync("opener");
        try
        {
            var e = await Assert.ThrowsAsync<StoreOpenException>(() => StoreOpener.OpenAsync(server.Url(database), StoreAccess.ExistingOnly));

            Assert.Contains("no homm-search tables", e.Message, StringComparison.Ordinal);
            Assert.Contains("homm-search run", e.Message, StringComparison.Ordinal);
            Assert.Contains(":***@", e.Message, StringComparison.Ordinal);
            Assert.Equal(0L, await server.ScalarAsync("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()", database));
        }
        finally
        {
            await server.DropDatabaseAsync(database);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenAsync_CreateIfMissing_CreatesAStoreThatExistingOnlyThenReads(bool keywordForm)
    {
        var database = await server.CreateDatabaseAsync("opener");
        var db = keywordForm ? server.KeywordConnectionString(database) : server.Url(database);
        try
        {
            using (var created = await StoreOpener.OpenAsync(db, StoreAccess.CreateIfMissing))
            {
                Assert.Equal(StoreKind.PostgreSql, created.Kind);
                Assert.IsType<PostgresTrialStore>(created.Store);
                await created.Store.CreateStudyAsync(new NewStudy(
                    "s1", StudyDirection.Maximize, "val/acc",
                    new SearchSpaceDefinition([new ParameterSpec("lr", new FloatDistribution(1e-4, 1e-2, log: true))])));
            }

            using var reopened = await StoreOpener.OpenAsync(db, StoreAccess.ExistingOnly);

            Assert.Equal("s1", Assert.Single(await reopened.Store.ListStudiesAsync()).Study.Name);
        }
        finally
        {
            await server.DropDatabaseAsync(database);
        }
    }
}
