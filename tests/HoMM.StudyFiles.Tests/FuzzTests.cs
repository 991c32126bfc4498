namespace HoMM.StudyFiles.Tests;

/// <summary>
/// Random character-level damage to a valid study: whatever the result, reading it never throws,
/// and every error it reports is located and names a field.
/// </summary>
public class FuzzTests
{
    private const string Alphabet = " \t\n:-[]{},'\"#&*!|>%@`~?.0123456789eE+_abcxyzé\u200b\u00a0\uFEFF\u0000";

    [Fact]
    public void Parse_RandomlyDamagedStudies_NeverThrowAndLocateEveryError()
    {
        var random = new Random(20261124);
        var unlocated = new List<string>();
        var rejected = 0;
        for (var i = 0; i < 1500; i++)
        {
            var text = Damage(StudyYaml.Valid, random, edits: 1 + random.Next(4));
            var result = StudyFile.Parse(text, "fuzz.yaml");
            if (!result.Succeeded)
                rejected++;
            unlocated.AddRange(result.Diagnostics
                .Where(d => d.Line <= 0 || d.Column <= 0 || string.IsNullOrWhiteSpace(d.Path) || string.IsNullOrWhiteSpace(d.Message))
                .Select(d => $"{d}{Environment.NewLine}{text}"));
            Assert.Equal(result.Succeeded, result.Errors.Count == 0);
        }

        Assert.Empty(unlocated);
        Assert.True(rejected > 750, $"only {rejected} of 1500 damaged files were rejected: the damage is too mild to test anything");
    }

    private static string Damage(string text, Random random, int edits)
    {
        var chars = text.ToList();
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(chars.Count);
            switch (random.Next(4))
            {
                case 0:
                    chars.RemoveAt(at);
                    break;
                case 1:
                    chars.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 2:
                    chars[at] = Alphabet[random.Next(Alphabet.Length)];
                    break;
                default:
                    // Duplicate a whole line somewhere else: duplicate keys, misplaced sections.
                    var lines = string.Concat(chars).Split('\n').ToList();
                    var line = lines[random.Next(lines.Count)];
                    lines.Insert(random.Next(lines.Count), line);
                    chars = string.Join('\n', lines).ToList();
                    break;
            }
        }
        return string.Concat(chars);
    }
}
