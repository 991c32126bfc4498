using System.Globalization;
using HoMM.Core.Constraints;
using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;

namespace HoMM.Core.Studies;

/// <summary>
/// A check of a complete set of parameters that Core cannot make itself, such as the model-size
/// limits <c>max_params</c>/<c>max_flops</c> (counted from the trainer's model settings): null
/// when the trial may run, else why not. Injected, so Core stays free of I/O and native code.
/// </summary>
public delegate string? FeasibilityCheck(IReadOnlyDictionary<string, object> parameters);

/// <summary>One thing wrong with a trial's parameters.</summary>
/// <param name="Parameter">The parameter it is about; null for a constraint or a limit over several.</param>
/// <param name="Message">What is wrong, with the values and the rule.</param>
public sealed record TrialProblem(string? Parameter, string Message)
{
    public override string ToString() => Parameter is null ? Message : $"{Parameter}: {Message}";
}

/// <summary>Fixed parameter values as <see cref="TrialRules.Check"/> found them.</summary>
/// <param name="Values">The valid values given, as their distributions produce them.</param>
/// <param name="Distributions">The distribution of each value.</param>
/// <param name="IsComplete">Every parameter active for these values is fixed (nothing is left to sample).</param>
/// <param name="Problems">Everything wrong, all at once; empty when the values may be enqueued.</param>
public sealed record CheckedParameters(
    IReadOnlyDictionary<string, object> Values,
    IReadOnlyDictionary<string, Distribution> Distributions,
    bool IsComplete,
    IReadOnlyList<TrialProblem> Problems)
{
    public bool IsValid => Problems.Count == 0;

    /// <summary>The problems in one sentence.</summary>
    public string Describe() => string.Join("; ", Problems);
}

/// <summary>The parameters of a trial break the study's rules (<see cref="TrialRules"/>).</summary>
public sealed class TrialRejectedException : ArgumentException
{
    public TrialRejectedException(IReadOnlyList<TrialProblem> problems)
        : base(string.Join("; ", problems ?? throw new ArgumentNullException(nameof(problems))))
    {
        Problems = problems;
    }

    public TrialRejectedException()
        : this([])
    {
    }

    public TrialRejectedException(string message)
        : this([new TrialProblem(null, message)])
    {
    }

    public TrialRejectedException(string message, Exception innerException)
        : base(message, innerException) => Problems = [new TrialProblem(null, message)];

    public IReadOnlyList<TrialProblem> Problems { get; }
}

/// <summary>
/// What a trial of a study may be — the one rulebook every entry point calls (a study file's
/// <c>enqueue</c>, the dashboard's and the CLI's enqueue, the driver before it starts a trial and
/// while it samples): each parameter a name of the search space, of the right kind and inside its
/// distribution; a conditional parameter only together with its parent and only when the parent's
/// value activates it; the constraints that the given values decide; and, once every active
/// parameter is known, the injected <see cref="FeasibilityCheck"/> (model-size limits).
/// <para>
/// A partial set is fine: the parameters left out are sampled when the trial starts, and the rules
/// hold for the sampled ones too (see <see cref="TrialProposer"/>). Immutable and thread-safe.
/// </para>
/// </summary>
public sealed class TrialRules
{
    private readonly FeasibilityCheck? _limits;

