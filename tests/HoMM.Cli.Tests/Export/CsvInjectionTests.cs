using System.Text.Json;
using HoMM.Cli.Tests.Common;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Storage.Sqlite;

namespace HoMM.Cli.Tests.Export;

/// <summary>
/// Text that a spreadsheet would run as a formula (OWASP "CSV injection") is neutralised in CSV with a
/// leading quote; numbers, negative ones included, stay numbers; JSON keeps every value as it is.
/// </summary>
public sealed class CsvInjectionTests : IDisposable
{
    private static readonly string[] Hostile = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-1+1", "\tx", "\rx", "plain"];

    private readonly SeededStore _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task ExportCsv_FormulaStrings_PrefixedWithAQuoteAndNegativeNumbersKept()
    {
        await SeedAsync();

        var (exit, output, error) = await SeededStore.RunAsync("export", "inject", "--format", "csv", "--db", _db.DbPath);

        Assert.True(exit == 0, error);
        var rows = output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("number,state,value,started,finished,duration_s,fail_reason,attempts,node,slot,params.choice,params.n,params.x", rows[0]);
        Assert.EndsWith(",\"'=HYPERLINK(\"\"http://x\"\")\",0,,,'=cmd|' /C calc'!A0,-3,-0.5", rows[1], StringComparison.Ordinal);
        Assert.EndsWith(",,0,,,'@SUM(1+1),-3,-0.5", rows[2], StringComparison.Ordinal);
        Assert.EndsWith(",,0,,,'+1+1,-3,-0.5", rows[3], StringComparison.Ordinal);
        Assert.EndsWith(",,0,,,'-1+1,-3,-0.5", rows[4], StringComparison.Ordinal);
        Assert.EndsWith(",,0,,,'\tx,-3,-0.5", rows[5], StringComparison.Ordinal);
        Assert.EndsWith(",,0,,,\"'\rx\",-3,-0.5", output.Split("\r\n")[6], StringComparison.Ordinal);
        Assert.EndsWith(",,0,,,plain,-3,-0.5", output.Split("\r\n")[7], StringComparison.Ordinal);
        Assert.StartsWith("0,failed,", rows[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportJson_FormulaStrings_KeptExactly()
    {
        await SeedAsync();

        var (exit, output, error) = await SeededStore.RunAsync("export", "inject", "--format", "json", "--db", _db.DbPath);

        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var trials = doc.RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(Hostile, trials.Select(t => t.GetProperty("params").GetProperty("choice").GetString()));
        Assert.Equal("=HYPERLINK(\"http://x\")", trials[0].GetProperty("fail_reason").GetString());
        Assert.Equal(-3, trials[0].GetProperty("params").GetProperty("n").GetInt64());
    }

    private async Task SeedAsync()
    {
        using var store = await SqliteTrialStore.OpenAsync(_db.DbPath);
        var choice = new CategoricalDistribution(Hostile);
        var n = new IntDistribution(-5, 5);
        var x = new FloatDistribution(-1, 1);
        var study = await store.CreateStudyAsync(new NewStudy("inject", StudyDirection.Maximize, "val/acc",
            new SearchSpaceDefinition([new ParameterSpec("choice", choice), new ParameterSpec("n", n), new ParameterSpec("x", x)])));
        foreach (var (value, i) in Hostile.Select((v, i) => (v, i)))
        {
            var trial = await store.CreateTrialAsync(study.Id,
                new Dictionary<string, object> { ["choice"] = value, ["n"] = -3L, ["x"] = -0.5 },
                new Dictionary<string, Distribution> { ["choice"] = choice, ["n"] = n, ["x"] = x });
            if (i == 0)
            {
                Assert.True(await store.TryStartAsync(trial.Id));
                Assert.True(await store.TrySetStateAsync(trial.Id, TrialState.Fail, TrialState.Running, null, "=HYPERLINK(\"http://x\")"));
            }
        }
    }
}
