using System.Globalization;
using HoMM.Torch.Native;
using HoMM.Torch.Serialization;
using static HoMM.Torch.torch;

// TorchSharp keeps its optimizers in TorchSharp.Modules; so do we, for a mechanical switch.
namespace HoMM.Torch.Modules;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter), the update of torch.optim.AdamW:
/// p ← p·(1 − lr·wd) − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε). Parameter groups carry their own
/// options (e.g. no decay on biases and norms); a group's <see cref="ParamGroup.LearningRate"/>
/// can be changed before every step (warmup, cosine decay). State is created lazily on a
/// parameter's first step, next to the parameter, and saved with <c>save_state_dict</c>.
/// </summary>
public sealed class AdamW : optim.Optimizer
{
    private readonly List<ParamGroup> _groups;
    private readonly Dictionary<Parameter, State> _state = new(ReferenceEqualityComparer.Instance);

    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0.01, bool amsgrad = false, bool maximize = false)
        : this([new ParamGroup(parameters, new Options())], lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)
    {
    }

    /// <summary>Groups with their own options; an option a group leaves null takes the value given here.</summary>
    public AdamW(IEnumerable<ParamGroup> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0.01, bool amsgrad = false, bool maximize = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var defaults = new Options
        {
            LearningRate = lr,
            beta1 = beta1,
            beta2 = beta2,
            eps = eps,
            weight_decay = weight_decay,
            amsgrad = amsgrad,
            maximize = maximize,
        };
        _groups = parameters.ToList();
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var g in _groups)
        {
            g.Options.FillFrom(defaults);
            g.Options.Validate();
            foreach (var p in g.Parameters)
            {
                if (!seen.Add(p))
                {
                    throw new ArgumentException("a parameter appears in more than one parameter group", nameof(parameters));
                }
            }
        }
    }

    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    public override IEnumerable<Parameter> parameters() => _groups.SelectMany(g => g.Parameters);

    public override void step()
    {
        foreach (var group in _groups)
        {
            var o = group.Options;
            var parameters = new List<Tensor?>();
            var expAvgs = new List<Tensor?>();
            var expAvgSqs = new List<Tensor?>();
            var maxExpAvgSqs = new List<Tensor?>();
            var steps = new List<long>();
            foreach (var p in group.Parameters)
            {
                using (var g = p.grad)
                {
                    if (g is null)
                    {
                        continue;
                    }
                }

                var s = StateOf(p, o.amsgrad!.Value);
                s.Step++;
                parameters.Add(p);
                expAvgs.Add(s.ExpAvg);
                expAvgSqs.Add(s.ExpAvgSq);
                maxExpAvgSqs.Add(s.MaxExpAvgSq);
                steps.Add(s.Step);
            }

            if (parameters.Count == 0)
            {
                continue;
            }

            using var ps = new HandleArray(parameters);
            using var ms = new HandleArray(expAvgs);
            using var vs = new HandleArray(expAvgSqs);
            using var vmaxs = new HandleArray(maxExpAvgSqs);
            TorchException.Check(NativeMethods.ht_adamw_step(ps.Pointers, ms.Pointers, vs.Pointers, vmaxs.Pointers, steps.ToArray(), parameters.Count,
                o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value, o.amsgrad!.Value ? 1 : 0, o.maximize!.Value ? 1 : 0));
        }
    }

    private State StateOf(Parameter p, bool amsgrad)
    {
        if (!_state.TryGetValue(p, out var s))
        {
            // Optimizer state outlives every step: never owned by the caller's dispose scope.
            s = new State(
                zeros_like(p).DetachFromDisposeScope(),
                zeros_like(p).DetachFromDisposeScope(),
                amsgrad ? zeros_like(p).DetachFromDisposeScope() : null);
            _state[p] = s;
        }

        return s;
    }

    /// <summary>The step count of a parameter (0 before its first update).</summary>
    public long StepOf(Parameter parameter) => _state.TryGetValue(parameter, out var s) ? s.Step : 0;

    // ---- checkpoints: keys follow PyTorch's layout, parameters numbered across groups in order.

    public override void save_state_dict(Stream stream)
    {
        using var scope = NewDisposeScope();
        var entries = new List<KeyValuePair<string, Tensor>>();
        void Add(string key, Tensor value) => entries.Add(new(key, value));

        var index = 0;
        for (var g = 0; g < _groups.Count; g++)
        {
            var group = _groups[g];
            var o = group.Options;
            var prefix = $"param_groups.{g}.";
            Add(prefix + "size", tensor((long)group.Parameters.Count));
            Add(prefix + "lr", tensor(o.LearningRate!.Value));
            Add(prefix + "initial_lr", tensor(o.InitialLearningRate ?? o.LearningRate!.Value));
            Add(prefix + "beta1", tensor(o.beta1!.Value));
            Add(prefix + "beta2", tensor(o.beta2!.Value));
            Add(prefix + "eps", tensor(o.eps!.Value));
            Add(prefix + "weight_decay", tensor(o.weight_decay!.Value));
            Add(prefix + "amsgrad", tensor(o.amsgrad!.Value));
            Add(prefix + "maximize", tensor(o.maximize!.Value));
            foreach (var p in group.Parameters)
            {
                if (_state.TryGetValue(p, out var s))
                {
                    var sp = string.Create(CultureInfo.InvariantCulture, $"state.{index}.");
                    Add(sp + "step", tensor(s.Step));
                    Add(sp + "exp_avg", s.ExpAvg);
                    Add(sp + "exp_avg_sq", s.ExpAvgSq);
                    if (s.MaxExpAvgSq is not null)
                    {
                        Add(sp + "max_exp_avg_sq", s.MaxExpAvgSq);
                    }
                }

                index++;
            }
        }

        TensorArchive.Write(stream, entries);
    }

    /// <summary>Restores options and state saved by an optimizer over the same parameter groups.</summary>
    public override void load_state_dict(Stream stream)
    {
        using var scope = NewDisposeScope();
        var saved = TensorArchive.Read(stream);
        Tensor Get(string key) => saved.TryGetValue(key, out var t)
            ? t
            : throw new InvalidDataException($"optimizer state has no '{key}': it was saved by a different optimizer or is corrupt");

        var savedGroups = saved.Keys.Count(k => k.StartsWith("param_groups.", StringComparison.Ordinal) && k.EndsWith(".size", StringComparison.Ordinal));
        if (savedGroups != _groups.Count)
        {
            throw new InvalidOperationException($"optimizer state has {savedGroups} parameter groups but this optimizer {_groups.Count}");
        }

        // Validate everything before changing anything.
        var index = 0;
        for (var g = 0; g < _groups.Count; g++)
        {
            var size = Get($"param_groups.{g}.size").ToInt64();
            if (size != _groups[g].Parameters.Count)
            {
                throw new InvalidOperationException($"parameter group {g} has {_groups[g].Parameters.Count} parameters but the saved state {size}");
            }

            foreach (var p in _groups[g].Parameters)
            {
                if (saved.TryGetValue($"state.{index}.exp_avg", out var m) && !m.shape.SequenceEqual(p.shape))
                {
                    throw new InvalidOperationException($"saved state of parameter {index} has shape [{string.Join(", ", m.shape)}], the parameter [{string.Join(", ", p.shape)}]");
                }

                index++;
            }
        }

        foreach (var s in _state.Values)
        {
            s.Dispose();
        }

        _state.Clear();
        index = 0;
        for (var g = 0; g < _groups.Count; g++)
        {
            var o = _groups[g].Options;
            var prefix = $"param_groups.{g}.";
            o.LearningRate = Get(prefix + "lr").ToDouble();
            o.InitialLearningRate = Get(prefix + "initial_lr").ToDouble();
            o.beta1 = Get(prefix + "beta1").ToDouble();
            o.beta2 = Get(prefix + "beta2").ToDouble();
            o.eps = Get(prefix + "eps").ToDouble();
            o.weight_decay = Get(prefix + "weight_decay").ToDouble();
            o.amsgrad = Get(prefix + "amsgrad").ToBoolean();
            o.maximize = Get(prefix + "maximize").ToBoolean();
            foreach (var p in _groups[g].Parameters)
            {
                var sp = $"state.{index}.";
                if (saved.ContainsKey(sp + "step"))
                {
                    var s = StateOf(p, o.amsgrad.Value);
                    s.Step = Get(sp + "step").ToInt64();
                    using var noGrad = no_grad();
                    s.ExpAvg.copy_(Get(sp + "exp_avg"));
                    s.ExpAvgSq.copy_(Get(sp + "exp_avg_sq"));
                    if (s.MaxExpAvgSq is not null && saved.TryGetValue(sp + "max_exp_avg_sq", out var vmax))
                    {
                        s.MaxExpAvgSq.copy_(vmax);
                    }
                }

                index++;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var s in _state.Values)
            {
                s.Dispose();
            }

            _state.Clear();
        }
    }

    /// <summary>Per-group options; null means "the optimizer's default".</summary>
    public sealed class Options
    {
        public double? LearningRate { get; set; }

        /// <summary>The learning rate the group started with (schedulers scale from it).</summary>
        public double? InitialLearningRate { get; set; }

#pragma warning disable IDE1006 // TorchSharp's names.
        public double? beta1 { get; set; }

        public double? beta2 { get; set; }

        public double? eps { get; set; }

        public double? weight_decay { get; set; }

        public bool? amsgrad { get; set; }

        public bool? maximize { get; set; }
#pragma warning restore IDE1006

        internal void FillFrom(Options d)
        {
            LearningRate ??= d.LearningRate;
            InitialLearningRate ??= LearningRate;
            beta1 ??= d.beta1;
            beta2 ??= d.beta2;
            eps ??= d.eps;
            weight_decay ??= d.weight_decay;
            amsgrad ??= d.amsgrad;
            maximize ??= d.maximize;
        }

        internal void Validate()
        {
            ArgumentOutOfRangeException.ThrowIfNegative(LearningRate!.Value, "lr");
            ArgumentOutOfRangeException.ThrowIfNegative(eps!.Value, nameof(eps));
            ArgumentOutOfRangeException.ThrowIfNegative(weight_decay!.Value, nameof(weight_decay));
            if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1)
            {
                throw new ArgumentOutOfRangeException(nameof(beta1), $"betas must lie in [0, 1), got ({beta1}, {beta2})");
            }
        }
    }

    /// <summary>Parameters that share options.</summary>
    public sealed class ParamGroup
    {
        public ParamGroup(IEnumerable<Parameter> parameters, Options options)
        {
            ArgumentNullException.ThrowIfNull(parameters);
            Parameters = parameters.ToList();
            Options = options ?? throw new ArgumentNullException(nameof(options));
        }

        public ParamGroup(IEnumerable<Parameter> parameters, double? lr = null, double? weight_decay = null)
            : this(parameters, new Options { LearningRate = lr, weight_decay = weight_decay })
        {
        }

        public IReadOnlyList<Parameter> Parameters { get; }

        public Options Options { get; }

        /// <summary>The group's learning rate; set it before a step to schedule it.</summary>
        public double LearningRate
        {
            get => Options.LearningRate ?? 0;
            set
            {
                ArgumentOutOfRangeException.ThrowIfNegative(value);
                Options.LearningRate = value;
            }
        }

        public double InitialLearningRate => Options.InitialLearningRate ?? LearningRate;
    }

    private sealed class State(Tensor expAvg, Tensor expAvgSq, Tensor? maxExpAvgSq) : IDisposable
    {
        public long Step { get; set; }

        public Tensor ExpAvg { get; } = expAvg;

        public Tensor ExpAvgSq { get; } = expAvgSq;

        public Tensor? MaxExpAvgSq { get; } = maxExpAvgSq;

        public void Dispose()
        {
            ExpAvg.Dispose();
            ExpAvgSq.Dispose();
            MaxExpAvgSq?.Dispose();
        }
    }
}
