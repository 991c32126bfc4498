using System.Net.Http.Json;
using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Postgres;
using HoMM.Testing;

namespace HoMM.Dashboard.Tests;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>The dashboard unchanged on a PostgreSQL store: the same seeded study, the same API answers.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDashboardTests(PostgresServer server)
{
    [Fact]
    public async Task Api_OnPostgres_ListsTheStudyAndFollowsChangesByCursor()
    {
        var database = await server.CreateDatabaseAsync("dashboard");
        var folder = Directory.CreateTempSubdirectory("homm-pgdash-").FullName;
        try
        {
            using var store = await PostgresTrialStore.OpenAsync(server.Url(database));
            var study = await Seed.StudyAsync(store, TestDashboard.StudyName, 12, Path.Combine(folder, "runs"));
            await using var app = DashboardServer.Build(store, new DashboardOptions { Host = "127.0.0.1", Port = 0 });
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = DashboardServer.Address(app) };

            var s = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/studies")).EnumerateArray());
            Assert.Equal(TestDashboard.StudyName, s.GetProperty("name").GetString());
            Assert.Equal(study.Trials.Count, s.GetProperty("counts").GetProperty("total").GetInt32());
            Assert.Equal(study.Trials.Where(t => t.State == TrialState.Complete).Max(t => t.Value!.Value), s.GetProperty("best").GetDouble(), 12);

            var path = $"/api/studies/{TestDashboard.StudyName}/trials";
            var all = await client.GetFromJsonAsync<JsonElement>(path);
            Assert.Equal(study.Trials.Count, all.GetProperty("trials").GetArrayLength());
            var cursor = all.GetProperty("cursor").GetInt64();
            await store.TryCompleteAsync(study.Trials.Single(t => t.Number == study.RunningTrial).Id, 0.5);

            var changed = await client.GetFromJsonAsync<JsonElement>($"{path}?after={cursor}");
            var row = Assert.Single(changed.GetProperty("trials").EnumerateArray());
            Assert.Equal(study.RunningTrial, row.GetProperty("number").GetInt32());
            Assert.Equal("complete", row.GetProperty("state").GetString());
            await app.StopAsync();
        }
        finally
        {
            await server.DropDatabaseAsync(database);
            Directory.Delete(folder, recursive: true);
        }
    }
}
