using HoMM.Core.Studies;
using HoMM.Dispatch.Slots;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Constraints;
using HoMM.TrainerSettings;

namespace HoMM.Dispatch.Tests.Slots;

/// <summary>
/// Slot plans against two GPUs of different sizes as a fake nvidia-smi reports them: trials_per_gpu
/// fixed and auto, and auto's largest trial of a study.
/// </summary>
public sealed class AutoSlotPlanTests : IDisposable
{
    private const long GiB = 1L << 30;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>An H100 (80 GB, idle) and an A10 (24 GB, 4 GB in use by someone else), through the real query.</summary>
    private Func<IReadOnlyList<GpuInfo>> TwoGpus()
    {
        var smi = _dir.Script("nvidia-smi", $$"""
            [ "$*" = "{{GpuInventory.Arguments}}" ] || { echo "unexpected arguments: $*" >&2; exit 2; }
            echo "0, NVIDIA H100 80GB HBM3, 81559, 1"
            echo "1, NVIDIA A10, 23028, 4113"
            """);
        return () => GpuInventory.Query(smi) ?? throw new InvalidOperationException("the fake nvidia-smi failed");
    }

    private static TrialMemory Memory(long bytes) =>
        new(bytes, new HommMemoryEstimate(0, 0, 0, 0, 0, 0), new Dictionary<string, object> { ["dim"] = 512L }, "test");

    [Fact]
    public void Plan_FixedTrialsPerGpuOnTwoGpusOfDifferentSizes_SameCountOnEach()
    {
        var plan = SlotPlanner.Plan(new ResourcesDefinition([], DetectGpus: true, CpuSlots: 0) { TrialsPerGpu = 3 }, 12, TwoGpus());

        Assert.Equal(["gpu0.0", "gpu0.1", "gpu0.2", "gpu1.0", "gpu1.1", "gpu1.2"], plan.Slots.Select(s => s.Id));
        Assert.Equal("gpu0, gpu1: 3 trials each (trials_per_gpu: 3)", plan.Summary);
    }

