using System.Globalization;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Trainer;
using HoMM.TrainerSettings;

namespace HoMM.Dispatch.Slots;

/// <summary>
/// The GPU memory one trial of a study needs, as <c>trials_per_gpu: auto</c> sizes the slots: the
/// model's estimate (<see cref="HommComplexity.TrainingMemory(HommShape, HommTrainerSettings)"/>),
/// scaled by <see cref="AllocatorSlack"/>, plus <see cref="ProcessOverheadBytes"/>.
/// </summary>
/// <param name="BytesPerTrial">What one trial's process is expected to hold on its GPU at its peak.</param>
/// <param name="Model">The model's estimate by part (the largest trial's).</param>
/// <param name="Parameters">The searched values of the trial it was counted for.</param>
/// <param name="Basis">How that trial was chosen, for the plan's explanation.</param>
public sealed record TrialMemory(long BytesPerTrial, HommMemoryEstimate Model, IReadOnlyDictionary<string, object> Parameters, string Basis)
{
    /// <summary>
    /// What each trainer process holds beyond its tensors: the CUDA context (≈ 300–500 MiB with lazy
    /// module loading), cuBLAS and cuDNN handles and workspaces, and libtorch's loaded kernels.
    /// </summary>
    public const long ProcessOverheadBytes = 768L << 20;

    /// <summary>
    /// The caching allocator rounds blocks up (2 MiB segments for large tensors) and cannot always
    /// reuse a freed block for a differently sized tensor: reserved memory runs 10–30 % above the
    /// live tensors in training loops like homm-train's.
    /// </summary>
    public const double AllocatorSlack = 1.25;

    /// <summary>Random points drawn besides the corners when looking for the largest trial the rules allow.</summary>
    public const int RandomPointCount = 512;

    /// <summary>The searched settings the memory estimate grows with (or, for patch, shrinks with).</summary>
    private static readonly HashSet<string> SizeSettings = new(StringComparer.Ordinal)
        { "dim", "layers", "patch", "order", "order_expand", "ffw_expand", "batch" };

    /// <summary>The process's GPU memory for a model estimate.</summary>
    public static long ForModel(HommMemoryEstimate model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ProcessOverheadBytes + (long)Math.Ceiling(model.Peak * AllocatorSlack);
    }

    /// <summary>
    /// The memory of the largest trial <paramref name="definition"/> may run: the estimate is
    /// maximised over every corner of the searched size settings (each at its lowest and highest
    /// value, every choice of a categorical one) and <see cref="RandomPointCount"/> seeded random points,
    /// keeping only points the study's <paramref name="rules"/> allow (constraints, max_params), so
    /// that a corner the rules forbid does not shrink the plan. When no point is allowed, the
    /// largest corner is taken. A feasible trial larger than every point tried can still exist in a
    /// constrained space: an out-of-memory failure beside neighbours is retried with fewer (docs/gpu.md).
    /// </summary>
    /// <param name="definition">The study (its trainer must be the built-in one).</param>
    /// <param name="rules">The study's trial rules; null: every point is allowed.</param>
    /// <param name="shapeOf">The model a trial's settings describe (classes counted where the data is).</param>
    /// <exception cref="SlotPlanException">The study does not use the built-in trainer.</exception>
    public static TrialMemory Largest(StudyDefinition definition, TrialRules? rules, Func<HommTrainerSettings, HommShape> shapeOf)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(shapeOf);
        if (definition.Trainer is not HommTrainerDefinition homm)
            throw new SlotPlanException("trials_per_gpu: auto estimates each trial's memory from the built-in trainer's model; a custom trainer's memory is unknown: give trials_per_gpu a number");

