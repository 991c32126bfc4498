using System.Collections;
using System.Globalization;
using static HoMM.Torch.torch;

namespace HoMM.Torch.Modules;

/// <summary>Applies its modules in order. Intermediate results belong to the current dispose scope.</summary>
public sealed class Sequential : nn.Module<Tensor, Tensor>
{
    private readonly List<nn.Module<Tensor, Tensor>> _layers = [];

    public Sequential(IEnumerable<(string name, nn.Module<Tensor, Tensor> module)> modules)
        : base(nameof(Sequential))
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var (name, module) in modules)
        {
            append(name, module);
        }
    }

    public int Count => _layers.Count;

    public nn.Module<Tensor, Tensor> this[int index] => _layers[index];

    public void append(nn.Module<Tensor, Tensor> module) => append(_layers.Count.ToString(CultureInfo.InvariantCulture), module);

    public void append(string name, nn.Module<Tensor, Tensor> module)
    {
        register_module(name, module);
        _layers.Add(module);
    }

    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_layers.Count == 0)
        {
            return input.alias();
        }

        var x = _layers[0].call(input);
        for (var i = 1; i < _layers.Count; i++)
        {
            var next = _layers[i].call(x);
            // Outside a dispose scope nothing else would free the intermediate.
            if (x.OwningDisposeScope is null && !ReferenceEquals(x, next) && !ReferenceEquals(x, input))
            {
                x.Dispose();
            }

            x = next;
        }

        return x;
    }
}

/// <summary>A list of submodules registered as "0", "1", ... (state_dict keys "layers.0.weight").</summary>
public sealed class ModuleList<T> : nn.Module, IReadOnlyList<T>
    where T : nn.Module
{
    private readonly List<T> _items = [];

    public ModuleList(IEnumerable<T> modules)
        : base(nameof(ModuleList<T>))
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules)
        {
            append(m);
        }
    }

    public int Count => _items.Count;

    public T this[int index] => _items[index];

    public void append(T module)
    {
        register_module(_items.Count.ToString(CultureInfo.InvariantCulture), module);
        _items.Add(module);
    }

    public void Add(T module) => append(module);

    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
