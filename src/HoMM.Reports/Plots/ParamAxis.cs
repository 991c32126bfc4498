using System.Globalization;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Reports.Plots;

/// <summary>How a parameter is laid out on an axis.</summary>
public enum ParamScale
{
    Linear,
    /// <summary>Sampled on a log scale (<c>log: true</c>): the axis is logarithmic.</summary>
    Log,
    /// <summary>Categorical: values are placed at the index of their category, labelled by <see cref="ParamAxis.Categories"/>.</summary>
    Categorical,
}

/// <summary>
/// A parameter as an axis: its scale and, for categorical parameters, the category labels in
/// order. Plot values of categorical parameters are category indices.
/// </summary>
public sealed record ParamAxis(string Name, ParamScale Scale, IReadOnlyList<string>? Categories = null)
{
    /// <summary>
    /// Describes <paramref name="name"/> from the distributions the trials recorded. When trials
    /// disagree (the search space changed during the study), a parameter that was ever
    /// categorical stays categorical with the union of its choices, and log is kept only when
    /// every numeric distribution was log.
    /// </summary>
    public static ParamAxis Describe(string name, IEnumerable<FrozenTrial> trials)
    {
        var categories = new List<string>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        var anyCategorical = false;
        var anyNumeric = false;
        var allLog = true;
        var seen = new HashSet<Distribution>(ReferenceEqualityComparer.Instance);
        foreach (var trial in trials)
        {
            if (!trial.Distributions.TryGetValue(name, out var d) || !seen.Add(d))
                continue;
            switch (d)
            {
                case CategoricalDistribution c:
                    anyCategorical = true;
                    foreach (var choice in c.Choices)
                    {
                        var label = Label(choice);
                        if (known.Add(label))
                            categories.Add(label);
                    }
                    break;
                case FloatDistribution f:
                    anyNumeric = true;
                    allLog &= f.Log;
                    break;
                case IntDistribution i:
                    anyNumeric = true;
                    allLog &= i.Log;
                    break;
                default:
                    anyNumeric = true;
                    allLog = false;
                    break;
            }
        }
        if (anyCategorical)
        {
            if (anyNumeric)
            {
                // Numbers the parameter took while it was numeric become categories too.
                foreach (var trial in trials)
                {
                    if (trial.Params.TryGetValue(name, out var v) && known.Add(Label(v)))
                        categories.Add(Label(v));
                }
            }
            return new ParamAxis(name, ParamScale.Categorical, categories);
        }
        return new ParamAxis(name, anyNumeric && allLog ? ParamScale.Log : ParamScale.Linear);
    }

    /// <summary>
    /// The plot value of this parameter in <paramref name="trial"/>: the number itself, or the
    /// category index. False when the trial does not have the parameter (conditional parameters)
    /// or its value cannot be placed (a non-positive value on a log axis).
    /// </summary>
    public bool TryGetValue(FrozenTrial trial, out double value)
    {
        value = double.NaN;
        if (!trial.Params.TryGetValue(Name, out var raw))
            return false;
        if (Scale == ParamScale.Categorical)
        {
            var index = IndexOf(Label(raw));
            value = index;
            return index >= 0;
        }
        if (raw is string or bool)
            return false;
        value = Convert.ToDouble(raw, CultureInfo.InvariantCulture);
        return double.IsFinite(value) && (Scale != ParamScale.Log || value > 0);
    }

    /// <summary>How a value of a parameter is shown: invariant culture, booleans in lower case as in study files.</summary>
    public static string Label(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private int IndexOf(string label)
    {
        if (categoryIndex is null)
        {
            var map = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < Categories!.Count; i++)
                map.TryAdd(Categories[i], i);
            categoryIndex = map;
        }
        return categoryIndex.TryGetValue(label, out var index) ? index : -1;
    }

    // A cache, not part of the value: equality below ignores it.
    private Dictionary<string, int>? categoryIndex;

    public bool Equals(ParamAxis? other) =>
        other is not null && Name == other.Name && Scale == other.Scale
        && (Categories ?? []).SequenceEqual(other.Categories ?? [], StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Name, Scale);

    /// <summary>The names of all parameters the trials have, in order of first appearance.</summary>
    public static IReadOnlyList<string> ParamNames(IEnumerable<FrozenTrial> trials)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in trials.OrderBy(t => t.Number))
        {
            foreach (var name in t.Params.Keys)
            {
                if (seen.Add(name))
                    names.Add(name);
            }
        }
        return names;
    }
}
