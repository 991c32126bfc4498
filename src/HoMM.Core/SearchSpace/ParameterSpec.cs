namespace HoMM.Core.SearchSpace;

/// <summary>
/// One parameter of a search space. A conditional parameter (<see cref="When"/> not null) is
/// sampled only when its parent parameter took one of the listed values in the same trial.
/// </summary>
public sealed record ParameterSpec(string Name, Distribution Distribution, Condition? When = null)
{
    public string Name { get; } = !string.IsNullOrWhiteSpace(Name)
        ? Name
        : throw new ArgumentException("a parameter needs a name", nameof(Name));
}

/// <summary>"Present when <see cref="Parent"/> is one of <see cref="Values"/>" (external values).</summary>
public sealed record Condition(string Parent, IReadOnlyList<object> Values)
{
    /// <summary>True when the parent is present in <paramref name="parameters"/> with one of the values.</summary>
    public bool IsSatisfiedBy(IReadOnlyDictionary<string, object> parameters) =>
        parameters.TryGetValue(Parent, out var v) && Values.Any(x => ValuesEqual(x, v));

    internal static bool ValuesEqual(object a, object b) => (a, b) switch
    {
        (string x, string y) => x == y,
        (bool x, bool y) => x == y,
        (string or bool, _) or (_, string or bool) => false,
        _ => Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture)
             == Convert.ToDouble(b, System.Globalization.CultureInfo.InvariantCulture),
    };

    public bool Equals(Condition? other) =>
        other is not null && Parent == other.Parent && Values.Count == other.Values.Count
        && Values.Zip(other.Values).All(p => ValuesEqual(p.First, p.Second));

    public override int GetHashCode() => Parent.GetHashCode(StringComparison.Ordinal);
}

/// <summary>
/// An ordered search space. Parents come before their conditional children, so sampling in
/// order always knows whether a child is active.
/// </summary>
public sealed class SearchSpaceDefinition
{
    public SearchSpaceDefinition(IEnumerable<ParameterSpec> parameters)
    {
        var list = parameters.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in list)
        {
            if (p.When is { } c && !seen.Contains(c.Parent))
                throw new ArgumentException($"parameter '{p.Name}' depends on '{c.Parent}', which must be declared before it");
            if (!seen.Add(p.Name))
                throw new ArgumentException($"parameter '{p.Name}' is declared twice");
        }
        Parameters = list;
    }

    public IReadOnlyList<ParameterSpec> Parameters { get; }

    public ParameterSpec? Find(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>The parameters active for the values chosen so far (conditions evaluated in order).</summary>
    public bool IsActive(ParameterSpec parameter, IReadOnlyDictionary<string, object> chosen) =>
        parameter.When is null || parameter.When.IsSatisfiedBy(chosen);
}
