using HoMM.StudyFiles.Notify;

namespace HoMM.StudyFiles.Tests.Notify;

public class NotifyTests
{
    private static string WithNotify(string section) => StudyYaml.Valid + "\n" + section;

    [Fact]
    public void Parse_NoNotifySection_NoNotifications()
    {
        Assert.Null(StudyYaml.ParseValid(StudyYaml.Valid).Notify);
    }

    [Fact]
    public void Parse_CommandAndWebhook_EveryEventAndDefaults()
    {
        var notify = StudyYaml.ParseValid(WithNotify("""
            notify:
              command: [scripts/notify.sh, --channel, ml]
              webhook: https://hooks.example.com/T0/B0
            """)).Notify!;

        Assert.Equal(["scripts/notify.sh", "--channel", "ml"], notify.Command);
        Assert.Equal(new Uri("https://hooks.example.com/T0/B0"), notify.Webhook);
        Assert.Equal(NotifyDefinition.All.ToHashSet(), notify.Events);
        Assert.Equal(TimeSpan.FromSeconds(10), notify.Timeout);
        Assert.Equal(3, notify.Retries);
        Assert.Equal(TimeSpan.FromMinutes(10), notify.StuckAfter);
    }

    [Fact]
    public void Parse_OnTimeoutRetriesStuckAfter_Taken()
    {
        var notify = StudyYaml.ParseValid(WithNotify("""
            notify: {webhook: "http://127.0.0.1:9000/hook", on: [new_best, end], timeout: 3s, retries: 0, stuck_after: 30m}
            """)).Notify!;

        Assert.Null(notify.Command);
        Assert.Equal(new HashSet<NotifyEvent> { NotifyEvent.NewBest, NotifyEvent.End }, notify.Events);
        Assert.Equal(TimeSpan.FromSeconds(3), notify.Timeout);
        Assert.Equal(0, notify.Retries);
        Assert.Equal(TimeSpan.FromMinutes(30), notify.StuckAfter);
    }

    [Theory]
    [InlineData("notify: {on: [end]}", "notify", "notify needs a command")]
    [InlineData("notify: {webhook: ftp://example.com/x}", "notify.webhook", "is not an http:// or https:// URL")]
    [InlineData("notify: {webhook: \"https://h.example/x\", on: [new_bset]}", "notify.on[0]", "did you mean 'new_best'?")]
    [InlineData("notify: {webhook: \"https://h.example/x\", on: []}", "notify.on", "nothing would ever be sent")]
    [InlineData("notify: {command: notify-send hi}", "notify.command", "write it as [notify-send, hi]")]
    [InlineData("notify: {command: []}", "notify.command", "the command is empty")]
    [InlineData("notify: {webhook: \"https://h.example/x\", timeout: 10m}", "notify.timeout", "at most 5m")]
    [InlineData("notify: {webhook: \"https://h.example/x\", retries: 11}", "notify.retries", "out of range")]
    [InlineData("notify: {webhook: \"https://h.example/x\", stuck_after: 0.5s}", "notify.stuck_after", "at least 1s")]
    [InlineData("notify: {webhok: \"https://h.example/x\"}", "notify.webhok", "did you mean 'webhook'?")]
    public void Parse_InvalidNotify_LocatedErrorNamingTheField(string section, string path, string message)
    {
        var error = StudyYaml.SingleError(WithNotify(section));

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        // Located: the line of the notify section (the last line of the file).
        Assert.Equal(StudyYaml.Valid.Split('\n').Length + 1, error.Line);
    }
}
