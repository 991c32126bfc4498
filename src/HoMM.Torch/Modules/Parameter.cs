namespace HoMM.Torch.Modules;

/// <summary>
/// A trainable tensor of a module: a leaf that requires grad, owned by its module (never by a
/// dispose scope) and disposed with it.
/// </summary>
public class Parameter : torch.Tensor
{
    /// <summary>Makes a parameter of <paramref name="data"/>'s values, taking the tensor over:
    /// <paramref name="data"/> is disposed (its storage lives on in the parameter).</summary>
    public Parameter(torch.Tensor data, bool requires_grad = true)
        : base(data) => this.requires_grad = requires_grad;
}
