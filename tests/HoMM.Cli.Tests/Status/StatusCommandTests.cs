using HoMM.Cli.Common;
using HoMM.Cli.Status;
using HoMM.Cli.Tests.Common;

namespace HoMM.Cli.Tests.Status;

public sealed class StatusCommandTests : SeededStoreTest
{
    [Fact]
    public async Task Status_AllStudies_OneLinePerStudyWithCountsBestAndProgress()
    {
        var (exit, output, error) = await SeededStore.RunAsync("status", "--db", Db.DbPath);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"database {Db.DbPath}", lines[0]);
        Assert.Matches(@"^study\s+objective\s+trials\s+complete\s+pruned\s+failed\s+running\s+paused\s+waiting\s+best\s+progress$", lines[1]);
        // Listed by name; fmnist's budget comes from its study file (max_trials 10).
        Assert.Matches(@"^cifar\s+minimize val/loss\s+1\s+1\s+0\s+0\s+0\s+0\s+0\s+0\.42\s+1 finished, paused$", lines[2]);
        Assert.Matches(@"^fmnist\s+maximize val/acc\s+6\s+2\s+1\s+1\s+1\s+0\s+1\s+0\.87\s+4/10 \(40%\)$", lines[3]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task Status_OneStudy_ShowsBestParametersComputeRunningTrialsAndFailures()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var now = SeededStore.T0.AddHours(1);

        var exit = await StatusCommand.RunAsync(Db.DbPath, "fmnist", output, error, terminal: false, new FixedClock(now));

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Contains("trials     6: 1 waiting, 1 running, 2 complete, 1 pruned, 1 failed", text, StringComparison.Ordinal);
        Assert.Contains("progress   4/10 (40%)", text, StringComparison.Ordinal);
        Assert.Contains("best       trial 1: val/acc = 0.87, test/acc = 0.86\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("           lr = 0.0025", text, StringComparison.Ordinal);
        Assert.Contains("           pooling = mean", text, StringComparison.Ordinal);
        // Four finished trials of 10 minutes, and the running one for 20 minutes up to now.
        Assert.Contains("compute    1h 00m over all trials", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^disk\s+\d+(\.\d)? (B|KiB|MiB|GiB|TiB) in the trial folders$", text.ReplaceLineEndings("\n"));
        Assert.Contains("running trials (1)", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s*4\s+cpu1\s+node-a\s+777\s+1\s+2026-03-02 21:40:00\s+20m 00s\s+20\s+0\.5$", text);
        Assert.Contains("latest failure", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^3\s+2026-03-02 21:40:00\s+diverged: loss is NaN at step 40$", text);
    }

    [Fact]
    public async Task Status_AllStudiesJson_CountsByStateNameBestAndProgress()
    {
        var (exit, output, error) = await SeededStore.RunAsync("status", "--json", "--db", Db.DbPath);

        Assert.True(exit == 0, error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var studies = doc.RootElement.GetProperty("studies").EnumerateArray().ToList();
        Assert.Equal(["cifar", "fmnist"], studies.Select(s => s.GetProperty("name").GetString()));
        var fmnist = studies[1];
        Assert.Equal(6, fmnist.GetProperty("trials").GetInt32());
        Assert.Equal(1, fmnist.GetProperty("states").GetProperty("failed").GetInt32());
        Assert.Equal(2, fmnist.GetProperty("states").GetProperty("complete").GetInt32());
        Assert.Equal(0.87, fmnist.GetProperty("best_value").GetDouble());
        Assert.Equal(4, fmnist.GetProperty("progress").GetProperty("finished").GetInt32());
        Assert.Equal(10, fmnist.GetProperty("progress").GetProperty("max_trials").GetInt32());
        Assert.True(studies[0].GetProperty("progress").GetProperty("paused").GetBoolean());
    }

    [Fact]
    public async Task Status_OneStudyJson_BestTrialAndRunningTrials()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await StatusCommand.RunAsync(Db.DbPath, "fmnist", output, error, terminal: false, new FixedClock(SeededStore.T0.AddHours(1)), json: true);

        Assert.True(exit == 0, error.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(output.ToString());
        var root = doc.RootElement;
        Assert.Equal(3600, root.GetProperty("compute_s").GetDouble());
        Assert.Equal(1, root.GetProperty("best").GetProperty("number").GetInt32());
        Assert.Equal(0.86, root.GetProperty("best").GetProperty("final").GetProperty("test/acc").GetDouble());
        var running = Assert.Single(root.GetProperty("running").EnumerateArray());
        Assert.Equal(4, running.GetProperty("number").GetInt32());
        Assert.Equal("cpu1", running.GetProperty("slot").GetString());
        Assert.Equal(777, running.GetProperty("pid").GetInt32());
        Assert.Equal(20, running.GetProperty("step").GetInt64());
        Assert.Equal(0.5, running.GetProperty("last_value").GetDouble());
        Assert.Equal(1200, running.GetProperty("elapsed_s").GetDouble());
    }

    [Fact]
    public async Task Status_UnknownStudy_ListsTheKnownOnes()
    {
        var (exit, output, error) = await SeededStore.RunAsync("status", "fmnst", "--db", Db.DbPath);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal($"error: no study 'fmnst' in {Db.DbPath}; its studies: cifar, fmnist", error.Trim());
    }

    [Fact]
    public async Task Status_MissingDatabase_SaysSoAndCreatesNothing()
    {
        var path = Path.Combine(Db.Dir, "elsewhere.db");

        var (exit, _, error) = await SeededStore.RunAsync("status", "--db", path);

        Assert.Equal(StoreOpener.ExitStoreError, exit);
        Assert.StartsWith($"error: no database at {path}", error, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Status_EmptyDatabase_SaysThereAreNoStudies()
    {
        var path = Path.Combine(Db.Dir, "empty.db");
        (await StoreOpener.OpenAsync(path, StoreAccess.CreateIfMissing)).Dispose();

        var (exit, output, _) = await SeededStore.RunAsync("status", "--db", path);

        Assert.Equal(0, exit);
        Assert.StartsWith($"no studies in {path} yet", output, StringComparison.Ordinal);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
