using System.Diagnostics;
using System.Globalization;
using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Protocol;
using Xunit.Abstractions;

namespace HoMM.Dispatch.Tests.Processes;

/// <summary>
/// Not a timed test: measures what starting a trainer costs and prints the medians (run with
/// <c>--filter StartupOverhead --logger "console;verbosity=detailed"</c>). It asserts only that
/// every run worked, so a loaded CI machine cannot make it fail.
/// </summary>
[Trait("Category", "Slow")]
public sealed class StartupOverheadBenchmark(ITestOutputHelper output) : IDisposable
{
    private const int Runs = 40;
    private const string FinalLine = """{"final":{"x":1}}""";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task StartupOverhead_TrivialTrainer_ReportsMedians()
    {
        var plain = await MeasureAsync(async () =>
        {
            var psi = new ProcessStartInfo("/bin/echo", [FinalLine]) { RedirectStandardOutput = true, RedirectStandardInput = true };
            using var p = Process.Start(psi)!;
            Assert.Equal(FinalLine, await p.StandardOutput.ReadLineAsync());
            await p.WaitForExitAsync();
        });

        var env = new Dictionary<string, string?>();
        var log = Path.Combine(_dir.Path, "p.log");
        var trainerProcess = await MeasureAsync(async () =>
        {
            await using var p = TrainerProcess.Start(new TrainerStartInfo(["/bin/echo", FinalLine], _dir.Path, env, log));
            await using var events = p.ReadEventsAsync().GetAsyncEnumerator();
            Assert.True(await events.MoveNextAsync());
            Assert.IsType<FinalResultReported>(events.Current);
            await p.WaitForExitAsync();
        });

        var runner = new AttemptRunner(new AttemptRunnerOptions(), TimeProvider.System);
        var n = 0;
        var attempt = await MeasureAsync(async () =>
        {
            var result = await runner.RunAsync(new AttemptRequest
            {
                TrialId = n,
                TrialNumber = n,
                Params = new Dictionary<string, object> { ["lr"] = 0.1 },
                Command = TestCommand.Custom(["/bin/echo", "{{\"final\":{{\"x\":1}}}}"]),
                TrialDirectory = Path.Combine(_dir.Path, "trial-" + n++.ToString(CultureInfo.InvariantCulture)),
                Slot = TrainerSlot.Cpu("cpu0", 1),
            }, new RecordingObserver());
            Assert.IsType<AttemptOutcome.Completed>(result.Outcome);
        });

        output.WriteLine($"median over {Runs} runs (after 3 warm-up runs):");
        output.WriteLine($"  Process.Start(/bin/echo) → first line → exit:            {plain:F2} ms");
        output.WriteLine($"  TrainerProcess (setsid) → first event → exit:           {trainerProcess:F2} ms");
        output.WriteLine($"  AttemptRunner.RunAsync (trial.json, log, result):      {attempt:F2} ms");
    }

    private static async Task<double> MeasureAsync(Func<Task> run)
    {
        for (var i = 0; i < 3; i++)
            await run();
        var times = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var sw = Stopwatch.StartNew();
            await run();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
