using HoMM.Dispatch.Driver;
using HoMM.Storage;
using HoMM.Storage.Sqlite;
using HoMM.StudyFiles;

namespace HoMM.Cli.Tests.Control;

/// <summary>
/// A folder with a custom-trainer study (x ∈ [0, 1], y ∈ 1..9, constraint x * y ≤ 2) created in a
/// SQLite database as <c>run</c> creates it (with its study file stored), and the python test trainer.
/// </summary>
internal sealed class ControlFolder : IDisposable
{
    public ControlFolder()
    {
        Dir = Directory.CreateTempSubdirectory("homm-control-").FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "resumable_trainer.py"), Path.Combine(Dir, "train.py"));
    }

    public string Dir { get; }

    public string Db => Path.Combine(Dir, "homm.db");

    public string StudyPath => Path.Combine(Dir, "ctl.yaml");

    /// <param name="maxTrials">The budget's max_trials.</param>
    /// <param name="budgetExtra">More of the budget's flow mapping (", key: value").</param>
    /// <param name="env">More of the trainer's env mapping.</param>
    /// <param name="steps">Steps the test trainer reports.</param>
    /// <param name="objective">The objective line (a one-line <c>objectives: [...]</c> makes a multi-objective study).</param>
    public string WriteStudy(int maxTrials, string budgetExtra = "", string env = "", int steps = 3,
        string objective = "objective: {metric: val/acc, direction: maximize}")
    {
        File.WriteAllText(StudyPath, $$"""
            name: ctl
            {{objective}}
            search_space:
              x: {type: float, low: 0.0, high: 1.0}
              y: {type: int, low: 1, high: 9}
            constraints:
              - x * y <= 2
            sampler: {kind: random, seed: 11}
            budget: {max_trials: {{maxTrials}}, max_parallel: 1{{budgetExtra}}}
            trainer:
              command: [python3, train.py, "{x}"]
              env: {EVENTS: "{{Path.Combine(Dir, "events.log")}}", STEPS: "{{steps}}"{{env}}}
            resources: {cpu_slots: 1}
            """);
        return StudyPath;
    }

    /// <summary>Creates the study from the file, as <c>run</c> would before running anything.</summary>
    public async Task<StudyRecord> CreateStudyAsync()
    {
        using var store = await SqliteTrialStore.OpenAsync(Db);
        var (study, _) = await StudyOpener.OpenOrCreateAsync(store, StudyFile.LoadOrThrow(StudyPath));
        return study;
    }

    public async Task<T> WithStoreAsync<T>(Func<ITrialStore, Task<T>> read)
    {
        using var store = await SqliteTrialStore.OpenAsync(Db);
        return await read(store);
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
