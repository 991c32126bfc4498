using HoMM.Core.Samplers;

namespace HoMM.Core.Pruners;

/// <summary>
/// A promoting scheduler (<c>pruner: {mode: promote}</c>): where each trial pauses, and which paused
/// trial a free slot resumes. Stateless: everything is read from the trials' intermediate values
/// and the caller's set of paused trials, so a driver can rebuild every decision from its store.
/// Implementations: <see cref="AshaPromotion"/> (one bracket), <see cref="HyperbandPromotion"/>.
/// </summary>
public interface IPromotionSchedule
{
    /// <summary>Steps of a full trial: a trial promoted past its last rung runs to here and completes.</summary>
    long MaxResource { get; }

    /// <summary>
    /// The step at which trial <paramref name="trialNumber"/>, which has reached <paramref name="step"/>
    /// (−1 before it ran), pauses next: its next rung, or <see cref="MaxResource"/> (it runs to the end).
    /// </summary>
    long NextStop(int trialNumber, long step);

    /// <summary>
    /// The paused trial a free slot resumes now, or null when a new trial should start.
    /// <paramref name="paused"/> holds the numbers of the trials paused at a rung.
    /// </summary>
    Promotion? Next(IStudyView study, IReadOnlySet<int> paused);
}
