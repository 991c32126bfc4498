using System.Diagnostics;
using System.Globalization;
using HoMM.Core.Trials;
using HoMM.Storage.Sqlite;

namespace HoMM.Storage.Tests.Sqlite;

/// <summary>
/// Real processes on one SQLite file: this test assembly started as a child (see Program).
/// Each child costs a runtime start and an EF model build (about a second here).
/// </summary>
public sealed class SqliteProcessTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string directory = Directory.CreateTempSubdirectory("homm-proc-").FullName;
    private readonly List<Process> children = [];

    private string DbPath => Path.Combine(directory, "homm.db");

    public void Dispose()
    {
        foreach (var child in children)
        {
            if (!child.HasExited)
                child.Kill(entireProcessTree: true);
            child.Dispose();
        }
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task KillDashNine_WhileCommitting_EveryAcknowledgedTrialSurvives()
    {
        var writer = Start("writer", DbPath);
        var acknowledged = new Dictionary<int, double>();
        Assert.Equal("ready", await ReadLineAsync(writer));
        while (acknowledged.Count < 150)
        {
            var parts = (await ReadLineAsync(writer)).Split(' ');
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
        long studyId;
        using (var store = await SqliteTrialStore.OpenAsync(DbPath))
        {
            studyId = (await store.CreateStudyAsync(TrialStoreContractTests.DurabilityStudy)).Id;
            for (var i = 0; i < trialCount; i++)
                await store.CreateTrialAsync(studyId);
        }
        var racers = new[] { Start("claimer", DbPath, "durability", "1"), Start("claimer", DbPath, "durability", "2") };
        foreach (var racer in racers)
            Assert.Equal("ready", await ReadLineAsync(racer));

        var startAt = DateTimeOffset.UtcNow.AddMilliseconds(300).ToUnixTimeMilliseconds();
        foreach (var racer in racers)
            await racer.StandardInput.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"go {startAt}"));
        var wins = await Task.WhenAll(racers.Select(async racer =>
        {
            var won = new List<long>();
            for (var line = await ReadLineAsync(racer); line != "end"; line = await ReadLineAsync(racer))
                won.Add(long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture));
            return won;
        }));

        output.WriteLine($"wins per process: {string.Join(", ", wins.Select(w => w.Count))}");
        using var check = await SqliteTrialStore.OpenAsync(DbPath);
        var all = (await check.GetTrialsAsync(studyId)).Trials;
        Assert.Equal(all.Select(t => t.Id).Order(), wins.SelectMany(w => w).Order());
        // Both won some: they really ran at the same time (one did not finish before the other began).
        Assert.All(wins, w => Assert.NotEmpty(w));
        Assert.All(all, t => Assert.Equal(TrialState.Running, t.State));
    }

    private Process Start(params string[] args)
    {
        var assembly = typeof(SqliteProcessTests).Assembly.Location;
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assembly);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + assembly);
        children.Add(process);
        return process;
    }

    private static async Task<string> ReadLineAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null)
        {
            var error = await process.StandardError.ReadToEndAsync(timeout.Token);
            throw new InvalidOperationException($"child process ended early: {error}");
        }
        return line;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : "dotnet";
}
