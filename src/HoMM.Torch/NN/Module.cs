using System.Reflection;
using HoMM.Torch.Modules;
using HoMM.Torch.Serialization;

namespace HoMM.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// A network component owning parameters, buffers and submodules under names, as
        /// torch.nn.Module: state_dict keys are the dotted paths ("layers.0.ffw.weight"). A
        /// subclass assigns its parts to fields and calls <see cref="RegisterComponents"/> (or
        /// registers them by hand). Disposing a module disposes everything it owns.
        /// </summary>
        public abstract class Module : IDisposable
        {
            private readonly OrderedDictionary<string, Parameter?> _parameters = new(StringComparer.Ordinal);
            private readonly OrderedDictionary<string, Tensor?> _buffers = new(StringComparer.Ordinal);
            private readonly OrderedDictionary<string, Module> _modules = new(StringComparer.Ordinal);
            private readonly string _name;
            private bool _disposed;

            protected Module(string name)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(name);
                _name = name;
            }

            public string GetName() => _name;

            /// <summary>True in training mode (dropout active), false after <see cref="eval"/>.</summary>
            public bool training { get; private set; } = true;

            public void train(bool train = true)
            {
                training = train;
                foreach (var child in _modules.Values)
                {
                    child.train(train);
                }
            }

            public void eval() => train(false);

            // ---- registration

            public void register_parameter(string name, Parameter? parameter)
            {
                CheckName(name);
                _parameters[name] = parameter;
            }

            public void register_buffer(string name, Tensor? tensor)
            {
                CheckName(name);
                tensor?.DetachFromDisposeScope();
                _buffers[name] = tensor;
            }

            public void register_module(string name, Module module)
            {
                CheckName(name);
                ArgumentNullException.ThrowIfNull(module);
                _modules[name] = module;
            }

            /// <summary>
            /// Registers the fields (and auto-properties) of the subclass chain that hold a
            /// <see cref="Parameter"/> (parameter), a <see cref="Module"/> (submodule) or another
            /// <see cref="Tensor"/> (buffer), named after the field without a leading '_'. Base
            /// classes first, then declaration order; already registered names are kept.
            /// </summary>
            protected void RegisterComponents()
            {
                var chain = new List<Type>();
                for (var t = GetType(); t is not null && t != typeof(Module); t = t.BaseType)
                {
                    chain.Add(t);
                }

                chain.Reverse();
                foreach (var type in chain)
                {
                    if (type.IsGenericType && type.GetGenericTypeDefinition() is var g
                        && (g == typeof(Module<,>) || g == typeof(Module<,,>)))
                    {
                        continue;
                    }

                    // Reflection does not promise declaration order; metadata tokens follow it.
                    var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                        .OrderBy(f => f.MetadataToken);
                    foreach (var field in fields)
                    {
                        var name = ComponentName(field.Name);
                        if (_parameters.ContainsKey(name) || _buffers.ContainsKey(name) || _modules.ContainsKey(name))
                        {
                            continue;
                        }

                        switch (field.GetValue(this))
                        {
                            case Parameter p:
                                register_parameter(name, p);
                                break;
                            case Module m:
                                register_module(name, m);
                                break;
                            case Tensor t:
                                register_buffer(name, t);
                                break;
                        }
                    }
                }
            }

            private static string ComponentName(string fieldName)
            {
                // Auto-property backing fields are named "<name>k__BackingField".
                if (fieldName.StartsWith('<'))
                {
                    var end = fieldName.IndexOf('>', StringComparison.Ordinal);
                    fieldName = fieldName[1..end];
                }

                return fieldName.TrimStart('_');
            }

            private void CheckName(string name)
            {
                ArgumentException.ThrowIfNullOrEmpty(name);
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (name.Contains('.', StringComparison.Ordinal))
                {
                    throw new ArgumentException($"'{name}': component names cannot contain '.' (it separates the path of state_dict keys)", nameof(name));
                }
            }

            /// <summary>Looks up a registered parameter of this module (not of submodules).</summary>
            protected Parameter? GetParameter(string name) => _parameters.GetValueOrDefault(name);

            protected Tensor? GetBuffer(string name) => _buffers.GetValueOrDefault(name);

            // ---- traversal

            public IEnumerable<(string name, Module module)> named_children() =>
                _modules.Select(kv => (kv.Key, kv.Value));

            public IEnumerable<Module> children() => _modules.Values;

            /// <summary>All submodules, depth first, with dotted names (this module itself excluded).</summary>
            public IEnumerable<(string name, Module module)> named_modules()
            {
                foreach (var (name, child) in _modules)
                {
                    yield return (name, child);
                    foreach (var (sub, module) in child.named_modules())
                    {
                        yield return ($"{name}.{sub}", module);
                    }
                }
            }

            public IEnumerable<Module> modules() => named_modules().Select(m => m.module);

            /// <summary>Parameters with dotted names, own first then submodules', each once.</summary>
            public IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
            {
                var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
                foreach (var (name, p) in Walk(this, string.Empty, recurse, m => m._parameters))
                {
                    if (seen.Add(p))
                    {
                        yield return (name, p);
                    }
                }
            }

            public IEnumerable<Parameter> parameters(bool recurse = true) => named_parameters(recurse).Select(p => p.parameter);

            public IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true) =>
                Walk(this, string.Empty, recurse, m => m._buffers);

            public IEnumerable<Tensor> buffers(bool recurse = true) => named_buffers(recurse).Select(b => b.buffer);

            private static IEnumerable<(string, T)> Walk<T>(Module module, string prefix, bool recurse, Func<Module, OrderedDictionary<string, T?>> pick)
                where T : class
            {
                foreach (var (name, value) in pick(module))
                {
                    if (value is not null)
                    {
                        yield return (prefix + name, value);
                    }
                }

                if (!recurse)
                {
                    yield break;
                }

                foreach (var (name, child) in module._modules)
                {
                    foreach (var item in Walk(child, $"{prefix}{name}.", true, pick))
                    {
                        yield return item;
                    }
                }
            }

            // ---- gradients and devices

            /// <summary>Drops (set_to_none, the default) or zeroes every parameter's gradient.</summary>
            public void zero_grad(bool set_to_none = true)
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

            /// <summary>Moves or converts every parameter and buffer in place (the objects stay the same).</summary>
            internal void Apply(Func<Tensor, Tensor> convert)
            {
                using var noGrad = no_grad();
                foreach (var t in parameters().Cast<Tensor>().Concat(buffers()))
                {
                    using var converted = convert(t);
                    t.grad = null;
                    t.set_(converted);
                }
            }

            // ---- state

            /// <summary>Parameters and buffers by dotted name: the module's own tensors, not copies.</summary>
            public Dictionary<string, Tensor> state_dict()
            {
                var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                foreach (var (name, p) in named_parameters())
                {
                    result[name] = p;
                }

                foreach (var (name, b) in named_buffers())
                {
                    result[name] = b;
                }

                return result;
            }

            /// <summary>
            /// Copies values into this module's tensors (converting dtype and device). With
            /// <paramref name="strict"/>, missing or unexpected keys are an error; a shape mismatch
            /// always is.
            /// </summary>
            public (IList<string> missing_keys, IList<string> unexpected_keys) load_state_dict(IReadOnlyDictionary<string, Tensor> source, bool strict = true)
            {
                ArgumentNullException.ThrowIfNull(source);
                var own = state_dict();
                var missing = own.Keys.Where(k => !source.ContainsKey(k)).ToList();
                var unexpected = source.Keys.Where(k => !own.ContainsKey(k)).ToList();
                if (strict && (missing.Count > 0 || unexpected.Count > 0))
                {
                    throw new InvalidOperationException(
                        $"state dict does not match {_name}: missing keys [{string.Join(", ", missing)}], unexpected keys [{string.Join(", ", unexpected)}]");
                }

                var mismatched = own.Where(kv => source.TryGetValue(kv.Key, out var s) && !s.shape.SequenceEqual(kv.Value.shape))
                    .Select(kv => $"{kv.Key}: saved [{string.Join(", ", source[kv.Key].shape)}], model [{string.Join(", ", kv.Value.shape)}]")
                    .ToList();
                if (mismatched.Count > 0)
                {
                    throw new InvalidOperationException($"state dict shapes do not match {_name}: {string.Join("; ", mismatched)}");
                }

                using var noGrad = no_grad();
                foreach (var (name, target) in own)
                {
                    if (source.TryGetValue(name, out var value))
                    {
                        target.copy_(value);
                    }
                }

                return (missing, unexpected);
            }

            /// <summary>Writes the state dict to a file (<see cref="TensorArchive"/> format).</summary>
            public void save(string path) => TensorArchive.Save(path, state_dict());

            public void save(Stream stream) => TensorArchive.Write(stream, state_dict());

            /// <summary>Loads a state dict written by <see cref="save(string)"/>.</summary>
            public void load(string path, bool strict = true)
            {
                using var scope = NewDisposeScope();
                load_state_dict(TensorArchive.Load(path), strict);
            }

            public void load(Stream stream, bool strict = true)
            {
                using var scope = NewDisposeScope();
                load_state_dict(TensorArchive.Read(stream), strict);
            }

            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            protected virtual void Dispose(bool disposing)
            {
                if (_disposed || !disposing)
                {
                    return;
                }

                _disposed = true;
                foreach (var child in _modules.Values)
                {
                    child.Dispose();
                }

                foreach (var p in _parameters.Values)
                {
                    p?.Dispose();
                }

                foreach (var b in _buffers.Values)
                {
                    b?.Dispose();
                }
            }
        }

        /// <summary>A module with one input, as TorchSharp's Module&lt;T, TResult&gt;.</summary>
        public abstract class Module<T, TResult> : Module
        {
            protected Module(string name)
                : base(name)
            {
            }

            public abstract TResult forward(T input);

            public TResult call(T input) => forward(input);
        }

        /// <summary>A module with two inputs (e.g. tokens and a mask).</summary>
        public abstract class Module<T1, T2, TResult> : Module
        {
            protected Module(string name)
                : base(name)
            {
            }

            public abstract TResult forward(T1 input1, T2 input2);

            public TResult call(T1 input1, T2 input2) => forward(input1, input2);
        }
    }
}

/// <summary>Device and dtype moves that return the module's own type, as TorchSharp's.</summary>
public static class ModuleExtensions
{
    public static T to<T>(this T module, torch.Device device)
        where T : torch.nn.Module
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(device);
        module.Apply(t => t.to(device));
        return module;
    }

    public static T to<T>(this T module, ScalarType type)
        where T : torch.nn.Module
    {
        ArgumentNullException.ThrowIfNull(module);
        module.Apply(t => IsFloating(t.dtype) ? t.to(type) : t.alias());
        return module;
    }

    public static T to<T>(this T module, DeviceType deviceType, int deviceIndex = -1)
        where T : torch.nn.Module => module.to(new torch.Device(deviceType, deviceIndex));

    public static T cuda<T>(this T module, int deviceIndex = -1)
        where T : torch.nn.Module => module.to(DeviceType.CUDA, deviceIndex);

    public static T cpu<T>(this T module)
        where T : torch.nn.Module => module.to(DeviceType.CPU);

    // Like PyTorch's module.to(dtype): integer buffers (counters, indices) keep their type.
    private static bool IsFloating(ScalarType t) => t is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;
}
