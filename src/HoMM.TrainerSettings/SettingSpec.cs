using System.Globalization;

namespace HoMM.TrainerSettings;

/// <summary>The kind of value a setting holds.</summary>
public enum SettingType
{
    /// <summary>A whole number (held as <see cref="long"/>).</summary>
    Int,

    /// <summary>A real number (held as <see cref="double"/>).</summary>
    Float,

    /// <summary>One of a fixed set of words (<see cref="SettingSpec.Choices"/>).</summary>
    Choice,

    /// <summary>Free text (a path).</summary>
    Text,

    /// <summary>true or false (held as <see cref="bool"/>).</summary>
    Bool,
}

/// <summary>
/// One setting of the built-in trainer, as the study file, homm-train's flags, trial.json and the
/// docs know it. Values are held as <see cref="long"/> (Int), <see cref="double"/> (Float),
/// <see cref="string"/> (Choice, Text) or <see cref="bool"/> (Bool).
/// </summary>
/// <param name="Name">The setting's name, unique across sections: a search-space parameter and a flag (<c>--order-expand</c> or <c>--order_expand</c>) name it.</param>
/// <param name="Section"><c>model</c>, <c>optim</c>, <c>data</c>, or empty for the top of <c>trainer</c>.</param>
/// <param name="Type">Its kind of value.</param>
/// <param name="Meaning">What it does, in a few words (shown in errors, usage text and docs).</param>
/// <param name="Default">The value when the study file leaves it out; null: required (unless <paramref name="Optional"/> or <paramref name="FromDataset"/>).</param>
/// <param name="Min">Lowest valid value (Int, Float).</param>
/// <param name="Max">Highest valid value (Int, Float).</param>
/// <param name="MinExclusive">The value must be above <paramref name="Min"/>.</param>
/// <param name="MaxExclusive">The value must be below <paramref name="Max"/>.</param>
/// <param name="Choices">The valid words (Choice).</param>
/// <param name="Searchable">Whether a search-space parameter of the same name may override it.</param>
/// <param name="Identity">Whether a study's identity includes it: changing it changes what a trial learns, so an
/// existing study refuses it (<c>--fork</c>). False for how and where a trial runs (threads, device, data path…).</param>
/// <param name="Honoured">False while homm-train does not act on the setting yet: <c>validate</c> and homm-train refuse it.</param>
/// <param name="HandDefault">homm-train's value when run by hand without a config and the study file has no default
/// (a small model that trains in seconds); null: <paramref name="Default"/>.</param>
/// <param name="Optional">null is a valid value (threads: the slot's share of the cores).</param>
/// <param name="FromDataset">The default comes from the data set (<see cref="HommDataset"/>): path, image_size.</param>
/// <param name="Datasets">The data sets it applies to (by <see cref="HommDataset.Name"/>); null: every one. With another
/// data set a value other than the default is refused (augmentations of image folders mean nothing for the IDX files).</param>
public sealed record SettingSpec(
    string Name,
    string Section,
    SettingType Type,
    string Meaning,
    object? Default = null,
    double Min = double.NegativeInfinity,
    double Max = double.PositiveInfinity,
    bool MinExclusive = false,
    bool MaxExclusive = false,
    IReadOnlyList<string>? Choices = null,
    bool Searchable = true,
    bool Identity = true,
    bool Honoured = true,
    object? HandDefault = null,
    bool Optional = false,
    bool FromDataset = false,
    IReadOnlyList<string>? Datasets = null)
{
    /// <summary>Whether it means something for the data set <paramref name="dataset"/> (see <see cref="Datasets"/>).</summary>
    public bool AppliesTo(string dataset) => Datasets is null || Datasets.Contains(dataset);

    /// <summary>Where it lives in a study file: <c>trainer.model.dim</c>, <c>trainer.seed</c>.</summary>
    public string Path => Section.Length == 0 ? $"trainer.{Name}" : $"trainer.{Section}.{Name}";

    /// <summary>Where it lives in trial.json's settings object and in messages: <c>model.dim</c>, <c>seed</c>.</summary>
    public string Key => Section.Length == 0 ? Name : $"{Section}.{Name}";

    /// <summary>homm-train's flag: <c>--order-expand</c> (<c>--order_expand</c> is accepted too).</summary>
    public string Flag => "--" + Name.Replace('_', '-');

    /// <summary>A study file must give it (or search it).</summary>
    public bool IsRequired => Default is null && !Optional && !FromDataset;

    public bool InRange(double x) =>
        (MinExclusive ? x > Min : x >= Min) && (MaxExclusive ? x < Max : x <= Max);

    /// <summary>The valid values in words: "an integer ≥ 1 and ≤ 64", "one of cls, mean".</summary>
    public string Describe() => Type switch
    {
        SettingType.Int => $"an integer {Bounds()}".TrimEnd(),
        SettingType.Float => $"a number {Bounds()}".TrimEnd(),
        SettingType.Choice => $"one of {string.Join(", ", Choices!)}",
        SettingType.Bool => "true or false",
        _ => "text",
    };

    /// <summary>The range in symbols: "≥ 1 and ≤ 64", "&gt; 0 and ≤ 10", "" when unbounded.</summary>
    public string Bounds() => FormatBounds(Min, MinExclusive, Max, MaxExclusive);

    /// <summary>A range in symbols: "≥ 1 and ≤ 64", "&gt; 0", "" when unbounded (infinite ends are left out).</summary>
    public static string FormatBounds(double min, bool minExclusive, double max, bool maxExclusive)
    {
        var low = double.IsNegativeInfinity(min) ? null : string.Create(CultureInfo.InvariantCulture, $"{(minExclusive ? ">" : "≥")} {min}");
        var high = double.IsPositiveInfinity(max) ? null : string.Create(CultureInfo.InvariantCulture, $"{(maxExclusive ? "<" : "≤")} {max}");
        return (low, high) switch
        {
            (null, null) => "",
            (null, _) => high!,
            (_, null) => low,
            _ => $"{low} and {high}",
        };
    }

    /// <summary>What is wrong with a value of this setting (type, range, choice), or null when it is valid; the message follows the setting's key ("must be …").</summary>
    public string? Problem(object? value)
    {
        if (value is null)
            return Optional ? null : $"has no value; give {Meaning}";
        switch (Type)
        {
            case SettingType.Int when value is long or int:
                var l = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                return InRange(l) ? null : string.Create(CultureInfo.InvariantCulture, $"must be {Describe()} (got {l})");
            case SettingType.Float when value is double or float or long or int:
                var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return double.IsFinite(d) && InRange(d) ? null : string.Create(CultureInfo.InvariantCulture, $"must be {Describe()} (got {d})");
            case SettingType.Choice when value is string s:
                if (Choices!.Contains(s))
                    return null;
                var suggestion = HoMM.Core.Constraints.NameSuggestion.Closest(s, Choices!);
                return $"must be {Describe()} (got '{s}'{(suggestion is null ? "" : $"; did you mean '{suggestion}'?")})";
            case SettingType.Text when value is string t:
                return t.Length == 0 ? $"is empty; give {Meaning}" : null;
            case SettingType.Bool when value is bool:
                return null;
            default:
                return $"must be {Describe()} (got {value})";
        }
    }

    /// <summary>A flag's text as a value of this setting; null for an optional setting given <c>auto</c> or nothing.</summary>
    /// <exception cref="FormatException">The text is not a value of this type (the message names the flag).</exception>
    public object? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Optional && text is "" or "auto")
            return null;
        return Type switch
        {
            SettingType.Int => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)
                ? l
                : throw new FormatException($"{Flag} takes a whole number, not '{text}'"),
            SettingType.Float => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d
                : throw new FormatException($"{Flag} takes a number, not '{text}'"),
            SettingType.Bool => bool.TryParse(text, out var b)
                ? b
                : throw new FormatException($"{Flag} takes true or false, not '{text}'"),
            _ => text,
        };
    }

    /// <summary>A value of any numeric CLR type (a trial's parameter, a YAML number) as this setting holds it.</summary>
    public object? Normalize(object? value) => value is null
        ? null
        : Type switch
        {
            SettingType.Int => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            SettingType.Float => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            SettingType.Bool => value is bool b ? b : Convert.ToBoolean(value, CultureInfo.InvariantCulture),
            _ => value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture),
        };
}