    [Fact]
    public void Plan_AutoOnTwoGpusOfDifferentSizes_EachGetsWhatFitsInItsFreeMemoryLessHeadroom()
    {
        var plan = SlotPlanner.Plan(new ResourcesDefinition([], DetectGpus: true, CpuSlots: 0) { AutoTrialsPerGpu = true }, 16, TwoGpus(), () => Memory(7 * GiB));

        // gpu0: 81559 − 1 − 8156 (10 %) = 73402 MiB free → 10 × 7 GiB; gpu1: 23028 − 4113 − 2303 = 16612 MiB → 2.
        Assert.Equal(10, plan.Slots.Count(s => s.CudaVisibleDevices == "0"));
        Assert.Equal(["gpu1.0", "gpu1.1"], plan.Slots.Where(s => s.CudaVisibleDevices == "1").Select(s => s.Id));
        Assert.All(plan.Slots, s => Assert.Equal(1, s.Threads));
        Assert.StartsWith("gpu0 (80 GiB): 10 trials, gpu1 (22 GiB): 2 trials, estimate 7.0 GiB/trial (test: dim 512; headroom 10 % of each GPU, at least 1 GiB)", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AutoWithATrialLargerThanTheSmallGpu_StillOneSlotThere()
    {
        var plan = SlotPlanner.Plan(new ResourcesDefinition([0, 1], false, 0) { AutoTrialsPerGpu = true }, 16, TwoGpus(), () => Memory(30 * GiB));

        Assert.Equal(["gpu0.0", "gpu0.1", "gpu1"], plan.Slots.Select(s => s.Id));
    }

    [Fact]
    public void Plan_AutoWithAGpuNvidiaSmiDoesNotList_NamesItAndTheListed()
    {
        var e = Assert.Throws<SlotPlanException>(() =>
            SlotPlanner.Plan(new ResourcesDefinition([0, 3], false, 0) { AutoTrialsPerGpu = true }, 16, TwoGpus(), () => Memory(GiB)));

        Assert.Contains("GPU 3 is not among the GPUs nvidia-smi lists (0, 1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AutoWithoutAnEstimate_SaysAutoNeedsTheBuiltInTrainersEstimate()
    {
        var e = Assert.Throws<SlotPlanException>(() =>
            SlotPlanner.Plan(new ResourcesDefinition([], true, 0) { AutoTrialsPerGpu = true }, 16, TwoGpus()));

        Assert.Contains("give a number", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForStudy_AutoWithSearchedSizes_PlansForTheLargestTrialTheRulesAllow()
    {
        var study = Parse("""
            search_space:
              dim: {type: int, low: 64, high: 512, step: 64}
              order: {type: int, low: 1, high: 3}
              batch: {type: categorical, choices: [64, 256]}
              lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
            constraints:
              - dim * order <= 768
            """);
        var rules = StudyRules.For(study, null);

        var memory = TrialMemory.Largest(study, rules, s => HommShape.Of(s));
        var plan = SlotPlanner.ForStudy(study, 16, TwoGpus(), s => HommShape.Of(s), rules);

        // dim 512 × order 3 breaks the constraint; the largest allowed corner is dim 384, order 2 or dim 256, order 3 at batch 256.
        Assert.Null(rules.WhyInfeasible(memory.Parameters));
        Assert.Equal(256L, memory.Parameters["batch"]);
        Assert.Equal("the largest trial the search space and its rules allow", memory.Basis);
        var allowed = new[] { (384L, 2L), (256L, 3L), (512L, 1L) }.Max(p => Estimate(study, p.Item1, p.Item2, 256));
        Assert.Equal(allowed, memory.BytesPerTrial);
        Assert.Equal(SlotPlanner.TrialsOn(TwoGpus()()[0], memory.BytesPerTrial), plan.Slots.Count(s => s.CudaVisibleDevices == "0"));
        Assert.Contains(SlotPlanner.GiB(memory.BytesPerTrial, 1) + "/trial", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Largest_NoSizeSearched_EveryTrialHasTheSameModel()
    {
        var study = Parse("""
            search_space:
              lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
            """, "{steps: 10, batch: 128}");

        var memory = TrialMemory.Largest(study, null, s => HommShape.Of(s));

        Assert.Equal("every trial has the same model", memory.Basis);
        Assert.Equal(TrialMemory.ForModel(HommComplexity.TrainingMemory(new HommShape(32, 2, 7, 2, 4), 128, 256, bf16: false)), memory.BytesPerTrial);
    }

    [Fact]
    public void Largest_CustomTrainer_RefusedWithWhatToDo()
    {
        var study = StudyFile.Parse("""
            name: custom
            objective: {metric: val/acc, direction: maximize}
            search_space:
              x: {type: float, low: 0.0, high: 1.0}
            sampler: {kind: random, seed: 1}
            budget: {max_trials: 2}
            trainer:
              command: [/bin/true]
            """, "custom.yaml").GetDefinitionOrThrow();

        var e = Assert.Throws<SlotPlanException>(() => TrialMemory.Largest(study, null, s => HommShape.Of(s)));

        Assert.Contains("give trials_per_gpu a number", e.Message, StringComparison.Ordinal);
    }

    private static long Estimate(StudyDefinition study, long dim, long order, long batch)
    {
        var homm = (HoMM.StudyFiles.Trainer.HommTrainerDefinition)study.Trainer;
        var settings = homm.Resolve(new Dictionary<string, object> { ["dim"] = dim, ["order"] = order, ["batch"] = batch, ["lr"] = 1e-3 });
        return TrialMemory.ForModel(HommComplexity.TrainingMemory(HommShape.Of(settings), settings));
    }

    private static StudyDefinition Parse(string searchAndConstraints, string optim = "{lr: 0.001, steps: 10}") => StudyFile.Parse($$"""
        name: sizes
        objective: {metric: val/acc, direction: maximize}
        {{searchAndConstraints}}
        sampler: {kind: random, seed: 1}
        budget: {max_trials: 2}
        trainer:
          model: {dim: 32, layers: 2, patch: 7, order: 2, order_expand: 4}
          optim: {{optim}}
          data: {dataset: fashion-mnist}
        resources: {gpus: auto, trials_per_gpu: auto}
        """, "sizes.yaml").GetDefinitionOrThrow();
}
