using System.Globalization;
using HoMM.Core.Trials;
using HoMM.Dispatch.Driver;
using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Scheduling;
using HoMM.Storage;
using HoMM.Storage.Sqlite;
using HoMM.StudyFiles;

namespace HoMM.Dispatch.Tests.Driver;

/// <summary>
/// A study folder with a fast bash trainer, a SQLite store and a driver factory. The trainer's
/// behaviour comes from $MODE (ok, crash, nan, hang, oom, oom-late, oom-beside, slow, ckpt, rewind, chatty); it appends "start"/"end" lines
/// to events.log so tests can check slots and concurrency from the trainers' side.
/// </summary>
internal sealed class DriverFixture : IAsyncDisposable
{
    public const string Trainer = """
        mode="${MODE:-ok}"
        x="$1"
        now() { date +%s%N; }
        echo "start $HOMM_SLOT $HOMM_TRIAL_NUMBER $HOMM_ATTEMPT $HOMM_RESUME $$ $(now) $OMP_NUM_THREADS" >> "$EVENTS"
        echo '{"info":{"params":1234,"device":"cpu"}}'
        case "$mode" in
          crash) kill -SEGV $$ ;;
          nan) echo '{"step":1,"metrics":{"train/loss":NaN,"val/acc":NaN}}'; echo '{"error":"loss is NaN at step 1","reason":"diverged"}'; exit 1 ;;
          hang) sleep 600 ;;
          chatty) for i in $(seq 1 20000); do echo "chatty line $i of a trainer that logs every step, about sixty bytes" >&2; done ;;
          rewind)
            # Reports step 2 a second time and then step 1 again, both with a value a threshold
            # pruner (lower 0.5) would prune on; stops if told to within a second, else goes on at
            # step 3 and completes with $x.
            for line in '1 0.9' '2 0.9' '2 0.0' '1 0.0'; do set -- $line; echo "{\"step\":$1,\"metrics\":{\"val/acc\":$2}}"; done
            if read -t 1 line; then echo "end $HOMM_SLOT $HOMM_TRIAL_NUMBER $$ $(now)" >> "$EVENTS"; exit 0; fi
            echo "{\"step\":3,\"metrics\":{\"val/acc\":$x}}"
            echo "{\"final\":{\"val/acc\":$x}}"
            echo "end $HOMM_SLOT $HOMM_TRIAL_NUMBER $$ $(now)" >> "$EVENTS"
            exit 0 ;;
          ckpt) echo "$x" > "$HOMM_TRIAL_DIR/ckpt.bin"; echo '{"checkpoint":"ckpt.bin","step":1}' ;;
          oom) echo "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB" >&2; exit 1 ;;
          oom-late) sleep 1; echo "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB" >&2; exit 1 ;;
          oom-beside)
            # Runs out of GPU memory when another trainer holds the same GPU during its first 2 s.
            gpu="$(dirname "$EVENTS")/gpu-$CUDA_VISIBLE_DEVICES"; mkdir -p "$gpu"; touch "$gpu/$$"
            for i in $(seq 10); do
              if [ "$(ls "$gpu" | wc -l)" -gt 1 ]; then
                rm -f "$gpu/$$"; echo "oom $HOMM_SLOT $HOMM_TRIAL_NUMBER $$ $(now)" >> "$EVENTS"
                echo "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.19 GiB total capacity)" >&2; exit 1
              fi
              sleep 0.2
            done
            rm -f "$gpu/$$" ;;
          slow)
            start=1
            [ "$HOMM_RESUME" = 1 ] && [ -f "$HOMM_TRIAL_DIR/ckpt" ] && start=$(( $(cat "$HOMM_TRIAL_DIR/ckpt") + 1 ))
            for s in $(seq $start 20); do
              if read -t 0.2 line; then echo "$s" > "$HOMM_TRIAL_DIR/ckpt"; echo "{\"checkpoint\":\"$HOMM_TRIAL_DIR/ckpt\",\"step\":$s}"; echo "end $HOMM_SLOT $HOMM_TRIAL_NUMBER $$ $(now)" >> "$EVENTS"; exit 0; fi
              echo "{\"step\":$s,\"metrics\":{\"val/acc\":$x}}"
            done ;;
        esac
        [ -n "$SLEEP" ] && sleep "$SLEEP"
        for s in 1 2 3; do echo "{\"step\":$s,\"metrics\":{\"val/acc\":$x,\"train/loss\":1.5}}"; done
        echo "{\"final\":{\"val/acc\":$x,\"test/acc\":0.5,\"test/loss\":NaN}}"
        echo "end $HOMM_SLOT $HOMM_TRIAL_NUMBER $$ $(now)" >> "$EVENTS"
        """;

    private readonly TempDir _dir;

    private DriverFixture(TempDir dir, SqliteTrialStore store)
    {
        _dir = dir;
        Store = store;
    }

