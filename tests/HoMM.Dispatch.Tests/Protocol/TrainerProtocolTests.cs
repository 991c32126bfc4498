using System.Text;
using HoMM.Dispatch.Protocol;

namespace HoMM.Dispatch.Tests.Protocol;

public class TrainerProtocolTests
{
    [Fact]
    public void ParseLine_MetricsLine_ReturnsStepAndMetrics()
    {
        var e = Assert.IsType<MetricsReported>(TrainerProtocol.ParseLine("""{"step":500,"metrics":{"train/loss":0.41,"val/acc":0.87}}"""));
        Assert.Equal(500, e.Step);
        Assert.Equal(0.41, e.Metrics["train/loss"]);
        Assert.Equal(0.87, e.Metrics["val/acc"]);
    }

    [Fact]
    public void ParseLine_IntegralFloatStep_IsAccepted()
    {
        var e = Assert.IsType<MetricsReported>(TrainerProtocol.ParseLine("""{"step":500.0,"metrics":{"x":1}}"""));
        Assert.Equal(500, e.Step);
    }

    [Fact]
    public void ParseLine_FinalWithAndWithoutStep_ReturnsFinalResult()
    {
        var a = Assert.IsType<FinalResultReported>(TrainerProtocol.ParseLine("""{"final":{"val/acc":0.9}}"""));
        Assert.Equal(0.9, a.Metrics["val/acc"]);
        Assert.Null(a.Step);
        var b = Assert.IsType<FinalResultReported>(TrainerProtocol.ParseLine("""  {"final":{"val/acc":0.9,"val/loss":0.3},"step":1000}  """));
        Assert.Equal(1000, b.Step);
        Assert.Equal(2, b.Metrics.Count);
    }

    [Theory]
    [InlineData("diverged", TrainerErrorKind.Diverged)]
    [InlineData("nan", TrainerErrorKind.Diverged)]
    [InlineData("oom", TrainerErrorKind.OutOfMemory)]
    [InlineData("OUT_OF_MEMORY", TrainerErrorKind.OutOfMemory)]
    [InlineData("data", TrainerErrorKind.Other)]
    public void ParseLine_ErrorWithReason_ClassifiesKind(string reason, TrainerErrorKind kind)
    {
        var e = Assert.IsType<TrainerErrorReported>(TrainerProtocol.ParseLine($$"""{"error":"loss is NaN at step 300","reason":"{{reason}}"}"""));
        Assert.Equal("loss is NaN at step 300", e.Message);
        Assert.Equal(kind, e.Kind);
        Assert.Equal(reason, e.Reason);
    }

    [Fact]
    public void ParseLine_ErrorWithoutReason_IsOther()
    {
        var e = Assert.IsType<TrainerErrorReported>(TrainerProtocol.ParseLine("""{"error":"dataset missing"}"""));
        Assert.Equal(TrainerErrorKind.Other, e.Kind);
        Assert.Null(e.Reason);
    }

    [Fact]
    public void ParseLine_Info_KeepsValuesAsJson()
    {
        var e = Assert.IsType<InfoReported>(TrainerProtocol.ParseLine("""{"info":{"params":1204000,"device":"cpu","flops":3.1e8}}"""));
        Assert.Equal(1204000, e.Values["params"].GetInt64());
        Assert.Equal("cpu", e.Values["device"].GetString());
        Assert.Equal(3.1e8, e.Values["flops"].GetDouble());
    }

    [Fact]
    public void ParseLine_Checkpoint_ReturnsPathAndStep()
    {
        var e = Assert.IsType<CheckpointReported>(TrainerProtocol.ParseLine("""{"checkpoint":"ckpt/last.pt","step":500}"""));
        Assert.Equal("ckpt/last.pt", e.Path);
        Assert.Equal(500, e.Step);
    }

