using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Dispatch.Scheduling;
using HoMM.Storage;
using HoMM.Storage.Sqlite;
using Hangfire.Storage.SQLite;
using Microsoft.Data.Sqlite;

namespace HoMM.Dispatch.Tests.Scheduling;

/// <summary>
/// EF Core's SQLite (Microsoft.Data.Sqlite over SQLitePCLRaw) and Hangfire.Storage.SQLite
/// (sqlite-net-pcl over SQLitePCLRaw) share one SQLitePCLRaw in a process, whichever versions
/// NuGet resolves: Directory.Packages.props pins the family, and this test says whether the pinned
/// set still works together — both stores open, write and read at once in one process.
/// </summary>
public class SqliteCoexistenceTests
{
    /// <summary>Claims the trial in the EF Core store and commits a value, from inside a Hangfire job.</summary>
    private sealed class CommittingHandler(ITrialStore store) : ITrialJobHandler
    {
        public async ValueTask RunTrialAsync(long trialId, CancellationToken cancellationToken)
        {
            var claim = await store.TryClaimAsync(trialId, "coexistence", TimeSpan.FromSeconds(30), cancellationToken: cancellationToken);
            if (!claim.Claimed)
                return;
            await store.ReportAsync(trialId, 1, new Dictionary<string, double> { ["val/acc"] = trialId / 100.0 }, cancellationToken);
            await store.TryFinishOwnedAsync(trialId, "coexistence", TrialState.Complete, trialId / 100.0, cancellationToken: cancellationToken);
        }
    }

    [Fact]
    public async Task EfCoreStoreAndHangfireSqliteQueue_OneProcess_BothWriteAndReadTheirFiles()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "homm.db");
        using var store = await SqliteTrialStore.OpenAsync(db);
        var study = await store.CreateStudyAsync(new NewStudy("coexist", StudyDirection.Maximize, "val/acc",
            new SearchSpaceDefinition([new ParameterSpec("lr", new FloatDistribution(1e-5, 1e-1, log: true))])));
        var trials = new List<FrozenTrial>();
        for (var i = 0; i < 12; i++)
            trials.Add(await store.CreateTrialAsync(study.Id));

        var queueOptions = JobStoreOptions.SqliteBeside(db);
        await using (var queue = TrialQueue.ForStudy(queueOptions, study.Id, new CommittingHandler(store), workers: 3))
        {
            queue.Start();
            // Hangfire writes its queue file while the jobs write the study database, and this
            // thread reads the study database meanwhile.
            foreach (var t in trials)
                await queue.Study(study.Id).EnqueueAsync(t.Id, t.Number);
            for (var i = 0; i < 600; i++)
            {
                var counts = await store.CountTrialsAsync(study.Id);
                if (counts.GetValueOrDefault(TrialState.Complete) == trials.Count)
                    break;
                await Task.Delay(50);
            }
        }

        var done = await store.GetTrialsAsync(study.Id);
        Assert.All(done.Trials, t => Assert.Equal((TrialState.Complete, t.Id / 100.0), (t.State, t.Value)));
        Assert.Equal(trials.Count, done.Trials.Count);
        // Hangfire's side, read back through its own storage: every job it delivered ended Succeeded.
        var queueFile = JobStoreOptions.SqliteQueuePath(db, study.Id);
        using (var hangfire = new SQLiteStorage(queueFile, new SQLiteStorageOptions()))
            Assert.Equal(trials.Count, hangfire.GetMonitoringApi().SucceededListCount());
    }

    [Fact]
    public void SqlitePclRaw_BothLibrariesInOneProcess_RunTheSameNativeSqliteAtThePinnedVersions()
    {
        using var dir = new TempDir();
        // EF Core's side: Microsoft.Data.Sqlite.
        using var ef = new SqliteConnection($"Data Source={Path.Combine(dir.Path, "ef.db")}");
        ef.Open();
        using var command = ef.CreateCommand();
        command.CommandText = "select sqlite_version()";
        var efVersion = (string)command.ExecuteScalar()!;
        // Hangfire.Storage.SQLite's side: sqlite-net-pcl.
        using var net = new SQLite.SQLiteConnection(Path.Combine(dir.Path, "net.db"));
        var netVersion = net.ExecuteScalar<string>("select sqlite_version()");

        Assert.Equal(efVersion, netVersion);
        // The managed SQLitePCLRaw both go through: the pinned one (Directory.Packages.props).
        var raw = typeof(SQLitePCL.raw).Assembly.GetName().Version!;
        Assert.Equal("3.0.3", $"{raw.Major}.{raw.Minor}.{raw.Build}");
    }
}