        var space = definition.SearchSpace;
        (TrialMemory Memory, bool Allowed)? best = null;
        foreach (var (point, corner) in Corners(space).Select(p => (p, true)).Concat(RandomPoints(space, definition.Sampler.Seed ?? 0).Select(p => (p, false))))
        {
            HommTrainerSettings settings;
            try
            {
                settings = homm.Resolve(point);
            }
            catch (ArgumentException)
            {
                continue; // a combination the settings refuse (the sampler would not propose it either)
            }
            var allowed = rules?.WhyInfeasible(point) is null;
            if (!allowed && !corner)
                continue;
            var model = HommComplexity.TrainingMemory(shapeOf(settings), settings);
            var memory = new TrialMemory(ForModel(model), model, point, "");
            // An allowed point beats any forbidden one; among equals, the larger estimate.
            if (best is not { } b || (allowed && !b.Allowed) || (allowed == b.Allowed && memory.BytesPerTrial > b.Memory.BytesPerTrial))
                best = (memory, allowed);
        }
        if (best is not { } found)
            throw new SlotPlanException("trials_per_gpu: auto found no trial of the search space whose settings resolve; give trials_per_gpu a number");
        var searched = space.Parameters.Any(p => SizeSettings.Contains(p.Name) && !p.Distribution.IsSingle);
        var basis = !searched
            ? "every trial has the same model"
            : found.Allowed
                ? "the largest trial the search space and its rules allow"
                : "the largest corner of the search space (no point tried was allowed by the study's rules)";
        return found.Memory with { Basis = basis };
    }

    /// <summary>Describes the trial's size settings, e.g. "dim 512, order 3, batch 256".</summary>
    public string DescribeTrial() => Parameters.Count == 0
        ? "the fixed settings"
        : string.Join(", ", Parameters.Where(p => SizeSettings.Contains(p.Key)).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}")));

    /// <summary>Every combination of the size settings' extremes (other parameters at their first value), conditions honoured.</summary>
    private static IEnumerable<Dictionary<string, object>> Corners(SearchSpaceDefinition space)
    {
        var parents = space.Parameters.Where(p => p.When is not null).Select(p => p.When!.Parent).ToHashSet(StringComparer.Ordinal);
        IEnumerable<Dictionary<string, object>> points = [new Dictionary<string, object>(StringComparer.Ordinal)];
        foreach (var p in space.Parameters)
        {
            var spread = SizeSettings.Contains(p.Name) || parents.Contains(p.Name);
            var candidates = spread ? Extremes(p.Distribution) : [Extremes(p.Distribution)[0]];
            var spec = p;
            points = points.SelectMany(point => space.IsActive(spec, point)
                ? candidates.Select(v => new Dictionary<string, object>(point, StringComparer.Ordinal) { [spec.Name] = v })
                : [point]).ToList();
        }
        return points;
    }

    private static IEnumerable<Dictionary<string, object>> RandomPoints(SearchSpaceDefinition space, long seed)
    {
        var random = new Random(unchecked((int)seed ^ 0x5eed));
        for (var i = 0; i < RandomPointCount; i++)
        {
            var point = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var p in space.Parameters.Where(p => space.IsActive(p, point)))
                point[p.Name] = Draw(p.Distribution, random);
            yield return point;
        }
    }

    private static List<object> Extremes(Distribution distribution) => distribution switch
    {
        IntDistribution i => [i.Low, i.Low + ((i.High - i.Low) / i.Step * i.Step)],
        FloatDistribution f => [f.Low, f.Step is { } s ? f.Low + (Math.Floor(((f.High - f.Low) / s) + 1e-9) * s) : f.High],
        CategoricalDistribution c => [.. c.Choices],
        _ => throw new ArgumentOutOfRangeException(nameof(distribution), distribution, "unknown distribution"),
    };

    private static object Draw(Distribution distribution, Random random) => distribution switch
    {
        IntDistribution i => i.Low + (random.NextInt64(0, ((i.High - i.Low) / i.Step) + 1) * i.Step),
        FloatDistribution f => f.Low + (random.NextDouble() * (f.High - f.Low)),
        CategoricalDistribution c => c.Choices[random.Next(c.Choices.Count)],
        _ => throw new ArgumentOutOfRangeException(nameof(distribution), distribution, "unknown distribution"),
    };
}
