using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HoMM.TrainerSettings;

/// <summary>
/// One trial's complete settings written for people to reuse: as the study file's <c>trainer:</c>
/// block or as homm-train flags (<c>homm-search best</c>). Both list every setting that applies to
/// the data set and has a value — a setting left out is auto (threads, eval_batch) or does not
/// apply (an image-folder augmentation on Fashion-MNIST), so nothing falls back to a default that
/// could differ. Numbers are written round-trip, so reading them back gives the same settings.
/// </summary>
public static partial class HommSettingsText
{
    /// <summary>The settings, by spec, that are written: those with a value that apply to the data set.</summary>
    public static IReadOnlyList<(SettingSpec Spec, object Value)> Written(HommTrainerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var values = HommTrainerSettingsJson.ToValues(settings);
        return HommSettings.All
            .Where(s => s.AppliesTo(settings.Data.Dataset) && values[s.Name] is not null)
            .Select(s => (s, values[s.Name]!))
            .ToList();
    }

    /// <summary>homm-train's command-line arguments (<c>--dim</c>, <c>64</c>, …), unquoted: one element per argument.</summary>
    public static IReadOnlyList<string> ToArguments(HommTrainerSettings settings) =>
        Written(settings).SelectMany(w => new[] { w.Spec.Flag, Scalar(w.Value) }).ToList();

    /// <summary>The arguments as one shell line: values quoted only where a POSIX shell would split or expand them.</summary>
    public static string ToFlags(HommTrainerSettings settings) => string.Join(' ', ToArguments(settings).Select(ShellWord));

    /// <summary>
    /// The study file's <c>trainer:</c> block (two-space indentation, one section per mapping),
    /// ending with a newline; <paramref name="indent"/> spaces before every line.
    /// </summary>
    public static string ToYaml(HommTrainerSettings settings, int indent = 0)
    {
        var written = Written(settings);
        var pad = new string(' ', indent);
        var yaml = new StringBuilder();
        yaml.Append(pad).Append("trainer:\n");
        foreach (var section in HommSettings.Sections.Append(""))
        {
            var inSection = written.Where(w => w.Spec.Section == section).ToList();
            if (inSection.Count == 0)
                continue;
            var keyPad = pad + "  ";
            if (section.Length > 0)
            {
                yaml.Append(pad).Append("  ").Append(section).Append(":\n");
                keyPad += "  ";
            }
            foreach (var (spec, value) in inSection)
                yaml.Append(keyPad).Append(spec.Name).Append(": ").Append(YamlScalar(value)).Append('\n');
        }
        return yaml.ToString();
    }

    /// <summary>A value as homm-train's flags and the study file read it: numbers round-trip, booleans lower case.</summary>
    public static string Scalar(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string YamlScalar(object value)
    {
        if (value is not string text)
            return Scalar(value);
        // Plain only when YAML reads it back as this very text (not a number, boolean, null or syntax).
        return PlainYaml().IsMatch(text) && !LooksTyped().IsMatch(text) ? text : "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    private static string ShellWord(string word) =>
        word.Length > 0 && SafeShell().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[A-Za-z0-9_./-][A-Za-z0-9_./+-]*$")]
    private static partial Regex PlainYaml();

    [GeneratedRegex("^([-+]?[0-9._]+([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|true|True|TRUE|false|False|FALSE|null|Null|NULL|~|yes|no|on|off|Yes|No|On|Off|YES|NO|ON|OFF|y|n|Y|N)$")]
    private static partial Regex LooksTyped();

    [GeneratedRegex("^[A-Za-z0-9_./:=,+@%-]+$")]
    private static partial Regex SafeShell();
}