    [Theory]
    [InlineData("epoch 3: loss 0.41")]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"step\":1,\"metrics\":{\"x\":1}")]
    [InlineData("{not json at all}")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"level\":\"info\",\"msg\":\"loading data\"}")]
    public void ParseLine_NotAProtocolMessage_IsLogLine(string line)
    {
        var e = Assert.IsType<LogLine>(TrainerProtocol.ParseLine(line));
        Assert.Equal(line, e.Text);
    }

    [Fact]
    public void ParseLine_PythonBareNaN_IsReadAsNaN()
    {
        // json.dumps({"step": 3, "metrics": {"train/loss": float("nan")}}) in Python.
        var e = Assert.IsType<MetricsReported>(TrainerProtocol.ParseLine("""{"step": 3, "metrics": {"train/loss": NaN, "grad": Infinity, "low": -Infinity}}"""));
        Assert.True(double.IsNaN(e.Metrics["train/loss"]));
        Assert.Equal(double.PositiveInfinity, e.Metrics["grad"]);
        Assert.Equal(double.NegativeInfinity, e.Metrics["low"]);
    }

    [Fact]
    public void ParseLine_QuotedNaN_IsReadAsNaN()
    {
        var e = Assert.IsType<MetricsReported>(TrainerProtocol.ParseLine("""{"step":3,"metrics":{"train/loss":"nan"}}"""));
        Assert.True(double.IsNaN(e.Metrics["train/loss"]));
    }

    [Fact]
    public void QuoteBareNonFiniteLiterals_LeavesStringsAlone()
    {
        var fixedJson = TrainerProtocol.QuoteBareNonFiniteLiterals("""{"NaN \"Infinity\"":NaN}""");
        Assert.Equal("""{"NaN \"Infinity\"":"NaN"}""", fixedJson);
    }

    [Theory]
    [InlineData("{\"metrics\":{\"x\":1}}", "no \"step\"")]
    [InlineData("{\"step\":-1,\"metrics\":{\"x\":1}}", "non-negative integer")]
    [InlineData("{\"step\":1.5,\"metrics\":{\"x\":1}}", "non-negative integer")]
    [InlineData("{\"step\":1,\"metrics\":{\"x\":\"high\"}}", "metric \"x\" is the string \"high\"")]
    [InlineData("{\"step\":1,\"metrics\":[1]}", "must be an object")]
    [InlineData("{\"final\":0.9}", "must be an object")]
    [InlineData("{\"final\":{\"acc\":true}}", "metric \"acc\" is a boolean")]
    [InlineData("{\"checkpoint\":\"a.pt\"}", "needs \"step\"")]
    [InlineData("{\"info\":3}", "must be an object")]
    public void ParseLine_BrokenProtocolMessage_IsWarningThatSaysWhatToFix(string line, string expected)
    {
        var e = Assert.IsType<ProtocolWarning>(TrainerProtocol.ParseLine(line));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal(line, e.Line);
    }

    [Fact]
    public void ParseLine_TruncatedLine_IsLogLineEvenWhenItLooksLikeJson()
    {
        var e = Assert.IsType<LogLine>(TrainerProtocol.ParseLine("""{"final":{"acc":1}}""", truncated: true));
        Assert.True(e.Truncated);
    }

    [Fact]
    public void ParseLine_DeeplyNestedJson_IsLogLineNotCrash()
    {
        var line = "{\"info\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
        Assert.IsType<LogLine>(TrainerProtocol.ParseLine(line));
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool ParseLine_AnyText_NeverThrows(string? text)
    {
        _ = TrainerProtocol.ParseLine(text ?? "");
        _ = TrainerProtocol.ParseLine("{\"step\":1,\"metrics\":{" + (text ?? "") + "}}");
        return true;
    }

    [Fact]
    public void StopLine_IsOneJsonLine()
    {
        Assert.Equal("{\"cmd\":\"stop\",\"reason\":\"pruned\"}\n", Encoding.UTF8.GetString(ControlCommand.StopLine(StopReason.Pruned)));
        Assert.Equal("{\"cmd\":\"stop\",\"reason\":\"shutdown\"}\n", Encoding.UTF8.GetString(ControlCommand.StopLine(StopReason.Shutdown)));
        Assert.Equal("{\"cmd\":\"stop\",\"reason\":\"paused\"}\n", Encoding.UTF8.GetString(ControlCommand.StopLine(StopReason.Paused)));
    }
}
