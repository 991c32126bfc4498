using HoMM.Core.Numerics;
using HoMM.Core.SearchSpace;

namespace HoMM.Core.Importance;

/// <summary>
/// One parameter as a feature of the forest, with the measure its values are averaged over in
/// the variance decomposition: numbers as unit-cube coordinates (uniform on [0, 1], log scales
/// in log space), categories uniform over the choices. A conditional parameter that is absent
/// from a trial takes a "missing" value (coordinate −0.5, or an extra category) whose share of
/// the measure is the fraction of trials that lack it.
/// </summary>
internal sealed class ImportanceFeature
{
    public const double MissingCoordinate = -0.5;

    public const int MaxCategories = 64;

    private readonly UnitDimension? _unit;
    private readonly int _ordinalCount;

    public ImportanceFeature(ParameterSpec parameter, double missingShare)
    {
        Parameter = parameter;
        MissingShare = missingShare;
        if (parameter.Distribution is CategoricalDistribution c)
        {
            var count = c.Choices.Count + (missingShare > 0 ? 1 : 0);
            // Category subsets are 64-bit masks; more choices than that are treated as ordered.
            if (count <= MaxCategories)
                Categories = count;
            else
                _ordinalCount = count;
        }
        else
        {
            _unit = new UnitDimension(parameter.Name, parameter.Distribution);
        }
    }

    public ParameterSpec Parameter { get; }

    public string Name => Parameter.Name;

    /// <summary>0 for numeric features; else the number of categories, the missing one included.</summary>
    public int Categories { get; }

    public bool IsCategorical => Categories > 0;

    public double MissingShare { get; }

    public double Encode(double? internalValue) => internalValue switch
    {
        null when IsCategorical => Categories - 1,
        null when _ordinalCount > 0 => (_ordinalCount - 0.5) / _ordinalCount,
        null => MissingCoordinate,
        { } v when IsCategorical => v,
        { } v when _ordinalCount > 0 => (v + 0.5) / _ordinalCount,
        { } v => _unit!.Encode(v),
    };

    /// <summary>Measure of the numeric interval [a, b) (a, b may be infinite).</summary>
    public double IntervalMeasure(double a, double b)
    {
        if (_ordinalCount > 0)
            return Math.Max(0, Math.Min(b, 1) - Math.Max(a, 0));
        var m = (1 - MissingShare) * Math.Max(0, Math.Min(b, 1) - Math.Max(a, 0));
        if (MissingShare > 0 && a <= MissingCoordinate && MissingCoordinate < b)
            m += MissingShare;
        return m;
    }

    /// <summary>Measure of one category.</summary>
    public double CategoryMeasure(int category)
    {
        if (MissingShare > 0)
            return category == Categories - 1 ? MissingShare : (1 - MissingShare) / (Categories - 1);
        return 1.0 / Categories;
    }
}
