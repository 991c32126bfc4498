using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;
using HoMM.Reports.Plots;
using static HoMM.Reports.Tests.TrialFactory;

namespace HoMM.Reports.Tests.Plots;

public class TimelinePlotTests
{
    private static FrozenTrial Run(int n, TrialState state, double startMin, double? endMin) =>
        Trial(n, state, state == TrialState.Complete ? 1 : null,
            started: T0.AddMinutes(startMin), finished: endMin is { } e ? T0.AddMinutes(e) : null);

    private static readonly DateTimeOffset Now = T0.AddMinutes(100);

    [Fact]
    public void Build_WithSlots_OneRowPerSlotInNaturalOrder()
    {
        var study = Study(StudyDirection.Maximize,
            Run(0, TrialState.Complete, 0, 10), Run(1, TrialState.Pruned, 0, 5), Run(2, TrialState.Complete, 5, 20), Run(3, TrialState.Running, 10, null));
        var slots = new Dictionary<int, string> { [0] = "gpu10", [1] = "gpu2", [2] = "gpu2", [3] = "gpu10" };

        var info = TimelinePlot.Build(study, Now, slots);

        Assert.Equal(["gpu2", "gpu10"], info.Slots);
        Assert.False(info.SlotsInferred);
        Assert.Equal(4, info.Bars.Count);
        Assert.Equal(1, info.Bars.Single(b => b.TrialNumber == 0).SlotIndex);
        Assert.Equal(0, info.Bars.Single(b => b.TrialNumber == 2).SlotIndex);
        var running = info.Bars.Single(b => b.TrialNumber == 3);
        Assert.True(running.StillRunning);
        Assert.Equal(Now, running.End);
    }

    [Fact]
    public void Build_PausedTrial_BarEndsAtThePauseAndIsNotRunning()
    {
        var study = Study(StudyDirection.Maximize, Run(0, TrialState.Paused, 0, null), Run(1, TrialState.Paused, 5, null));
        var pausedAt = new Dictionary<int, DateTimeOffset> { [0] = T0.AddMinutes(7) };

        var info = TimelinePlot.Build(study, Now, pausedAtByTrial: pausedAt);

        var paused = info.Bars.Single(b => b.TrialNumber == 0);
        Assert.False(paused.StillRunning);
        Assert.Equal(T0.AddMinutes(7), paused.End);
        // No recorded pause: the bar does not run on to now either.
        var unknown = info.Bars.Single(b => b.TrialNumber == 1);
        Assert.False(unknown.StillRunning);
        Assert.Equal(unknown.Start, unknown.End);
    }

    [Fact]
    public void Build_WithoutSlots_InfersTheFewestLanes()
    {
        // At most two trials overlap at any time.
        var study = Study(StudyDirection.Maximize,
            Run(0, TrialState.Complete, 0, 10), Run(1, TrialState.Complete, 1, 4), Run(2, TrialState.Fail, 4, 8),
            Run(3, TrialState.Complete, 10, 12), Run(4, TrialState.Complete, 9, 11), Trial(5, TrialState.Waiting));

        var info = TimelinePlot.Build(study, Now);

        Assert.True(info.SlotsInferred);
        Assert.Equal(["lane 1", "lane 2"], info.Slots);
        Assert.Equal(1, info.TrialsNotStarted);
        foreach (var lane in info.Bars.GroupBy(b => b.SlotIndex))
        {
            var ordered = lane.OrderBy(b => b.Start).ToList();
            for (var i = 1; i < ordered.Count; i++)
                Assert.True(ordered[i].Start >= ordered[i - 1].End, $"trials {ordered[i - 1].TrialNumber} and {ordered[i].TrialNumber} overlap in a lane");
        }
    }

    [Fact]
    public void Build_TenThousandTrialsFourAtATime_FourLanes()
    {
        var trials = Enumerable.Range(0, 10_000).Select(i => Run(i, TrialState.Complete, i / 4 * 10, i / 4 * 10 + 10)).ToArray();

        var info = TimelinePlot.Build(Study(StudyDirection.Minimize, trials), Now);

        Assert.Equal(4, info.Slots.Count);
        Assert.Equal(10_000, info.Bars.Count);
    }

    [Fact]
    public void Render_BarsAreThickLinesOnADateAxis_ColouredByState()
    {
        var study = Study(StudyDirection.Maximize, Run(0, TrialState.Complete, 0, 90), Run(1, TrialState.Pruned, 0, 5));

        var json = JsonDocument.Parse(FigureJson.Serialize(TimelinePlot.Render(TimelinePlot.Build(study, Now)))).RootElement;

        var complete = json.GetProperty("data")[0];
        Assert.Equal(["2026-01-05 08:00:00", "2026-01-05 09:30:00"], complete.GetProperty("x").EnumerateArray().Take(2).Select(x => x.GetString()));
        Assert.Equal(JsonValueKind.Null, complete.GetProperty("x")[2].ValueKind);
        Assert.Equal(PlotStyle.Complete, complete.GetProperty("line").GetProperty("color").GetString());
        Assert.Equal("trial 0 · complete · 1h 30m", complete.GetProperty("text")[0].GetString());
        Assert.Equal(PlotStyle.Pruned, json.GetProperty("data")[1].GetProperty("line").GetProperty("color").GetString());
        var layout = json.GetProperty("layout");
        Assert.Equal("date", layout.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal(["lane 1", "lane 2"], layout.GetProperty("yaxis").GetProperty("ticktext").EnumerateArray().Select(t => t.GetString()));
    }

    [Theory]
    [InlineData("gpu2", "gpu10", -1)]
    [InlineData("node-b/gpu0", "node-a/gpu9", 1)]
    [InlineData("gpu02", "gpu2", -1)] // equal numbers: ordinal tie-break keeps the order total
    [InlineData("a", "a", 0)]
    public void NaturalComparer_ComparesDigitRunsAsNumbers(string x, string y, int sign)
    {
        Assert.Equal(sign, Math.Sign(NaturalComparer.Instance.Compare(x, y)));
    }
}
