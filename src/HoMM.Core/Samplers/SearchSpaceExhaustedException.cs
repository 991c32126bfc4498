namespace HoMM.Core.Samplers;

/// <summary>
/// The sampler has proposed every point it can (a grid whose points have all been tried): the
/// study is complete, and asking again will not produce a new trial.
/// </summary>
public sealed class SearchSpaceExhaustedException : InvalidOperationException
{
    public SearchSpaceExhaustedException()
    {
    }

    public SearchSpaceExhaustedException(string message)
        : base(message)
    {
    }

    public SearchSpaceExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
