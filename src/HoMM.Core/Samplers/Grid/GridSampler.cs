using System.Globalization;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Samplers.Grid;

/// <summary>
/// Tries every point of a grid once, in random order, then reports the study complete by
/// throwing <see cref="SearchSpaceExhaustedException"/>. Conditional parameters make a tree, not a
/// product: a point sets only the parameters active for its values, so points never differ in an
/// inactive parameter. Points of waiting, running and finished trials are all visited, so parallel
/// asks never repeat one.
/// </summary>
public sealed class GridSampler : ISampler
{
    private readonly GridSamplerOptions _options;
    private readonly TrialRandom _random;
    private SearchSpaceDefinition? _space;
    private double[][] _points = [];
    private Dictionary<PointKey, int> _indexOf = [];

    public GridSampler(GridSamplerOptions? options = null)
    {
        _options = options ?? new GridSamplerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxGridPoints, 1L, nameof(options));
        _random = new TrialRandom(_options.Seed);
    }

    /// <summary>Number of grid points for <paramref name="space"/>.</summary>
    /// <exception cref="ArgumentException">A parameter has no finite set of values, or a listed value is invalid.</exception>
    public int GridSize(SearchSpaceDefinition space)
    {
        ArgumentNullException.ThrowIfNull(space);
        Build(space);
        return _points.Length;
    }

    /// <summary>True when every grid point belongs to a trial of the study.</summary>
    public bool IsExhausted(IStudyView study)
    {
        ArgumentNullException.ThrowIfNull(study);
        Build(study.SearchSpace);
        return Unvisited(study, exclude: -1).Count == 0;
    }

    public IReadOnlyDictionary<string, double> SampleRelative(IStudyView study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        Build(study.SearchSpace);
        var rng = _random.BeginProposal(trial.Number);
        var unvisited = Unvisited(study, trial.Number);
        if (unvisited.Count == 0)
        {
            throw new SearchSpaceExhaustedException(string.Create(CultureInfo.InvariantCulture,
                $"grid sampler: all {_points.Length} grid points have been tried or are running; the study is complete"));
        }
        var point = _points[unvisited[rng.NextInt(unvisited.Count)]];
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        var parameters = study.SearchSpace.Parameters;
        for (var i = 0; i < parameters.Count; i++)
        {
            if (!double.IsNaN(point[i]))
                result[parameters[i].Name] = point[i];
        }
        return result;
    }

    /// <summary>
    /// Only reached for a parameter the grid point leaves out (an enqueued trial that activated a
    /// branch the point did not); any grid value of that parameter keeps the trial on the grid.
    /// </summary>
    public double SampleIndependent(IStudyView study, FrozenTrial trial, ParameterSpec parameter)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(parameter);
        var values = ValuesOf(parameter);
        return values[_random.Current(trial.Number).NextInt(values.Count)];
    }

    private List<int> Unvisited(IStudyView study, int exclude)
    {
        var visited = new bool[_points.Length];
        var parameters = study.SearchSpace.Parameters;
        var key = new double[parameters.Count];
        foreach (var t in study.Trials)
        {
            if (t.Number == exclude)
                continue;
            if (KeyOf(t, parameters, key) && _indexOf.TryGetValue(new PointKey(key), out var index))
                visited[index] = true;
        }
        var result = new List<int>();
        for (var i = 0; i < visited.Length; i++)
        {
            if (!visited[i])
                result.Add(i);
        }
        return result;
    }

    /// <summary>The trial's point in internal values (NaN where absent); false when a value is off the space.</summary>
    private static bool KeyOf(FrozenTrial trial, IReadOnlyList<ParameterSpec> parameters, double[] key)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            if (!trial.Params.TryGetValue(parameters[i].Name, out var value))
            {
                key[i] = double.NaN;
                continue;
            }
            try
            {
                key[i] = parameters[i].Distribution.ToInternal(value);
            }
            catch (ArgumentException)
            {
                // The search space changed since this trial ran; it is on no grid point.
                return false;
            }
        }
        return true;
    }

    private void Build(SearchSpaceDefinition space)
    {
        if (ReferenceEquals(space, _space))
            return;
        var parameters = space.Parameters;
        if (_options.SearchSpace is { } given)
        {
            foreach (var name in given.Keys)
            {
                if (space.Find(name) is null)
                {
                    var hint = Constraints.NameSuggestion.Closest(name, parameters.Select(p => p.Name)) is { } s ? $"; did you mean '{s}'?" : "";
                    throw new ArgumentException($"grid sampler: search_space lists '{name}', which is not a parameter of the study{hint}");
                }
            }
        }
        var values = parameters.Select(ValuesOf).ToArray();
        var points = new List<double[]>();
        var current = new double[parameters.Count];
        var chosen = new Dictionary<string, object>(StringComparer.Ordinal);
        Enumerate(0);
        _points = points.ToArray();
        _indexOf = new Dictionary<PointKey, int>(_points.Length);
        for (var i = 0; i < _points.Length; i++)
            _indexOf[new PointKey(_points[i])] = i;
        _space = space;

        void Enumerate(int i)
        {
            if (i == parameters.Count)
            {
                if (points.Count >= _options.MaxGridPoints)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"grid sampler: the grid has more than {_options.MaxGridPoints} points; list fewer values per parameter or use another sampler"));
                }
                points.Add((double[])current.Clone());
                return;
            }
            var p = parameters[i];
            if (!space.IsActive(p, chosen))
            {
                current[i] = double.NaN;
                Enumerate(i + 1);
                return;
            }
            foreach (var v in values[i])
            {
                current[i] = v;
                chosen[p.Name] = p.Distribution.ToExternal(v);
                Enumerate(i + 1);
            }
            chosen.Remove(p.Name);
        }
    }

    /// <summary>The grid values of one parameter, in internal representation.</summary>
    private IReadOnlyList<double> ValuesOf(ParameterSpec p)
    {
        const long MaxValuesPerParameter = 100_000;
        if (_options.SearchSpace is { } given && given.TryGetValue(p.Name, out var listed))
        {
            if (listed.Count == 0)
                throw new ArgumentException($"grid sampler: search_space lists no values for '{p.Name}'");
            var result = new List<double>(listed.Count);
            foreach (var raw in listed)
            {
                double v;
                try
                {
                    v = p.Distribution.ToInternal(raw);
                }
                catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"grid sampler: value {raw} listed for '{p.Name}' is not in {p.Distribution}"), e);
                }
                if (!result.Contains(v))
                    result.Add(v);
            }
            return result;
        }
        switch (p.Distribution)
        {
            case { IsSingle: true } d:
                return [UnitMapping.FromUnit(d, 0)];
            case CategoricalDistribution c:
                return Enumerable.Range(0, c.Choices.Count).Select(i => (double)i).ToArray();
            case IntDistribution i when (i.High - i.Low) / i.Step < MaxValuesPerParameter:
                {
                    var count = (i.High - i.Low) / i.Step + 1;
                    var result = new double[count];
                    for (var k = 0L; k < count; k++)
                        result[k] = i.Low + k * i.Step;
                    return result;
                }
            case FloatDistribution { Step: { } step } f when (f.High - f.Low) / step < MaxValuesPerParameter:
                {
                    var count = (long)Math.Round((f.High - f.Low) / step) + 1;
                    var result = new double[count];
                    for (var k = 0L; k < count; k++)
                        result[k] = UnitMapping.StepValue(f, k);
                    return result;
                }
            default:
                throw new ArgumentException(
                    $"grid sampler: '{p.Name}' ({p.Distribution}) has no small finite set of values; give it a step, or list its values in the sampler's search_space option");
        }
    }

    /// <summary>Structural equality over a point's internal values (NaN = inactive equals NaN).</summary>
    private readonly struct PointKey(double[] values) : IEquatable<PointKey>
    {
        private readonly double[] _values = (double[])values.Clone();

        public bool Equals(PointKey other)
        {
            for (var i = 0; i < _values.Length; i++)
            {
                if (!_values[i].Equals(other._values[i]))
                    return false;
            }
            return true;
        }

        public override bool Equals(object? obj) => obj is PointKey k && Equals(k);

        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (var v in _values)
                h.Add(v);
            return h.ToHashCode();
        }
    }
}
