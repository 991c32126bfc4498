using System.Globalization;
using System.Text.Json;
using HoMM.Core.Constraints;
using HoMM.Core.SearchSpace;

namespace HoMM.Dashboard.Api;

/// <summary>The parameters of a trial to enqueue, checked against the study's stored search space.</summary>
public sealed record ValidatedParameters(
    IReadOnlyDictionary<string, object> Values,
    IReadOnlyDictionary<string, Distribution> Distributions);

/// <summary>
/// Checks parameters given as JSON (from the study page's form or an API call) against a study's
/// search space: every active parameter present, no unknown or inactive one, each value of its
/// distribution's type and inside it. All problems are reported at once, keyed by parameter.
/// </summary>
public static class EnqueueValidator
{
    public static ValidatedParameters Validate(SearchSpaceDefinition space, JsonElement parameters, out Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(space);
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        var distributions = new Dictionary<string, Distribution>(StringComparer.Ordinal);
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            errors["params"] = [$"expected an object of parameter name → value, found {parameters.ValueKind}"];
            return new(values, distributions);
        }
        var given = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in parameters.EnumerateObject())
            given[p.Name] = p.Value;

        foreach (var spec in space.Parameters)
        {
            var active = space.IsActive(spec, values);
            var present = given.TryGetValue(spec.Name, out var json) && json.ValueKind != JsonValueKind.Null;
            if (!active)
            {
                if (present)
                    errors[spec.Name] = [$"not used in this trial: it applies only when {spec.When!.Parent} is {string.Join(" or ", spec.When.Values.Select(Text))}; leave it out"];
                continue;
            }
            if (!present)
            {
                errors[spec.Name] = [$"missing: give a value in {spec.Distribution}"];
                continue;
            }
            if (Convert(spec.Distribution, json, out var error) is { } value)
            {
                values[spec.Name] = value;
                distributions[spec.Name] = spec.Distribution;
            }
            else
            {
                errors[spec.Name] = [error!];
            }
        }
        foreach (var name in given.Keys.Where(n => space.Find(n) is null))
        {
            var suggestion = NameSuggestion.Closest(name, space.Parameters.Select(p => p.Name));
            errors[name] = [$"not a parameter of this study's search space{(suggestion is null ? "" : $" (did you mean '{suggestion}'?)")}; " +
                            $"its parameters are {string.Join(", ", space.Parameters.Select(p => p.Name))}"];
        }
        return new(values, distributions);
    }

    private static object? Convert(Distribution distribution, JsonElement json, out string? error)
    {
        error = null;
        switch (distribution)
        {
            case FloatDistribution f:
                if (json.ValueKind != JsonValueKind.Number || !json.TryGetDouble(out var d))
                    return Fail($"expected a number in {f}, found {json.GetRawText()}", out error);
                return f.Contains(d) ? d : Fail($"{Text(d)} is not in {f}", out error);
            case IntDistribution i:
                if (json.ValueKind != JsonValueKind.Number || !json.TryGetDouble(out var x) || x != Math.Round(x) || Math.Abs(x) > 1e15)
                    return Fail($"expected a whole number in {i}, found {json.GetRawText()}", out error);
                return i.Contains(x) ? (long)x : Fail($"{Text((long)x)} is not in {i}{(i.Step != 1 ? $" (steps of {i.Step} from {i.Low})" : "")}", out error);
            case CategoricalDistribution c:
                object? candidate = json.ValueKind switch
                {
                    JsonValueKind.String => json.GetString(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number => json.GetDouble(),
                    _ => null,
                };
                if (candidate is not null)
                {
                    try
                    {
                        // The stored choice itself, so the trainer gets the choice's own type (2, not 2.0).
                        return c.Choices[(int)c.ToInternal(candidate)];
                    }
                    catch (ArgumentException)
                    {
                        // Not one of the choices: reported below.
                    }
                }
                return Fail($"{json.GetRawText()} is not one of {c}", out error);
            default:
                return Fail($"unsupported distribution {distribution}", out error);
        }
    }

    private static object? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }

    private static string Text(object value) => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
