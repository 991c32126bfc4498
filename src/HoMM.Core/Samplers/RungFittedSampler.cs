using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Samplers;

/// <summary>
/// Model-based budgets as BOHB chooses them (Falkner et al. 2018): the wrapped sampler is fitted on
/// the highest budget — the highest reported step — that at least <c>minTrials</c> trials reached,
/// each such trial counted as complete with its value at that step. With a pruner that stops or
/// pauses most trials early, the model learns from the low rungs long before enough trials finish.
/// </summary>
/// <remarks>
/// Trials that did not reach the chosen step are left out, except running ones, which stay running
/// (constant liar still sees them). When no step has enough values, the wrapped sampler sees the
/// study as it is. Steps are the ones trials report at (a trainer's eval_every), so rungs of a
/// successive-halving pruner are among them.
/// </remarks>
public sealed class RungFittedSampler : ISampler
{
    private readonly ISampler _inner;
    private readonly int? _minTrials;

    /// <param name="inner">The model-based sampler (TPE, GP) to fit on the chosen budget.</param>
    /// <param name="minTrials">Values a step needs before the model is fitted on it; null: the number of searched parameters + 3 (BOHB's N_min = d + 1, plus 2).</param>
    public RungFittedSampler(ISampler inner, int? minTrials = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (minTrials is { } m)
            ArgumentOutOfRangeException.ThrowIfLessThan(m, 1, nameof(minTrials));
        _inner = inner;
        _minTrials = minTrials;
    }

    /// <summary>The wrapped sampler.</summary>
    public ISampler Inner => _inner;

    public IReadOnlyDictionary<string, double> SampleRelative(IStudyView study, FrozenTrial trial) =>
        _inner.SampleRelative(View(study, trial), trial);

    public double SampleIndependent(IStudyView study, FrozenTrial trial, ParameterSpec parameter) =>
        _inner.SampleIndependent(View(study, trial), trial, parameter);

    /// <summary>
    /// The step the model is fitted on for a study: the highest one with enough values, or null
    /// when none has (then the sampler sees the study unchanged).
    /// </summary>
    public long? FittedStep(IStudyView study, int askingTrial)
    {
        ArgumentNullException.ThrowIfNull(study);
        var needed = _minTrials ?? study.SearchSpace.Parameters.Count(p => !p.Distribution.IsSingle) + 3;
        var counts = new Dictionary<long, int>();
        foreach (var t in study.Trials)
        {
            if (t.Number == askingTrial || t.State == TrialState.Fail)
                continue;
            foreach (var (step, value) in t.IntermediateValues)
            {
                if (!double.IsNaN(value))
                    counts[step] = counts.GetValueOrDefault(step) + 1;
            }
        }
        long? best = null;
        foreach (var (step, count) in counts)
        {
            if (count >= needed && step > (best ?? long.MinValue))
                best = step;
        }
        return best;
    }

    private IStudyView View(IStudyView study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        // Intermediate values carry the first objective only: a multi-objective model needs complete trials.
        if (study.Directions.Count > 1)
            return study;
        return FittedStep(study, trial.Number) is { } step ? new BudgetView(study, step, trial.Number) : study;
    }

    /// <summary>The study as seen at one budget: trials that reached it are complete with their value there.</summary>
    private sealed class BudgetView(IStudyView study, long step, int asking) : IStudyView
    {
        private IReadOnlyList<FrozenTrial>? _trials;

        public StudyDirection Direction => study.Direction;

        public SearchSpaceDefinition SearchSpace => study.SearchSpace;

        public IReadOnlyList<FrozenTrial> Trials => _trials ??= Build();

        private FrozenTrial[] Build()
        {
            var trials = new List<FrozenTrial>();
            foreach (var t in study.Trials)
            {
                if (t.Number == asking || (t.State == TrialState.Running && !t.IntermediateValues.ContainsKey(step)))
                    trials.Add(t);
                else if (t.State != TrialState.Fail && t.IntermediateValues.TryGetValue(step, out var v) && !double.IsNaN(v))
                    trials.Add(t with { State = TrialState.Complete, Value = v });
            }
            return [.. trials];
        }
    }
}
