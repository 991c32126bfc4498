using System.Globalization;
using HoMM.Core.Trials;
using HoMM.Storage.Sqlite;

namespace HoMM.Storage.Tests;

/// <summary>
/// Child-process modes for the process tests (the test runner never calls Main):
/// <c>writer DB</c> commits trials forever and prints "done N VALUE" after each commit, to be
/// killed with SIGKILL; <c>claimer DB STUDY</c> waits for "go" on stdin, then races to move every
/// Waiting trial to Running and prints "won ID" for each it got.
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
            case ["claimer", var db, var study]:
                await ClaimAsync(db, study);
                return 0;
            default:
                await Console.Error.WriteLineAsync("usage: writer DB | claimer DB STUDY");
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

    private static async Task ClaimAsync(string db, string studyName)
    {
        using var store = await SqliteTrialStore.OpenAsync(db);
        var study = await store.GetStudyAsync(studyName) ?? throw new InvalidOperationException($"no study {studyName}");
        var waiting = (await store.GetTrialsAsync(study.Id, new TrialQuery(States: new HashSet<TrialState> { TrialState.Waiting }))).Trials;
        Console.WriteLine("ready");
        _ = Console.ReadLine();
        foreach (var trial in waiting)
        {
            if (await store.TryStartAsync(trial.Id))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"won {trial.Id}"));
        }
        Console.WriteLine("end");
    }
}
