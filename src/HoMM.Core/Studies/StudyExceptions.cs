namespace HoMM.Core.Studies;

/// <summary>
/// Ask could not find parameters that satisfy the constraints within the allowed attempts:
/// the constraints exclude all, or nearly all, of the search space.
/// </summary>
public sealed class NoFeasibleProposalException : InvalidOperationException
{
    public NoFeasibleProposalException()
    {
    }

    public NoFeasibleProposalException(string message)
        : base(message)
    {
    }

    public NoFeasibleProposalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
