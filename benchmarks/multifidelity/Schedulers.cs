using HoMM.Benchmarks.Samplers;
using HoMM.Core.Pruners;
using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Benchmarks.MultiFidelity;

/// <summary>What the simulator asks of a search method: new trials, verdicts on reports, promotions.</summary>
public interface IScheduler : IDisposable
{
    (int Trial, IReadOnlyDictionary<string, object> Params) StartNew();

    /// <summary>Records an intermediate value; true when the trial must stop now (pruned).</summary>
    bool Report(int trial, long step, double value);

    void Complete(int trial, double value);

    void Pruned(int trial);

    /// <summary>Promotion mode: the step trial <paramref name="trial"/>, starting or resuming at <paramref name="step"/>, pauses at next; else the full run.</summary>
    long NextStop(int trial, long step, long maxStep);

    /// <summary>Promotion mode: a paused trial to resume now, else null (start a new trial).</summary>
    Promotion? NextPromotion();

    void Paused(int trial);
}

/// <summary>Our samplers and pruners, through HoMM.Core's Study exactly as the dispatcher drives it.</summary>
public sealed class CoreScheduler : IScheduler
{
    private readonly Study _study;
    private readonly IPromotionSchedule? _promotion;
    private readonly HashSet<int> _paused = [];

    public CoreScheduler(SearchSpaceDefinition space, ISampler sampler, IPruner? pruner, IPromotionSchedule? promotion)
    {
        _study = new Study(space, StudyDirection.Maximize, sampler, pruner);
        _promotion = promotion;
    }

    public (int Trial, IReadOnlyDictionary<string, object> Params) StartNew()
    {
        var t = _study.Ask();
        return (t.Number, t.Params);
    }

    public bool Report(int trial, long step, double value) => _study.Report(trial, step, value);

    public void Complete(int trial, double value)
    {
        _paused.Remove(trial);
        _study.Tell(trial, value);
    }

    public void Pruned(int trial) => _study.Tell(trial, TrialState.Pruned);

    public long NextStop(int trial, long step, long maxStep) => _promotion?.NextStop(trial, step) ?? maxStep;

    public Promotion? NextPromotion()
    {
        if (_promotion?.Next(_study.Snapshot(), _paused) is not { } p)
            return null;
        _paused.Remove(p.TrialNumber);
        return p;
    }

    public void Paused(int trial) => _paused.Add(trial);

    public void Dispose()
    {
    }
}

/// <summary>Optuna 3.1's TPE with its Hyperband pruner, through the ask/tell server (report/should_prune).</summary>
public sealed class OptunaScheduler : IScheduler
{
    private readonly OptunaClient _client;

    public OptunaScheduler(OptunaClient client, SearchSpaceDefinition space, int seed, long minResource, long maxResource, int reductionFactor)
    {
        _client = client;
        _client.NewStudy("tpe", seed, space, minResource, maxResource, reductionFactor);
    }

    public (int Trial, IReadOnlyDictionary<string, object> Params) StartNew() => _client.Ask();

    // The server's study minimises: accuracies go in negated.
    public bool Report(int trial, long step, double value) => _client.Report(trial, step, -value);

    public void Complete(int trial, double value) => _client.Tell(trial, -value);

    public void Pruned(int trial) => _client.TellPruned(trial);

    public long NextStop(int trial, long step, long maxStep) => maxStep;

    public Promotion? NextPromotion() => null;

    public void Paused(int trial) => throw new InvalidOperationException("Optuna has no pause");

    public void Dispose()
    {
    }
}
