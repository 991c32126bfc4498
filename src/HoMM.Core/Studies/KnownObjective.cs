namespace HoMM.Core.Studies;

/// <summary>
/// An objective's exact value computed from a trial's parameters before it trains — for the
/// built-in trainer, the model's FLOPs or parameter count from its settings (the same counter as
/// the <c>max_flops</c>/<c>max_params</c> limits). Injected through <see cref="TrialRules.KnownObjectives"/>,
/// so Core stays free of the trainer. Samplers see it as <see cref="Samplers.IStudyView.KnownObjectives"/>.
/// </summary>
/// <param name="parameters">Every active parameter of the trial (external values).</param>
public delegate double KnownObjective(IReadOnlyDictionary<string, object> parameters);