    public SqliteTrialStore Store { get; }

    public string Dir => _dir.Path;

    public string EventsPath => Path.Combine(Dir, "events.log");

    public static async Task<DriverFixture> CreateAsync()
    {
        var dir = new TempDir();
        var store = await SqliteTrialStore.OpenAsync(Path.Combine(dir.Path, "homm.db"));
        dir.Script("trainer.sh", Trainer);
        return new DriverFixture(dir, store);
    }

    /// <summary>A study file with search space x ∈ [0, 1] (plus <paramref name="extraSpace"/>) run by the bash trainer.</summary>
    public StudyDefinition Study(string budget, string extraSpace = "", string env = "", string enqueue = "", string resources = "{cpu_slots: 2}", string name = "s",
        string constraints = "", string pruner = "{kind: none}", string logMax = "50MiB")
    {
        var yaml = $$"""
            name: {{name}}
            objective: {metric: val/acc, direction: maximize}
            search_space:
              x: {type: float, low: 0.0, high: 1.0}
            {{extraSpace}}
            {{constraints}}
            sampler: {kind: random, seed: 3}
            pruner: {{pruner}}
            budget: {{budget}}
            trainer:
              command: [bash, trainer.sh, "{x}"]
              env: {EVENTS: "{{EventsPath}}"{{env}}}
              log_max: {{logMax}}
            resources: {{resources}}
            {{enqueue}}
            """;
        var path = Path.Combine(Dir, name + ".yaml");
        File.WriteAllText(path, yaml);
        return StudyFile.LoadOrThrow(path);
    }

    /// <summary>What the driver wrote to its log (<see cref="DispatchOptions.Logger"/>).</summary>
    public StringWriter Log { get; } = new();

    public DispatchOptions Options(TimeSpan? stopGrace = null) => new()
    {
        Logger = new HoMM.Dispatch.Logging.LineLogger(TextWriter.Synchronized(Log)),
        JobStore = JobStoreOptions.SqliteBeside(Path.Combine(Dir, "homm.db")),
        RunsDirectory = Path.Combine(Dir, "runs"),
        ControlPollInterval = TimeSpan.FromMilliseconds(200),
        Runner = new AttemptRunnerOptions { StopGracePeriod = stopGrace ?? TimeSpan.FromSeconds(1), TerminateGracePeriod = TimeSpan.FromSeconds(1) },
    };

    public async Task<(StudyRecord Study, DriverEnd End)> RunAsync(StudyDefinition definition, DispatchOptions? options = null, CancellationToken stop = default)
    {
        var (study, _) = await StudyOpener.OpenOrCreateAsync(Store, definition, cancellationToken: stop);
        var driver = new StudyDriver(Store, study, definition, options ?? Options());
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(stop);
        guard.CancelAfter(TimeSpan.FromMinutes(3)); // a hung test stops instead of hanging CI
        var end = await driver.RunAsync(guard.Token);
        return (study, end);
    }

    /// <summary>The trainers' start/end lines: (slot, trial, pid, start ns, end ns); end is null for a trainer that wrote none.</summary>
    public IReadOnlyList<(string Slot, int Trial, int Attempt, bool Resume, long Start, long? End, int Threads)> Events()
    {
        var starts = new List<(string Slot, int Trial, int Attempt, bool Resume, int Pid, long Start, int Threads)>();
        var ends = new Dictionary<int, long>();
        foreach (var line in File.ReadAllLines(EventsPath))
        {
            var f = line.Split(' ');
            if (f[0] == "oom")
                ends[int.Parse(f[3], CultureInfo.InvariantCulture)] = long.Parse(f[4], CultureInfo.InvariantCulture);
            else if (f[0] == "start")
                starts.Add((f[1], int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture), f[4] == "1",
                    int.Parse(f[5], CultureInfo.InvariantCulture), long.Parse(f[6], CultureInfo.InvariantCulture), int.Parse(f[7], CultureInfo.InvariantCulture)));
            else
                ends[int.Parse(f[3], CultureInfo.InvariantCulture)] = long.Parse(f[4], CultureInfo.InvariantCulture);
        }
        return starts.Select(s => (s.Slot, s.Trial, s.Attempt, s.Resume, s.Start, ends.TryGetValue(s.Pid, out var e) ? e : (long?)null, s.Threads)).ToList();
    }

    /// <summary>The first trial of the study that meets <paramref name="condition"/>, polled for up to 30 s.</summary>
    public async Task<FrozenTrial> WaitForAsync(long studyId, Func<FrozenTrial, bool> condition)
    {
        for (var i = 0; i < 600; i++)
        {
            var t = (await Store.GetTrialsAsync(studyId)).Trials.FirstOrDefault(condition);
            if (t is not null)
                return t;
            await Task.Delay(50);
        }
        throw new TimeoutException("the trial never reached the expected state");
    }

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        await Task.Yield();
        _dir.Dispose();
    }
}
