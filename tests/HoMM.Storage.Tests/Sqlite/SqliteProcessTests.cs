using System.Diagnostics;
using System.Globalization;
using HoMM.Core.Trials;
using HoMM.Storage.Sqlite;

namespace HoMM.Storage.Tests.Sqlite;

/// <summary>
/// Real processes on one SQLite file: this test assembly started as a child (see Program).
/// </summary>
public sealed class SqliteProcessTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("homm-proc-").FullName;
    private readonly ChildProcesses children = new();

    private string DbPath => Path.Combine(directory, "homm.db");

    public void Dispose()
    {
        children.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task KillDashNine_WhileCommitting_EveryAcknowledgedTrialSurvives()
    {
        var writer = children.Start("writer", DbPath);
        var acknowledged = new Dictionary<int, double>();
        Assert.Equal("ready", await ChildProcesses.ReadLineAsync(writer));
        while (acknowledged.Count < 150)
        {
            var parts = (await ChildProcesses.ReadLineAsync(writer)).Split(' ');
            Assert.Equal("done", parts[0]);
            acknowledged[int.Parse(parts[1], CultureInfo.InvariantCulture)] = double.Parse(parts[2], CultureInfo.InvariantCulture);
        }

        writer.Kill(); // SIGKILL on Unix: no finally blocks, no disposal, no checkpoint
        await writer.WaitForExitAsync();

        using var store = await SqliteTrialStore.OpenAsync(DbPath);
        var study = await store.GetStudyAsync(TrialStoreContractTests.DurabilityStudy.Name);
        var trials = (await store.GetTrialsAsync(study!.Id)).Trials.ToDictionary(t => t.Number);
        Assert.All(acknowledged, a =>
        {
            Assert.True(trials.TryGetValue(a.Key, out var t), $"acknowledged trial {a.Key} is missing");
            Assert.Equal(TrialState.Complete, t.State);
            Assert.Equal(a.Value, t.Value);
            Assert.Equal(a.Key, t.IntermediateValues[1]);
        });
        // The trial the writer was in the middle of is whole or absent, never half-written, and
        // numbering goes on without a gap after the crash.
        Assert.Equal(Enumerable.Range(0, trials.Count), trials.Keys.Order());
        Assert.Equal(trials.Count, (await store.CreateTrialAsync(study.Id)).Number);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task TwoProcesses_RaceForTheSameWaitingTrials_EachTrialHasExactlyOneWinner()
    {
        const int trialCount = 300;
        var template = TrialStoreContractTests.DurabilityStudy;
        // SQLite does not queue writers fairly: on a loaded machine one racer may take every trial
        // before the other gets the lock. Each round must have exactly one winner per trial; up to
        // three rounds are run until one shows both racers winning (they really ran at once).
        var overlapped = false;
        for (var round = 1; round <= 3 && !overlapped; round++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"race-{round}");
            long studyId;
            using (var store = await SqliteTrialStore.OpenAsync(DbPath))
            {
                studyId = (await store.CreateStudyAsync(new NewStudy(name, template.Direction, template.ObjectiveMetric, template.SearchSpace))).Id;
                for (var i = 0; i < trialCount; i++)
                    await store.CreateTrialAsync(studyId);
            }
            var wins = await children.ClaimRaceAsync(DbPath, name);

            output.WriteLine($"round {round}: wins per process: {string.Join(", ", wins.Select(w => w.Count))}");
            using var check = await SqliteTrialStore.OpenAsync(DbPath);
            var all = (await check.GetTrialsAsync(studyId)).Trials;
            Assert.Equal(all.Select(t => t.Id).Order(), wins.SelectMany(w => w).Order());
            Assert.All(all, t => Assert.Equal(TrialState.Running, t.State));
            overlapped = wins.All(w => w.Count > 0);
        }
        Assert.True(overlapped, "in three rounds one racer always took every trial: the race never overlapped");
    }
}
