using HoMM.Torch.Modules;

namespace HoMM.Torch;

#pragma warning disable CA1707, IDE1006 // PyTorch's names, on purpose.
public static partial class torch
{
    /// <summary>Optimizers, as torch.optim.</summary>
    public static class optim
    {
        /// <summary>An optimizer over parameters; owns its state tensors (dispose it, or let it go with the model).</summary>
        public abstract class Optimizer : IDisposable
        {
            public abstract IEnumerable<Parameter> parameters();

            /// <summary>Applies one update from the parameters' current gradients.</summary>
            public abstract void step();

            /// <summary>Drops (set_to_none, the default, as PyTorch 2) or zeroes the gradients.</summary>
            public virtual void zero_grad(bool set_to_none = true)
            {
                foreach (var p in parameters())
                {
                    if (set_to_none)
                    {
                        p.grad = null;
                    }
                    else
                    {
                        using var g = p.grad;
                        g?.zero_();
                    }
                }
            }

            public abstract void save_state_dict(Stream stream);

            public abstract void load_state_dict(Stream stream);

            public void save_state_dict(string path)
            {
                using var file = File.Create(path);
                save_state_dict(file);
            }

            public void load_state_dict(string path)
            {
                using var file = File.OpenRead(path);
                load_state_dict(file);
            }

            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            protected abstract void Dispose(bool disposing);
        }

        public static AdamW AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
            double weight_decay = 0.01, bool amsgrad = false, bool maximize = false) =>
            new(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);

        public static AdamW AdamW(IEnumerable<AdamW.ParamGroup> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
            double weight_decay = 0.01, bool amsgrad = false, bool maximize = false) =>
            new(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);
    }
}
#pragma warning restore CA1707, IDE1006
