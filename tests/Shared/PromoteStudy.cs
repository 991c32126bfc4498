using System.Globalization;

namespace HoMM.Testing;

/// <summary>
/// The promotion tests' study: resumable_trainer.py (val/acc = x·s/9 at step s, checkpoint every
/// step, final x) under <c>pruner: {kind: asha, mode: promote}</c> with η = 3, rungs at steps 1 and
/// 3, full run 9; random sampler; <c>resumable: true</c>.
/// </summary>
internal static class PromoteStudy
{
    public static string Yaml(string name, string eventsPath, int maxTrials, int slots, int seed, string enqueue = "") =>
        string.Create(CultureInfo.InvariantCulture, $$"""
            name: {{name}}
            objective: {metric: val/acc, direction: maximize}
            search_space:
              x: {type: float, low: 0.0, high: 1.0}
            sampler: {kind: random, seed: {{seed}}}
            pruner: {kind: asha, mode: promote, min_resource: 1, reduction_factor: 3, max_resource: 9}
            budget: {max_trials: {{maxTrials}}, max_parallel: {{slots}}}
            trainer:
              command: [python3, train.py, "{x}"]
              env: {EVENTS: "{{eventsPath}}", STEPS: "9"}
              resumable: true
            resources: {cpu_slots: {{slots}}}
            {{enqueue}}
            """);
}
