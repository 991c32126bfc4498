using System.Collections.Concurrent;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Storage;
using Microsoft.Data.Sqlite;

namespace HoMM.Benchmarks.Dashboard;

/// <summary>
/// Writes the benchmark's study through ITrialStore, as a search would: a HoMM-like search space,
/// trials created, started in an attempt on one of four slots, reporting val/acc at every step,
/// then completed (70 %), pruned after a third of the steps (20 %) or failed early (10 %). The
/// last trial stays running and one more waits, so the page is a live study's. Seeded: the same
/// study every time.
/// <para>Every trial, state, attempt and the first and last point of every curve go through the
/// store. The points between are then added in one SQL transaction, copying the store's own
/// rows: a million store commits (one per reported step) take hours on a shared two-core machine,
/// and the dashboard reads them back through the store like any other.</para>
/// </summary>
public static class Seeder
{
    public const string StudyName = "bench-fmnist";

    public static readonly SearchSpaceDefinition Space = new(
    [
        new ParameterSpec("lr", new FloatDistribution(1e-5, 1e-1, log: true)),
        new ParameterSpec("wd", new FloatDistribution(1e-6, 1e-1, log: true)),
        new ParameterSpec("order", new IntDistribution(1, 4)),
        new ParameterSpec("order_expand", new IntDistribution(1, 8)),
        new ParameterSpec("act", new CategoricalDistribution(["gelu", "relu", "silu"])),
    ]);

    public static async Task SeedAsync(ITrialStore store, string databasePath, int trials, int steps, int writers, Action<int> progress)
    {
        var curves = new ConcurrentDictionary<long, double[]>();
        var study = await store.CreateStudyAsync(new NewStudy(StudyName, StudyDirection.Maximize, "val/acc", Space));
        var distributions = Space.Parameters.ToDictionary(p => p.Name, p => p.Distribution);
        var next = -1;
        var done = 0;
        // Several writers: SQLite takes one write at a time, but EF's work between writes overlaps.
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var i && i < trials)
            {
                var rng = new Random(1000 + i);
                var lr = Math.Pow(10, -5 + 4 * rng.NextDouble());
                var p = new Dictionary<string, object>
                {
                    ["lr"] = lr,
                    ["wd"] = Math.Pow(10, -6 + 5 * rng.NextDouble()),
                    ["order"] = (long)rng.Next(1, 5),
                    ["order_expand"] = (long)rng.Next(1, 9),
                    ["act"] = new[] { "gelu", "relu", "silu" }[rng.Next(3)],
                };
                var trial = await store.CreateTrialAsync(study.Id, p, distributions);
                if (i == trials - 1)
                    break; // waits
                await store.TryStartAsync(trial.Id);
                var attempt = await store.StartAttemptAsync(trial.Id, new AttemptStart("bench-node", $"gpu{i % 4}", Pid: 10_000 + i));
                var roll = rng.NextDouble();
                var reported = i == trials - 2 ? steps / 2 : roll < 0.1 ? Math.Max(2, steps / 10) : roll < 0.3 ? Math.Max(3, steps / 3) : steps;
                var target = 0.92 - 0.06 * Math.Pow(Math.Log10(lr) + 3, 2) + 0.005 * (long)p["order"] + 0.01 * rng.NextDouble();
                var curve = new double[reported];
                for (var s = 0; s < reported; s++)
                    curve[s] = target * (1 - Math.Exp(-4.0 * (s + 1) / steps)) + 0.004 * (rng.NextDouble() - 0.5);
                await store.ReportAsync(trial.Id, 100L, "val/acc", curve[0]);
                if (reported > 1)
                    await store.ReportAsync(trial.Id, reported * 100L, "val/acc", curve[^1]);
                curves[trial.Id] = curve;
                var last = curve[^1];
                if (i == trials - 2)
                    continue; // runs
                if (roll < 0.1)
                    await store.TryFailAsync(trial.Id, "diverged: loss is NaN");
                else if (roll < 0.3)
                    await store.TryPruneAsync(trial.Id, last, "pruned by asha");
                else
                    await store.TryCompleteAsync(trial.Id, last);
                await store.EndAttemptAsync(attempt!.Id, roll < 0.1 ? 1 : 0, roll < 0.1 ? "diverged" : "completed");
                var n = Interlocked.Increment(ref done);
                if (n % 500 == 0)
                    progress(n);
            }
        })));
        await FillCurvesAsync(databasePath, curves);
    }

    /// <summary>Adds each curve's inner points (steps 2 … n−1) next to the two the store wrote, with their time.</summary>
    private static async Task FillCurvesAsync(string databasePath, ConcurrentDictionary<long, double[]> curves)
    {
        await using var db = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await db.OpenAsync();
        await using var tx = (SqliteTransaction)await db.BeginTransactionAsync();
        var insert = db.CreateCommand();
        insert.Transaction = tx;
        // The store's own first point of the curve gives the metric's spelling and the time format.
        insert.CommandText = """
            INSERT INTO intermediate_values (trial_id, step, metric, value, reported_at)
            SELECT trial_id, $step, metric, $value, reported_at FROM intermediate_values WHERE trial_id = $trial AND step = 100
            """;
        var trial = insert.Parameters.Add("$trial", SqliteType.Integer);
        var step = insert.Parameters.Add("$step", SqliteType.Integer);
        var value = insert.Parameters.Add("$value", SqliteType.Real);
        foreach (var (trialId, curve) in curves)
        {
            for (var s = 1; s < curve.Length - 1; s++)
            {
                trial.Value = trialId;
                step.Value = (s + 1) * 100L;
                value.Value = curve[s];
                if (await insert.ExecuteNonQueryAsync() != 1)
                    throw new InvalidOperationException($"trial {trialId} has no first point at step 100: the store's schema changed; update benchmarks/dashboard/Seeder.cs");
            }
        }
        await tx.CommitAsync();
    }
}
