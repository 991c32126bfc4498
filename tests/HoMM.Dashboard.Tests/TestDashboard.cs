using System.Text.Json;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Dispatch.Scheduling;
using HoMM.Storage;
using HoMM.Storage.Serialization;
using HoMM.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;

namespace HoMM.Dashboard.Tests;

/// <summary>
/// A real dashboard for a test: a SQLite store in a temporary folder, seeded through ITrialStore,
/// served by Kestrel on a free port of <c>host</c>.
/// </summary>
internal sealed class TestDashboard : IAsyncDisposable
{
    public const string StudyName = "fmnist-search";

    private readonly WebApplication app;

    private TestDashboard(string folder, SqliteTrialStore store, WebApplication app, Uri address, SeededStudy study)
    {
        Folder = folder;
        Store = store;
        this.app = app;
        Address = address;
        Study = study;
        Client = new HttpClient { BaseAddress = address };
    }

    public string Folder { get; }
    public string Database => Path.Combine(Folder, "homm.db");
    public SqliteTrialStore Store { get; }
    public Uri Address { get; }
    public SeededStudy Study { get; }
    public HttpClient Client { get; }

    public static async Task<TestDashboard> StartAsync(string host = "127.0.0.1", string? token = null, int trials = 40)
    {
        var folder = Directory.CreateTempSubdirectory("homm-dashboard-").FullName;
        var store = await SqliteTrialStore.OpenAsync(Path.Combine(folder, "homm.db"), new SqliteStoreOptions { Synchronous = SqliteSynchronous.Normal });
        var study = await Seed.StudyAsync(store, StudyName, trials, Path.Combine(folder, "runs"));
        var app = DashboardServer.Build(store, new DashboardOptions
        {
            Host = host,
            Port = 0,
            Token = token,
            OpenQueue = JobStoreOptions.SqliteBeside(Path.Combine(folder, "homm.db")).OpenExisting,
        });
        await app.StartAsync();
        var address = DashboardServer.Address(app);
        // Kestrel reports 0.0.0.0 / [::] for "every interface"; connect through loopback.
        if (address.Host is "0.0.0.0" or "[::]")
            address = new UriBuilder(address) { Host = "127.0.0.1" }.Uri;
        return new TestDashboard(folder, store, app, address, study);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Store.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite's WAL files may still be held a moment; the temporary folder is cleaned by the system.
        }
    }
}

/// <summary>What <see cref="Seed.StudyAsync"/> created, for assertions.</summary>
internal sealed record SeededStudy(StudyRecord Record, IReadOnlyList<FrozenTrial> Trials, int RunningTrial, int WaitingTrial, int CompleteTrial, string TrialDir);

internal static class Seed
{
    public static readonly SearchSpaceDefinition Space = new(
    [
        new ParameterSpec("lr", new FloatDistribution(1e-5, 1e-1, log: true)),
        new ParameterSpec("order", new IntDistribution(1, 4)),
        new ParameterSpec("act", new CategoricalDistribution(["gelu", "relu"])),
        new ParameterSpec("dropout", new FloatDistribution(0, 0.5), new Condition("act", ["relu"])),
    ]);

