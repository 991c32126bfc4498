using HoMM.Core.Numerics;

namespace HoMM.Core.Samplers;

/// <summary>
/// The random stream a sampler uses for one proposal, derived from (seed, trial number, attempt).
/// Deriving rather than keeping one long stream means a sampler rebuilt after a restart (or one
/// sampler instance per dispatcher tick) does not replay the draws it made before, and a proposal
/// depends only on the seed and the history, never on how many asks this process served.
/// </summary>
internal sealed class TrialRandom
{
    private int _trial = int.MinValue;
    private int _attempt;
    private Rng? _rng;

    public TrialRandom(int? seed) => Seed = seed ?? Random.Shared.Next();

    public int Seed { get; }

    /// <summary>
    /// Starts a proposal: the first for a trial gets attempt 0, each further call for the same trial
    /// (the study resampling an infeasible or duplicate proposal) a new stream.
    /// </summary>
    public Rng BeginProposal(int trialNumber)
    {
        if (trialNumber == _trial)
        {
            _attempt++;
        }
        else
        {
            _trial = trialNumber;
            _attempt = 0;
        }
        _rng = Rng.Derive(Seed, trialNumber, _attempt);
        return _rng;
    }

    /// <summary>The stream of the proposal in progress for the trial (started if there is none).</summary>
    public Rng Current(int trialNumber) =>
        trialNumber == _trial && _rng is not null ? _rng : BeginProposal(trialNumber);
}
