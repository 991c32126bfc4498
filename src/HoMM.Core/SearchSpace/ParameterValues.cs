using System.Globalization;
using HoMM.Core.Trials;

namespace HoMM.Core.SearchSpace;

/// <summary>
/// Whether a value a person wrote (a study file's enqueue list, the dashboard's form, the CLI's
/// <c>--param</c>) is one a distribution can produce, and of the right kind: a number for a
/// float, a whole number for an int, one of the choices for a categorical. The one rule every
/// entry point uses, so a value accepted in one place is accepted in all.
/// </summary>
public static class ParameterValues
{
    /// <summary>
    /// Checks <paramref name="value"/> against <paramref name="distribution"/>. On success
    /// <paramref name="normalized"/> is the value as the distribution itself produces it (a
    /// <see cref="double"/> for a float, a <see cref="long"/> for an int, the choice itself for a
    /// categorical, so an enqueued 2 of a float parameter is 2.0 and a choice keeps its type).
    /// Why the value does not fit, when it does not, is in <paramref name="problem"/>.
    /// </summary>
    public static bool TryNormalize(Distribution distribution, object value, out object normalized, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        ArgumentNullException.ThrowIfNull(value);
        normalized = value;
        problem = null;
        switch (distribution)
        {
            case FloatDistribution f:
                if (AsNumber(value) is not { } d)
                    return Fail($"expected a number in {f}, found {Show(value)}", out problem);
                if (!f.Contains(d))
                    return Fail($"{Show(d)} is not in {f}", out problem);
                normalized = d;
                return true;
            case IntDistribution i:
                if (AsNumber(value) is not { } x)
                    return Fail($"expected a whole number in {i}, found {Show(value)}", out problem);
                if (x != Math.Round(x) || Math.Abs(x) > 9e15)
                    return Fail($"expected a whole number in {i}, found {Show(value)}", out problem);
                if (!i.Contains(x))
                    return Fail($"{Show((long)x)} is not in {i}{(i.Step != 1 ? string.Create(CultureInfo.InvariantCulture, $" (steps of {i.Step} from {i.Low})") : "")}", out problem);
                normalized = (long)x;
                return true;
            case CategoricalDistribution c:
                if (value is not (string or bool) && AsNumber(value) is null)
                    return Fail($"{Show(value)} is not one of {c}", out problem);
                for (var k = 0; k < c.Choices.Count; k++)
                {
                    if (Condition.ValuesEqual(c.Choices[k], value))
                    {
                        normalized = c.Choices[k];
                        return true;
                    }
                }
                return Fail($"{Show(value)} is not one of {c}", out problem);
            default:
                return Fail($"unsupported distribution {distribution}", out problem);
        }
    }

    /// <summary>
    /// Reads the text form of a value (<c>1e-3</c>, <c>4</c>, <c>adamw</c>, <c>true</c>) as
    /// <paramref name="distribution"/> would take it; a categorical choice matches by its text
    /// (<see cref="ParamFormatter"/>). The result still goes through <see cref="TryNormalize"/>.
    /// </summary>
    public static object Parse(Distribution distribution, string text)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (distribution is CategoricalDistribution c)
        {
            // A choice written as the trainer receives it ("2", "adamw", "true"), else the number it
            // reads as ("2.0" for the choice 2).
            foreach (var choice in c.Choices)
            {
                if (ParamFormatter.Format(choice) == trimmed)
                    return choice;
            }
        }
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return number;
        return trimmed switch
        {
            "true" => true,
            "false" => false,
            _ => trimmed,
        };
    }

    private static double? AsNumber(object value) => value switch
    {
        double d => double.IsFinite(d) ? d : null,
        float f => float.IsFinite(f) ? f : null,
        long or int or short or sbyte or byte or ushort or uint => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        ulong u => u,
        decimal m => (double)m,
        _ => null,
    };

    private static bool Fail(string message, out string? problem)
    {
        problem = message;
        return false;
    }

    /// <summary>A value as a message shows it: strings quoted, numbers culture-invariant.</summary>
    public static string Show(object? value) => value switch
    {
        null => "nothing",
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        double d => ParamFormatter.FormatDouble(d),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