    /// <summary>
    /// A study of <paramref name="count"/> trials (seeded): most complete with curves of three
    /// metrics and final metrics (<c>test/acc</c> = value − 0.01), some pruned and failed, the
    /// last one running (with a folder, a log and a checkpoint) and one waiting.
    /// </summary>
    public static async Task<SeededStudy> StudyAsync(ITrialStore store, string name, int count, string runs, SearchSpaceDefinition? space = null, int steps = 10)
    {
        space ??= Space;
        var study = await store.CreateStudyAsync(new NewStudy(name, StudyDirection.Maximize, "val/acc", space));
        var rng = new Random(7);
        string trialDir = "";
        for (var i = 0; i < count; i++)
        {
            var parameters = Sample(space, rng);
            var trial = await store.CreateTrialAsync(study.Id, parameters, space.Parameters.Where(p => parameters.ContainsKey(p.Name)).ToDictionary(p => p.Name, p => p.Distribution));
            if (i == count - 1)
                break; // the last one stays Waiting
            await store.TryStartAsync(trial.Id);
            var attempt = await store.StartAttemptAsync(trial.Id, new AttemptStart("node-a", $"cpu{i % 2}", Pid: 1000 + i));
            var lr = parameters.Values.OfType<double>().FirstOrDefault(1e-3);
            var quality = 0.9 - 0.05 * Math.Pow(Math.Log10(lr) + 3, 2) + 0.01 * rng.NextDouble();
            var roll = i % 10;
            var reported = roll == 3 ? steps / 3 : steps;
            for (var s = 1; s <= reported; s++)
            {
                var acc = quality * (1 - Math.Exp(-3.0 * s / steps));
                await store.ReportAsync(trial.Id, s * 100L, new Dictionary<string, double> { ["val/acc"] = acc, ["val/loss"] = 1 - acc, ["train/loss"] = 1.1 - acc });
            }
            if (i == count - 2)
            {
                trialDir = Path.Combine(runs, $"trial-{trial.Number:D4}");
                Directory.CreateDirectory(trialDir);
                await File.WriteAllLinesAsync(Path.Combine(trialDir, "trainer.log"), Enumerable.Range(1, 200).Select(k => $"step {k * 10}: loss {1.0 / k:F4}"));
                await File.WriteAllTextAsync(Path.Combine(trialDir, "checkpoint.pt"), "not really a checkpoint");
                await store.SetTrialAttrAsync(trial.Id, AttrScope.System, "trial_dir", trialDir);
                await store.SetTrialAttrAsync(trial.Id, AttrScope.System, "slot", "cpu1");
                continue; // stays Running
            }
            var last = quality * (1 - Math.Exp(-3.0 * reported / steps));
            if (roll == 3)
                await store.TryPruneAsync(trial.Id, last, "pruned at step 300 by asha");
            else if (roll == 7)
                await store.TryFailAsync(trial.Id, "diverged: loss is NaN at step 200");
            else
            {
                await store.SetTrialAttrAsync(trial.Id, AttrScope.System, SystemAttrs.FinalMetrics,
                    FinalMetricsJson.ToJson(new Dictionary<string, double> { ["val/acc"] = last, ["test/acc"] = TestAccuracy(last) }));
                await store.TryCompleteAsync(trial.Id, last);
            }
            await store.EndAttemptAsync(attempt!.Id, 0, roll == 7 ? "exit 1" : "completed");
        }
        var page = await store.GetTrialsAsync(study.Id);
        var complete = page.Trials.First(t => t.State == TrialState.Complete).Number;
        return new SeededStudy(study, page.Trials, count - 2, count - 1, complete, trialDir);
    }

    /// <summary>The seeded test accuracy of a trial that completed with <paramref name="value"/>.</summary>
    public static double TestAccuracy(double value) => value - 0.01;

    private static Dictionary<string, object> Sample(SearchSpaceDefinition space, Random rng)
    {
        var chosen = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var p in space.Parameters)
        {
            if (!space.IsActive(p, chosen))
                continue;
            chosen[p.Name] = p.Distribution switch
            {
                FloatDistribution { Log: true } f => Math.Exp(Math.Log(f.Low) + rng.NextDouble() * (Math.Log(f.High) - Math.Log(f.Low))),
                FloatDistribution f => f.Low + rng.NextDouble() * (f.High - f.Low),
                IntDistribution i => (object)(long)rng.NextInt64(i.Low, i.High + 1),
                CategoricalDistribution c => c.Choices[rng.Next(c.Choices.Count)],
                _ => throw new NotSupportedException(p.Distribution.ToString()),
            };
        }
        return chosen;
    }

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
