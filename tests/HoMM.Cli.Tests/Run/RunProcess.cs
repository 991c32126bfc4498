using System.Diagnostics;

namespace HoMM.Cli.Tests.Run;

/// <summary>A folder with a study and a python trainer, and `homm-search run` started as a real child process.</summary>
internal sealed class RunFolder : IDisposable
{
    public RunFolder()
    {
        Dir = Path.Combine(Path.GetTempPath(), "homm-run-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
        // tests/Shared/resumable_trainer.py, copied next to the tests.
        File.Copy(Path.Combine(AppContext.BaseDirectory, "resumable_trainer.py"), Path.Combine(Dir, "train.py"));
    }

    public string Dir { get; }

    public string Db => Path.Combine(Dir, "homm.db");

    public string EventsPath => Path.Combine(Dir, "events.log");

    public string WriteStudy(int maxTrials, int slots, string name = "chaos")
    {
        var path = Path.Combine(Dir, name + ".yaml");
        File.WriteAllText(path, $$"""
            name: {{name}}
            objective: {metric: val/acc, direction: maximize}
            search_space:
              x: {type: float, low: 0.0, high: 1.0}
            sampler: {kind: tpe, seed: 5, n_startup_trials: 3, constant_liar: true}
            pruner: {kind: nop}
            budget: {max_trials: {{maxTrials}}, max_parallel: {{slots}}}
            trainer:
              command: [python3, train.py, "{x}"]
              env: {EVENTS: "{{EventsPath}}", STEPS: "8"}
            resources: {cpu_slots: {{slots}}}
            """);
        return path;
    }

    /// <summary>
    /// A study of a bash trainer: <paramref name="script"/> is written as <c>&lt;name&gt;.sh</c> and run
    /// with x ∈ [0, 1] as its argument and $EVENTS set; random sampler; <paramref name="slots"/> CPU slots.
    /// </summary>
    public string WriteBashStudy(string name, string script, int maxTrials, int slots)
    {
        File.WriteAllText(Path.Combine(Dir, name + ".sh"), script);
        var path = Path.Combine(Dir, name + ".yaml");
        File.WriteAllText(path, $$"""
            name: {{name}}
            objective: {metric: val/acc, direction: maximize}
            search_space:
              x: {type: float, low: 0.0, high: 1.0}
            sampler: {kind: random, seed: 5}
            budget: {max_trials: {{maxTrials}}, max_parallel: {{slots}}}
            trainer:
              command: [bash, {{name}}.sh, "{x}"]
              env: {EVENTS: "{{EventsPath}}"}
            resources: {cpu_slots: {{slots}}}
            """);
        return path;
    }

    /// <summary>Variables set for the <c>run</c> process (and so its trainers), e.g. a PATH with a fake nvidia-smi.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>Starts <c>homm-search run</c> (the built CLI next to the tests) on the study.</summary>
    public Process StartRun(string study, params string[] extra) => StartRunOn(Db, study, extra);

    /// <summary>Starts <c>homm-search run</c> on the study with <c>--db <paramref name="db"/></c> (a link, a relative path).</summary>
    public Process StartRunOn(string db, string study, params string[] extra)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "homm-search.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Dir };
        foreach (var a in new[] { cli, "run", study, "--db", db }.Concat(extra))
            info.ArgumentList.Add(a);
        foreach (var (key, value) in Environment)
            info.Environment[key] = value;
        var process = Process.Start(info)!;
        // Drain the pipes so the child never blocks on a full one.
        process.OutputDataReceived += (_, e) => Output.Add(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => Output.Add(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public System.Collections.Concurrent.ConcurrentBag<string> Output { get; } = [];

    /// <summary>The trainers' event lines: (kind, trial number, pid).</summary>
    public IReadOnlyList<(string Kind, int Trial, int Pid)> Events() =>
        File.Exists(EventsPath)
            ? File.ReadAllLines(EventsPath).Where(l => l.Length > 0).Select(l => l.Split(' '))
                .Select(f => (f[0], int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture))).ToList()
            : [];

    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
