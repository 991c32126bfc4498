using System.Globalization;
using System.Text.RegularExpressions;
using HoMM.Dispatch.Processes;

namespace HoMM.Dispatch.Tests.Processes;

public sealed partial class TrainerLogCapTests : IDisposable
{
    private const long Cap = 64 << 10;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RunAsync_TrainerWritesPastTheCap_KeepsHeadMarkerAndTail()
    {
        // About 1.3 MB on stderr and stdout, twenty times the cap. The last line goes to stdout: the tail keeps lines
        // in arrival order, and the two pipes are read concurrently, so only one pipe's order is certain.
        var request = new AttemptRequest
        {
            TrialId = 1,
            TrialNumber = 3,
            Params = new Dictionary<string, object> { ["lr"] = 0.1 },
            Command = TestCommand.Custom(["bash", _dir.Script("chatty.sh", """
                echo 'FIRST LINE of the trainer' >&2
                for i in $(seq 1 10000); do echo "stderr line $i of a chatty trainer, padded to about seventy bytes" >&2; done
                for i in $(seq 1 10000); do echo "stdout line $i of a chatty trainer, padded to about seventy bytes"; done
                echo 'LAST LINE: Traceback would be here'
                echo '{"final":{"val/acc":0.5}}'
                """)]),
            TrialDirectory = Path.Combine(_dir.Path, "trial-3"),
            Slot = TrainerSlot.Cpu("cpu0", 1),
            LogMaxBytes = Cap,
        };
        var runner = new AttemptRunner(new AttemptRunnerOptions(), TimeProvider.System);

        var result = await runner.RunAsync(request, new RecordingObserver());

        Assert.IsType<AttemptOutcome.Completed>(result.Outcome);
        var size = new FileInfo(request.EffectiveLogPath).Length;
        var text = await File.ReadAllTextAsync(request.EffectiveLogPath);
        // The cap, plus the two marker lines and the attempt's closing note written after the tail.
        Assert.InRange(size, Cap - 1024, Cap + 1024);
        Assert.Contains("FIRST LINE of the trainer", text, StringComparison.Ordinal);
        Assert.Contains("LAST LINE: Traceback would be here", text, StringComparison.Ordinal);
        Assert.Contains("near its cap of 65,536 (trainer.log_max)", text, StringComparison.Ordinal);
        var dropped = DroppedLine().Match(text);
        Assert.True(dropped.Success, "no '… N bytes dropped …' line");
        var droppedBytes = long.Parse(dropped.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        // What the trainer wrote (20,002 lines of text), less what the file kept of it.
        Assert.InRange(droppedBytes, 1_200_000, 1_400_000);
        // Head, then the marker, then the tail: the tail ends with the attempt's own end note.
        Assert.True(text.IndexOf("FIRST LINE", StringComparison.Ordinal) < dropped.Index);
        Assert.True(dropped.Index < text.IndexOf("LAST LINE", StringComparison.Ordinal));
        Assert.Contains("stdout line 10000 of", text[dropped.Index..], StringComparison.Ordinal);
        Assert.DoesNotContain("stdout line 5000 of", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_UnderTheCap_WritesEverythingWithoutMarker()
    {
        var path = Path.Combine(_dir.Path, "small.log");
        using (var log = new TrainerLog(path, Cap))
        {
            for (var i = 0; i < 100; i++)
                log.Line($"line {i}");
            Assert.Equal(0, log.DroppedBytes);
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(100, lines.Length);
        Assert.Equal("line 99", lines[^1]);
    }

    [Fact]
    public void Line_SecondAttemptOfACappedLog_AddsOnlyItsOwnTail()
    {
        var path = Path.Combine(_dir.Path, "twice.log");
        var line = new string('x', 99); // 100 bytes with its newline
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var log = new TrainerLog(path, Cap);
            for (var i = 0; i < 2000; i++)
                log.Line(line);
        }

        var size = new FileInfo(path).Length;
        // The first attempt fills the cap; the second keeps its last quarter-cap (16 KiB) and two marker lines.
        Assert.InRange(size, Cap + (16 << 10) - 1024, Cap + (16 << 10) + 1024);
        Assert.Equal(2, DroppedLine().Count(File.ReadAllText(path)));
    }

    [Fact]
    public void Constructor_CapBelowTheMinimum_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerLog(Path.Combine(_dir.Path, "x.log"), 1000));

    [GeneratedRegex(@"\[homm\] … ([0-9,]+) bytes dropped \(trainer\.log_max\) …")]
    private static partial Regex DroppedLine();
}
