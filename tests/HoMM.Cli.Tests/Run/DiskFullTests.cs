using System.Diagnostics;
using HoMM.Core.Trials;
using HoMM.Storage.Sqlite;

namespace HoMM.Cli.Tests.Run;

/// <summary>
/// <c>run</c> on a disk that fills up: a 16 MiB tmpfs in a user and mount namespace of its own
/// (<c>unshare -rm</c>: no privilege needed, nothing mounted outside the test), filled while a
/// trainer runs, then emptied again.
/// </summary>
public class DiskFullTests
{
    private const string Trainer = """
        echo "start $HOMM_TRIAL_NUMBER $$" >> "$EVENTS"
        for s in $(seq 1 25); do
          if read -t 0.2 line; then exit 0; fi
          echo "step $s of trial $HOMM_TRIAL_NUMBER: a line of the trainer's own output" >&2
          echo "{\"step\":$s,\"metrics\":{\"val/acc\":$1}}"
        done
        echo "{\"final\":{\"val/acc\":$1}}"
        """;

    // Inside the namespace: mount, run until a trainer runs, fill the disk, wait for run's end;
    // free the space, run again; copy the database out for the test to read.
    private const string Script = """
        set -u
        mount -t tmpfs -o size=16m tmpfs disk || exit 90
        dotnet "$CLI" run full.yaml --db disk/homm.db > first.out 2> first.err &
        run=$!
        for i in $(seq 1 600); do [ -s events.log ] && break; sleep 0.1; done
        sleep 0.5
        dd if=/dev/zero of=disk/fill bs=64k 2> /dev/null
        start=$(date +%s)
        wait $run; echo "first=$? after=$(( $(date +%s) - start ))"
        rm -f disk/fill
        dotnet "$CLI" run full.yaml --db disk/homm.db > second.out 2> second.err; echo "second=$?"
        cp disk/homm.db homm-copy.db
        if [ -f disk/homm.db-wal ]; then cp disk/homm.db-wal homm-copy.db-wal; fi
        """;

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Run_DiskFillsUp_StopsWithExitCode8SayingWhat_AndResumesOnceSpaceIsFree()
    {
        using var folder = new RunFolder();
        Directory.CreateDirectory(Path.Combine(folder.Dir, "disk"));
        folder.WriteBashStudy("full", Trainer, maxTrials: 3, slots: 1);
        File.WriteAllText(Path.Combine(folder.Dir, "script.sh"), Script);
        var info = new ProcessStartInfo("unshare", ["-rm", "bash", "script.sh"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder.Dir,
        };
        info.Environment["CLI"] = Path.Combine(AppContext.BaseDirectory, "homm-search.dll");
        using var script = Process.Start(info)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var errors = script.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await script.WaitForExitAsync(guard.Token);
        var said = await output + await errors;
        string Read(string name) => File.Exists(Path.Combine(folder.Dir, name)) ? File.ReadAllText(Path.Combine(folder.Dir, name)) : "";
        var all = $"{said}\nfirst: {Read("first.out")}{Read("first.err")}\nsecond: {Read("second.out")}{Read("second.err")}";

        Assert.True(script.ExitCode == 0, all);
        Assert.Contains("first=8 ", said, StringComparison.Ordinal);
        var stopAfter = int.Parse(said.Split("after=")[1].Split('\n')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(stopAfter < 60, $"run took {stopAfter} s to stop on a full disk\n{all}");
        Assert.Contains("the disk is full", Read("first.err"), StringComparison.Ordinal);
        Assert.Matches("No space left on device|database or disk is full", Read("first.err"));
        Assert.True(said.Contains("second=0", StringComparison.Ordinal), all);
        using var store = await SqliteTrialStore.OpenAsync(Path.Combine(folder.Dir, "homm-copy.db"));
        var study = (await store.GetStudyAsync("full"))!;
        var trials = (await store.GetTrialsAsync(study.Id)).Trials;
        Assert.Equal(3, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
    }
}
