using System.Text.Json;
using HoMM.Cli.Common;
using HoMM.Cli.Tests.Common;

namespace HoMM.Cli.Tests.Export;

public sealed class ExportCommandTests : SeededStoreTest
{
    [Fact]
    public async Task Export_Csv_EveryTrialWithRfc4180Quoting()
    {
        var (exit, output, error) = await SeededStore.RunAsync("export", "fmnist", "--format", "csv", "--db", Db.DbPath);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var records = ParseCsv(output);
        Assert.Equal(["number", "state", "value", "started", "finished", "duration_s", "fail_reason", "attempts", "node", "slot",
            "final.test/acc", "final.test/loss", "final.val/acc", "info.flops", "info.params", "params.lr", "params.pooling"], records[0]);
        Assert.Equal(7, records.Count);
        Assert.Equal(["1", "complete", "0.87", "2026-03-02T21:10:00.000Z", "2026-03-02T21:20:00.000Z", "600", "", "1", "node-a", "cpu1",
            "0.86", "0.5", "0.87", "1200000000", "26000000", "0.0025", "mean"], records[2]);
        Assert.Equal("a \"b\", c", records[3][16]);
        Assert.Equal("diverged: loss is NaN\nat step 40", records[4][6]);
        // The state names of `trials` ("failed", not the store's "Fail").
        Assert.Equal("failed", records[4][1]);
        Assert.Equal(["4", "running", "", "2026-03-02T21:40:00.000Z", "", "", "", "1", "node-a", "cpu1", "", "", "", "", "", "0.005", "mean"], records[5]);
        Assert.Equal(["5", "waiting", "", "", "", "", "", "0", "", "", "", "", "", "", "", "0.001", "cls"], records[6]);
        // The raw text quotes exactly the fields that need it.
        Assert.Contains(",\"a \"\"b\"\", c\"\r\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_JsonToFile_WritesEveryTrialWithTypedParameters()
    {
        var path = Path.Combine(Db.Dir, "out", "fmnist.json");

        var (exit, output, error) = await SeededStore.RunAsync("export", "fmnist", "--format", "json", "-o", path, "--db", Db.DbPath);

        Assert.Equal(0, exit);
        Assert.Equal("", output);
        Assert.Equal($"wrote 6 trials of 'fmnist' to {path}", error.Trim());
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var root = doc.RootElement;
        Assert.Equal("maximize", root.GetProperty("study").GetProperty("direction").GetString());
        Assert.Equal("val/acc", root.GetProperty("study").GetProperty("objective").GetString());
        var trials = root.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(6, trials.Count);
        Assert.Equal(0.87, trials[1].GetProperty("value").GetDouble());
        Assert.Equal(0.0025, trials[1].GetProperty("params").GetProperty("lr").GetDouble());
        Assert.Equal(600, trials[1].GetProperty("duration_s").GetDouble());
        Assert.Equal(0.86, trials[1].GetProperty("final").GetProperty("test/acc").GetDouble());
        Assert.Equal(0.87, trials[1].GetProperty("final").GetProperty("val/acc").GetDouble());
        Assert.Equal(JsonValueKind.Null, trials[2].GetProperty("final").ValueKind);
        Assert.Equal("failed", trials[3].GetProperty("state").GetString());
        Assert.Equal(26_000_000, trials[1].GetProperty("info").GetProperty("params").GetInt64());
        var attempt = Assert.Single(trials[1].GetProperty("attempts").EnumerateArray());
        Assert.Equal("cpu1", attempt.GetProperty("slot").GetString());
        Assert.Equal(101, attempt.GetProperty("pid").GetInt32());
        Assert.Equal(0, attempt.GetProperty("exit_code").GetInt32());
        Assert.Equal("complete", attempt.GetProperty("reason").GetString());
        Assert.Empty(trials[5].GetProperty("attempts").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, trials[3].GetProperty("value").ValueKind);
        Assert.Equal("diverged: loss is NaN\nat step 40", trials[3].GetProperty("fail_reason").GetString());
        Assert.Equal(JsonValueKind.Null, trials[5].GetProperty("started").ValueKind);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public async Task Export_CurvesCsv_OneRowPerTrialStepAndMetric()
    {
        var (exit, output, error) = await SeededStore.RunAsync("export", "fmnist", "--format", "csv", "--curves", "--db", Db.DbPath);

        Assert.True(exit == 0, error);
        var records = ParseCsv(output);
        Assert.Equal(["number", "state", "step", "metric", "value", "reported"], records[0]);
        // Trials 0-3 reported val/acc at step 10, the running trial 4 at step 20; the waiting one nothing.
        Assert.Equal(6, records.Count);
        Assert.Equal(["1", "complete", "10", "val/acc", "0.87"], records[2].Take(5));
        Assert.Equal(["3", "failed", "10", "val/acc", "0.1"], records[4].Take(5));
        Assert.Equal(["4", "running", "20", "val/acc", "0.5"], records[5].Take(5));
    }

    [Fact]
    public async Task Export_CurvesJson_LongFormatRows()
    {
        var (exit, output, error) = await SeededStore.RunAsync("export", "fmnist", "--format", "json", "--curves", "--db", Db.DbPath);

        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.GetProperty("curves").EnumerateArray().ToList();
        Assert.Equal(5, rows.Count);
        Assert.Equal(4, rows[4].GetProperty("number").GetInt32());
        Assert.Equal(20, rows[4].GetProperty("step").GetInt64());
        Assert.Equal("val/acc", rows[4].GetProperty("metric").GetString());
        Assert.Equal(0.5, rows[4].GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Export_UnknownFormat_SaysWhichExist()
    {
        var (exit, _, error) = await SeededStore.RunAsync("export", "fmnist", "--format", "xlsx", "--db", Db.DbPath);

        Assert.Equal(1, exit);
        Assert.Contains("Argument 'xlsx' not recognized", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_UnknownStudy_ListsTheKnownOnes()
    {
        var (exit, output, error) = await SeededStore.RunAsync("export", "nope", "--format", "csv", "--db", Db.DbPath);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("its studies: cifar, fmnist", error, StringComparison.Ordinal);
    }

    /// <summary>The records of what export wrote, read by import's reader (not the writer); RFC 4180's CRLF line breaks, no open quote.</summary>
    internal static List<List<string>> ParseCsv(string text)
    {
        var csv = CsvText.Parse(text);
        Assert.False(csv.Unterminated, "unterminated quoted field");
        Assert.True(csv.CrLfTerminated, "every record ends with CRLF");
        return [.. csv.Records.Select(r => r.Fields)];
    }
}
