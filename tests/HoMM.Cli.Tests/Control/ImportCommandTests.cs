using HoMM.Cli.Control;
using HoMM.Core.Trials;
using HoMM.Storage;

namespace HoMM.Cli.Tests.Control;

/// <summary><c>import</c> into the control study (x ∈ [0, 1], y ∈ 1..9, constraint x * y ≤ 2), stored with its file.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly ControlFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<(int Exit, string Output, string Error)> ImportAsync(string fileName, string content)
    {
        var path = Path.Combine(_folder.Dir, fileName);
        await File.WriteAllTextAsync(path, content);
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await ImportCommand.RunAsync(_folder.Db, "ctl", path, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Import_CsvWithOneBadRow_LocatedErrorAndNothingImported()
    {
        _folder.WriteStudy(maxTrials: 2);
        var study = await _folder.CreateStudyAsync();

        var (exit, _, error) = await ImportAsync("results.csv", "params.x,params.y,value\n0.1,2,0.8\n0.5,7,0.9\n0.2,3,0.7\n");

        Assert.Equal(ImportCommand.ExitRefused, exit);
        var path = Path.Combine(_folder.Dir, "results.csv");
        Assert.Contains($"{path}:3: breaks the constraint 'x * y <= 2' (x = 0.5, y = 7)", error, StringComparison.Ordinal);
        Assert.DoesNotContain($"{path}:2:", error, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", error, StringComparison.Ordinal);
        Assert.Empty((await _folder.WithStoreAsync(s => s.GetTrialsAsync(study.Id))).Trials);
    }

    [Fact]
    public async Task Import_CsvEveryProblemLocated()
    {
        _folder.WriteStudy(maxTrials: 2);
        await _folder.CreateStudyAsync();

        var (exit, _, error) = await ImportAsync("bad.csv", "x,y,value,state\n0.1,12,0.8,complete\n0.1,2,,complete\n0.1,2,0.5,running\n");

        Assert.Equal(ImportCommand.ExitRefused, exit);
        var path = Path.Combine(_folder.Dir, "bad.csv");
        Assert.Contains($"{path}:2: params.y:", error, StringComparison.Ordinal);
        Assert.Contains($"{path}:3: value: a complete trial needs its val/acc", error, StringComparison.Ordinal);
        Assert.Contains($"{path}:4: state: 'running' cannot be imported", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_GoodCsvAndJsonWithCurves_FinishedTrialsMarkedImported()
    {
        _folder.WriteStudy(maxTrials: 2);
        var study = await _folder.CreateStudyAsync();

        var (exit, output, error) = await ImportAsync("a.csv", "params.x,params.y,value,state,final.test/acc\n0.1,2,0.8,complete,0.79\n0.3,5,0.6,pruned,\n0.2,1,,failed,\n");
        Assert.True(exit == 0, error);
        Assert.Contains("imported 3 trials into 'ctl' (numbers 0–2)", output, StringComparison.Ordinal);

        (exit, _, error) = await ImportAsync("b.json", """
            {"trials": [
              {"params": {"x": 0.25, "y": 4}, "value": 0.85, "curves": {"val/acc": [[1, 0.5], [2, 0.85]]}}
            ]}
            """);
        Assert.True(exit == 0, error);

        var trials = (await _folder.WithStoreAsync(s => s.GetTrialsAsync(study.Id))).Trials;
        Assert.Equal([TrialState.Complete, TrialState.Pruned, TrialState.Fail, TrialState.Complete], trials.Select(t => t.State));
        Assert.Equal(0.8, trials[0].Value);
        Assert.Equal(2L, trials[0].Params["y"]);
        Assert.Equal(new Dictionary<long, double> { [1] = 0.5, [2] = 0.85 }, trials[3].IntermediateValues);
        var imported = await _folder.WithStoreAsync(s => s.GetTrialAttrOfStudyAsync(study.Id, AttrScope.System, SystemAttrs.Imported));
        Assert.Equal(4, imported.Count);
        Assert.Equal(2, imported[trials[0].Id].GetProperty("line").GetInt32());
        Assert.Equal(2, imported[trials[3].Id].GetProperty("line").GetInt32());
        var final = await _folder.WithStoreAsync(s => s.GetTrialAttrsAsync(trials[0].Id, AttrScope.System));
        Assert.Equal(0.79, final[SystemAttrs.FinalMetrics].GetProperty("test/acc").GetDouble());
    }

    [Fact]
    public async Task Import_JsonBadTrial_LocatedOnItsLine()
    {
        _folder.WriteStudy(maxTrials: 2);
        var study = await _folder.CreateStudyAsync();

        var (exit, _, error) = await ImportAsync("c.json", "{\"trials\": [\n  {\"params\": {\"x\": 0.1, \"y\": 2}, \"value\": 0.5},\n  {\"params\": {\"x\": 2.5, \"y\": 2}, \"value\": 0.5}\n]}\n");

        Assert.Equal(ImportCommand.ExitRefused, exit);
        Assert.Contains($"{Path.Combine(_folder.Dir, "c.json")}:3: params.x:", error, StringComparison.Ordinal);
        Assert.Empty((await _folder.WithStoreAsync(s => s.GetTrialsAsync(study.Id))).Trials);
    }

    private const string TwoObjectives = "objectives: [{metric: val/acc, direction: maximize}, {metric: val/loss, direction: minimize}]";

    [Fact]
    public async Task Import_MultiObjectiveExportBackIntoAFreshStudy_SameValuesEveryObjective()
    {
        _folder.WriteStudy(maxTrials: 2, objective: TwoObjectives);
        var study = await _folder.CreateStudyAsync();
        var (exit, _, error) = await ImportAsync("a.csv",
            "params.x,params.y,values.val/acc,values.val/loss,state\n0.1,2,0.8,0.5,complete\n0.3,5,0.9,0.7,complete\n0.2,1,,,pruned\n");
        Assert.True(exit == 0, error);
        var csv = Path.Combine(_folder.Dir, "export.csv");
        var json = Path.Combine(_folder.Dir, "export.json");
        Assert.Equal(0, await HoMM.Cli.Export.ExportCommand.RunAsync(_folder.Db, "ctl", HoMM.Cli.Export.ExportFormat.Csv, csv, false, TextWriter.Null, TextWriter.Null));
        Assert.Equal(0, await HoMM.Cli.Export.ExportCommand.RunAsync(_folder.Db, "ctl", HoMM.Cli.Export.ExportFormat.Json, json, false, TextWriter.Null, TextWriter.Null));
        Assert.Contains("pareto,front_rank", await File.ReadAllTextAsync(csv), StringComparison.Ordinal);

        // The export's own files, values.<metric>, pareto and front_rank columns included, import as they are.
        (exit, _, error) = await ImportAsync("again.csv", await File.ReadAllTextAsync(csv));
        Assert.True(exit == 0, error);
        (exit, _, error) = await ImportAsync("again.json", await File.ReadAllTextAsync(json));
        Assert.True(exit == 0, error);

        var trials = (await _folder.WithStoreAsync(s => s.GetTrialsAsync(study.Id))).Trials;
        Assert.Equal(9, trials.Count);
        foreach (var copy in new[] { 3, 6 })
        {
            Assert.Equal([0.8, 0.5], trials[copy].Values!);
            Assert.Equal(0.8, trials[copy].Value);
            Assert.Equal([0.9, 0.7], trials[copy + 1].Values!);
            Assert.Equal(TrialState.Pruned, trials[copy + 2].State);
        }
    }

    [Fact]
    public async Task Import_MultiObjectiveRowMissingAnObjective_LocatedAndNothingImported()
    {
        _folder.WriteStudy(maxTrials: 2, objective: TwoObjectives);
        var study = await _folder.CreateStudyAsync();

        var (exit, _, error) = await ImportAsync("mo.csv", "x,y,value,values.val/acc\n0.1,2,0.8,0.8\n");

        Assert.Equal(ImportCommand.ExitRefused, exit);
        Assert.Contains($"{Path.Combine(_folder.Dir, "mo.csv")}:2: values.val/loss: a complete trial needs its val/loss", error, StringComparison.Ordinal);
        Assert.Empty((await _folder.WithStoreAsync(s => s.GetTrialsAsync(study.Id))).Trials);
    }
}
