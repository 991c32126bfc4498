using System.Globalization;
using HoMM.Core.Trials;
using HoMM.Storage.Postgres;
using HoMM.Storage.Relational;
using HoMM.Storage.Sqlite;

namespace HoMM.Storage.Tests;

/// <summary>
/// Child-process modes for the process tests (the test runner never calls Main):
/// <c>writer DB</c> commits trials forever and prints "done N VALUE" after each commit, to be
/// killed with SIGKILL; <c>claimer DB STUDY SEED</c> (DB: a SQLite file or a postgres:// URL) warms up, waits for "go T" on stdin and then
/// until the instant T, then races to move every Waiting trial to Running and prints "won ID"
/// for each it got.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case ["writer", var db]:
                await WriteForeverAsync(db);
                return 0;
            case ["claimer", var db, var study, var seed]:
                await ClaimAsync(db, study, int.Parse(seed, CultureInfo.InvariantCulture));
                return 0;
            default:
                await Console.Error.WriteLineAsync("usage: writer DB | claimer DB STUDY SEED");
                return 2;
        }
    }

    private static async Task WriteForeverAsync(string db)
    {
        using var store = await SqliteTrialStore.OpenAsync(db);
        var (study, _) = await store.GetOrCreateStudyAsync(TrialStoreContractTests.DurabilityStudy);
        Console.WriteLine("ready");
        while (true)
        {
            var trial = await store.CreateTrialAsync(study.Id);
            await store.TryStartAsync(trial.Id);
            await store.ReportAsync(trial.Id, 1, "val/acc", trial.Number);
            var value = trial.Number / 1000.0;
            await store.TryCompleteAsync(trial.Id, value);
            // Printed only after the commit returned: the parent may count on every line it reads.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done {trial.Number} {value:R}"));
        }
    }

    private static async Task ClaimAsync(string db, string studyName, int seed)
    {
        using var store = await OpenAsync(db);
        var study = await store.GetStudyAsync(studyName) ?? throw new InvalidOperationException($"no study {studyName}");
        var waiting = (await store.GetTrialsAsync(study.Id, new TrialQuery(States: new HashSet<TrialState> { TrialState.Waiting }))).Trials.ToArray();
        // Each racer takes the trials in its own order: in the same order, the one behind would
        // only ever find trials the leader already took.
        new Random(seed).Shuffle(waiting);
        // Warm up (JIT, EF's compiled queries) on a trial of our own, so neither racer starts late.
        var template = TrialStoreContractTests.DurabilityStudy;
        var warmUp = await store.CreateStudyAsync(new NewStudy($"warm-up-{Environment.ProcessId}", template.Direction, template.ObjectiveMetric, template.SearchSpace));
        await store.TryStartAsync((await store.CreateTrialAsync(warmUp.Id)).Id);
        Console.WriteLine("ready");
        // "go T": both racers wait for the same wall-clock instant T (Unix ms), then race.
        var startAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(Console.ReadLine()!.Split(' ')[1], CultureInfo.InvariantCulture));
        var wait = startAt - TimeProvider.System.GetUtcNow();
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
        foreach (var trial in waiting)
        {
            if (await store.TryStartAsync(trial.Id))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"won {trial.Id}"));
        }
        Console.WriteLine("end");
    }

    private static async Task<RelationalTrialStore> OpenAsync(string db) =>
        PostgresConnectionString.IsPostgres(db) ? await PostgresTrialStore.OpenAsync(db) : await SqliteTrialStore.OpenAsync(db);
}
