using HoMM.Cli.Service;
using HoMM.Cli.Tests.Control;

namespace HoMM.Cli.Tests.Service;

/// <summary>The generated systemd user unit, read as text (systemd need not run here).</summary>
public class ServiceCommandTests
{
    private static Dictionary<string, string> Keys(string unit) => unit.Split('\n')
        .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
        .Select(l => l.Split('=', 2))
        .GroupBy(p => p[0])
        .ToDictionary(g => g.Key, g => g.Last()[1]);

    [Fact]
    public void Render_Spec_RunsTheStudyFromItsFolderAndRestartsOnlyAfterAFailure()
    {
        var unit = ServiceUnit.Render(new ServiceSpec("fmnist", ["/opt/homm/homm-search"], "/home/u/studies/fmnist.yaml", "/data/homm.db", "/home/u/studies")
        {
            RunsDirectory = "/data/runs",
            Overrides = ["budget.max_trials=50"],
        });

        var keys = Keys(unit);
        Assert.Equal("/opt/homm/homm-search run /home/u/studies/fmnist.yaml --db /data/homm.db --runs /data/runs --set budget.max_trials=50", keys["ExecStart"]);
        Assert.Equal("/home/u/studies", keys["WorkingDirectory"]);
        Assert.Equal("on-failure", keys["Restart"]);
        // Done (0) never restarts; stopped, invalid, cannot run, conflict and too many failures neither.
        Assert.Equal("2 3 5 6 7 8 130", keys["RestartPreventExitStatus"]);
        Assert.Equal("mixed", keys["KillMode"]);
        Assert.Equal("60", keys["TimeoutStopSec"]);
        Assert.Equal("default.target", keys["WantedBy"]);
        Assert.Equal("homm-fmnist.service", ServiceUnit.FileName("fmnist"));
    }

    [Theory]
    [InlineData("/plain/path.yaml", "/plain/path.yaml")]
    [InlineData("/my studies/a.yaml", "\"/my studies/a.yaml\"")]
    [InlineData("/x/100%/a.yaml", "/x/100%%/a.yaml")]
    [InlineData("/x/$HOME/a \"b\".yaml", "\"/x/$$HOME/a \\\"b\\\".yaml\"")]
    public void Quote_Word_AsSystemdReadsItBack(string word, string expected)
    {
        Assert.Equal(expected, ServiceUnit.Quote(word));
    }

    [Fact]
    public void Install_ValidStudy_WritesTheUnitWithAbsolutePathsAndSaysHowToEnableIt()
    {
        using var folder = new ControlFolder();
        folder.WriteStudy(maxTrials: 3);
        var units = Path.Combine(folder.Dir, "config");
        var output = new StringWriter();

        var exit = ServiceCommand.Install(new ServiceCommand.InstallRequest(folder.StudyPath, folder.Db, null, ["budget.max_trials=2"], false, null),
            output, new StringWriter(), name => name == "XDG_CONFIG_HOME" ? units : null, _ => true);

        Assert.Equal(ServiceCommand.ExitDone, exit);
        var unit = File.ReadAllText(Path.Combine(units, "systemd", "user", "homm-ctl.service"));
        var keys = Keys(unit);
        Assert.EndsWith($" run {folder.StudyPath} --db {folder.Db} --set budget.max_trials=2", keys["ExecStart"], StringComparison.Ordinal);
        Assert.True(Path.IsPathRooted(keys["ExecStart"].Split(' ')[0]));
        Assert.Equal(folder.Dir, keys["WorkingDirectory"]);
        Assert.Contains("systemctl --user enable --now homm-ctl.service", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("loginctl enable-linger", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Install_NoSystemctl_WritesTheUnitAndAdvisesTmuxOrNohup()
    {
        using var folder = new ControlFolder();
        folder.WriteStudy(maxTrials: 3);
        var units = Path.Combine(folder.Dir, "units");
        var output = new StringWriter();

        var exit = ServiceCommand.Install(new ServiceCommand.InstallRequest(folder.StudyPath, folder.Db, null, [], false, units),
            output, new StringWriter(), _ => null, _ => false);

        Assert.Equal(ServiceCommand.ExitDone, exit);
        Assert.True(File.Exists(Path.Combine(units, "homm-ctl.service")));
        Assert.Contains("tmux new -d -s homm-ctl", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("nohup ", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Install_InvalidStudy_Exit2AndNoUnit()
    {
        using var folder = new ControlFolder();
        File.WriteAllText(folder.StudyPath, "name: ctl\n");
        var units = Path.Combine(folder.Dir, "units");
        var error = new StringWriter();

        var exit = ServiceCommand.Install(new ServiceCommand.InstallRequest(folder.StudyPath, folder.Db, null, [], false, units),
            new StringWriter(), error, _ => null, _ => true);

        Assert.Equal(ServiceCommand.ExitInvalid, exit);
        Assert.False(Directory.Exists(units));
        Assert.Contains("objective", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Install_Print_WritesTheUnitToStdoutOnly()
    {
        using var folder = new ControlFolder();
        folder.WriteStudy(maxTrials: 3);
        var output = new StringWriter();

        var exit = ServiceCommand.Install(new ServiceCommand.InstallRequest(folder.StudyPath, folder.Db, null, [], true, Path.Combine(folder.Dir, "units")),
            output, new StringWriter(), _ => null, _ => true);

        Assert.Equal(ServiceCommand.ExitDone, exit);
        Assert.StartsWith("# Generated by homm-search service install", output.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Dir, "units")));
    }
}
