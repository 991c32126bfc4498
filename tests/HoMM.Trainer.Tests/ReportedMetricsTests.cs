using System.Text.Json;
using HoMM.TrainerSettings;
using HoMM.Trainer.Protocol;
using HoMM.Trainer.Training;
using static HoMM.Torch.torch;

namespace HoMM.Trainer.Tests;

/// <summary>The schema's list of reported metrics (what a study may optimise) is what homm-train writes.</summary>
public sealed class ReportedMetricsTests
{
    [Fact]
    public void Run_ReportsExactlyTheSchemasMetrics_AtEndOnlyOnesInTheFinalLineOnly()
    {
        set_num_threads(1);
        var stdout = new StringWriter();
        var run = new TrainingRun(TestData.Small(steps: 4, evalEvery: 2), TestData.Sets(256, 64, 64), TestData.TempDirectory(),
            new ProtocolWriter(stdout), ControlReader.None(), TextWriter.Null, TimeProvider.System);

        Assert.Equal(RunOutcome.Completed, run.Run(resume: false).Outcome);

        var everyEvaluation = new HashSet<string>(StringComparer.Ordinal);
        var final = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("metrics", out var m))
                everyEvaluation.UnionWith(m.EnumerateObject().Select(p => p.Name));
            if (doc.RootElement.TryGetProperty("final", out var f))
                final.UnionWith(f.EnumerateObject().Select(p => p.Name));
        }
        Assert.Equal(HommMetrics.Reported.Where(r => !r.AtEndOnly).Select(r => r.Name).Order(StringComparer.Ordinal), everyEvaluation.Order(StringComparer.Ordinal));
        Assert.Equal(HommMetrics.Names.Order(StringComparer.Ordinal), final.Order(StringComparer.Ordinal));
    }
}
