using System.Diagnostics;
using System.Globalization;

namespace HoMM.Storage.Tests;

/// <summary>
/// This test assembly started as child processes (see Program), killed at the end if still
/// running. Each child costs a runtime start and an EF model build (about a second here).
/// </summary>
internal sealed class ChildProcesses : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly List<Process> children = [];

    public Process Start(params string[] args)
    {
        var assembly = typeof(ChildProcesses).Assembly.Location;
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

    public static async Task<string> ReadLineAsync(Process process)
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

    /// <summary>
    /// Two "claimer" children race to start every Waiting trial of <paramref name="study"/> in
    /// <paramref name="db"/>, beginning at the same instant; returns the trial ids each won.
    /// </summary>
    public async Task<List<long>[]> ClaimRaceAsync(string db, string study)
    {
        var racers = new[] { Start("claimer", db, study, "1"), Start("claimer", db, study, "2") };
        foreach (var racer in racers)
            Assert.Equal("ready", await ReadLineAsync(racer));

        var startAt = DateTimeOffset.UtcNow.AddMilliseconds(300).ToUnixTimeMilliseconds();
        foreach (var racer in racers)
            await racer.StandardInput.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"go {startAt}"));
        return await Task.WhenAll(racers.Select(async racer =>
        {
            var won = new List<long>();
            for (var line = await ReadLineAsync(racer); line != "end"; line = await ReadLineAsync(racer))
                won.Add(long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture));
            return won;
        }));
    }

    public void Dispose()
    {
        foreach (var child in children)
        {
            if (!child.HasExited)
                child.Kill(entireProcessTree: true);
            child.Dispose();
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : "dotnet";
}
