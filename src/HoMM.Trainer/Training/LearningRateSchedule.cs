namespace HoMM.Trainer.Training;

/// <summary>
/// Linear warm-up then cosine decay to zero. Step s (0-based) trains with
/// lr·(s+1)/warmup while s &lt; warmup, then lr·½(1 + cos(π·(s − warmup)/(steps − warmup))).
/// </summary>
public static class LearningRateSchedule
{
    public static double At(long step, double peak, long warmup, long steps)
    {
        if (step < warmup)
            return peak * (step + 1) / warmup;
        var decaySteps = Math.Max(1, steps - warmup);
        var progress = Math.Min(1.0, (double)(step - warmup) / decaySteps);
        return peak * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