    /// <param name="searchSpace">The parameters.</param>
    /// <param name="constraints">Expressions every trial must satisfy.</param>
    /// <param name="limits">Checks of a complete set that need more than the parameters (model size).</param>
    public TrialRules(SearchSpaceDefinition searchSpace, IEnumerable<ConstraintExpression>? constraints = null, FeasibilityCheck? limits = null)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        SearchSpace = searchSpace;
        Constraints = constraints?.ToArray() ?? [];
        _limits = limits;
    }

    public SearchSpaceDefinition SearchSpace { get; }

    public IReadOnlyList<ConstraintExpression> Constraints { get; }

    /// <summary>
    /// Per objective of the study (its order), the exact value the parameters determine, or null
    /// where only training tells; empty when none is known. Not a rule: it rides with the rules
    /// because the same model counter yields both, and <see cref="TrialProposer"/> hands it to the
    /// sampler (<see cref="Samplers.IStudyView.KnownObjectives"/>).
    /// </summary>
    public IReadOnlyList<KnownObjective?> KnownObjectives { get; init; } = [];

    /// <summary>
    /// Checks fixed values — all of a trial's parameters or some of them — and reports every problem
    /// at once. A null value counts as not given. Constraints are checked when the values decide
    /// them (every parameter they read is given or single-valued); the injected limits when the set
    /// is complete.
    /// </summary>
    public CheckedParameters Check(IReadOnlyDictionary<string, object?> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var problems = new List<TrialProblem>();
        foreach (var name in parameters.Keys.Where(n => SearchSpace.Find(n) is null))
        {
            var names = SearchSpace.Parameters.Select(p => p.Name).ToList();
            var hint = NameSuggestion.Closest(name, names) is { } s ? $" (did you mean '{s}'?)" : "";
            problems.Add(new TrialProblem(name, $"not a parameter of the search space{hint}; its parameters are {string.Join(", ", names)}"));
        }

        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        var distributions = new Dictionary<string, Distribution>(StringComparer.Ordinal);
        // What is known of the trial: the given values and the parameters that have one value only.
        var known = new Dictionary<string, object>(StringComparer.Ordinal);
        var complete = true;
        foreach (var p in SearchSpace.Parameters)
        {
            var active = SearchSpace.IsActive(p, known);
            var given = parameters.TryGetValue(p.Name, out var raw) && raw is not null;
            if (!given)
            {
                if (!active)
                    continue;
                if (p.When is { } w && !known.ContainsKey(w.Parent))
                    continue; // its parent is sampled: whether it is active is not known yet
                if (p.Distribution.IsSingle)
                    known[p.Name] = p.Distribution.ToExternal(UnitMapping.FromUnit(p.Distribution, 0));
                else
                    complete = false;
                continue;
            }
            if (p.When is { } when && !known.ContainsKey(when.Parent))
            {
                problems.Add(new TrialProblem(p.Name, $"depends on '{when.Parent}' (it applies only when {when.Parent} is {Alternatives(when)}): fix '{when.Parent}' too"));
                continue;
            }
            if (!active)
            {
                problems.Add(new TrialProblem(p.Name,
                    $"is not used when {p.When!.Parent} is {ParameterValues.Show(known[p.When.Parent])}: it applies only when {p.When.Parent} is {Alternatives(p.When)}; leave it out"));
                continue;
            }
            if (!ParameterValues.TryNormalize(p.Distribution, raw!, out var value, out var problem))
            {
                problems.Add(new TrialProblem(p.Name, problem!));
                continue;
            }
            values[p.Name] = value;
            distributions[p.Name] = p.Distribution;
            known[p.Name] = value;
        }

        if (problems.Count == 0)
        {
            // An expression that reads a parameter not known yet is decided when the trial is sampled.
            foreach (var c in Constraints)
            {
                if (Violation(c, known) is { } why)
                    problems.Add(new TrialProblem(null, why));
            }
            if (problems.Count == 0 && complete && _limits?.Invoke(known) is { } limit)
                problems.Add(new TrialProblem(null, limit));
        }
        return new CheckedParameters(values, distributions, complete && problems.Count == 0, problems);
    }

    /// <summary>As <see cref="Check"/>, throwing when anything is wrong.</summary>
    /// <exception cref="TrialRejectedException">The values break a rule; its message names each problem.</exception>
    public CheckedParameters Validate(IReadOnlyDictionary<string, object?> parameters)
    {
        var result = Check(parameters);
        return result.IsValid ? result : throw new TrialRejectedException(result.Problems);
    }

    /// <summary>
    /// Why a complete set of parameters (every active one, as a sampler proposes it) may not run:
    /// the first constraint it breaks, or the injected limits' reason; null when it may.
    /// </summary>
    public string? WhyInfeasible(IReadOnlyDictionary<string, object> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var c in Constraints)
        {
            if (Violation(c, parameters) is { } why)
                return why;
        }
        return _limits?.Invoke(parameters);
    }

    /// <summary>Null when <paramref name="constraint"/> holds or does not apply (reads a parameter not in <paramref name="parameters"/>).</summary>
    private static string? Violation(ConstraintExpression constraint, IReadOnlyDictionary<string, object> parameters)
    {
        try
        {
            return constraint.IsSatisfiedBy(parameters) ? null : $"breaks the constraint '{constraint.Text}' ({Values(constraint, parameters)})";
        }
        catch (ConstraintEvaluationException e)
        {
            // A division by zero or log of a non-positive number: the configuration is infeasible.
            return $"the constraint '{constraint.Text}' cannot be computed for {Values(constraint, parameters)}: {e.Message}";
        }
    }

    private static string Values(ConstraintExpression constraint, IReadOnlyDictionary<string, object> parameters) =>
        string.Join(", ", constraint.ParameterNames.Select(n => string.Create(CultureInfo.InvariantCulture, $"{n} = {ParameterValues.Show(parameters[n])}")));

    private static string Alternatives(Condition when) => string.Join(" or ", when.Values.Select(ParameterValues.Show));
}
