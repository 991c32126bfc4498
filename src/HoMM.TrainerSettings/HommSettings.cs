using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HoMM.TrainerSettings;

/// <summary>A broken rule of the trainer settings: the setting it is about (by name) and what is wrong.</summary>
public sealed record SettingProblem(string Setting, string Message, bool IsWarning = false)
{
    public override string ToString() => $"{HommSettings.Find(Setting)?.Key ?? Setting}: {Message}";
}

/// <summary>
/// The built-in trainer's settings: the one schema the study-file binder, homm-train (flags, defaults,
/// usage text, checks), the model-size counter, study identity and the docs read. Adding a setting is
/// one line in <see cref="All"/> and one property in the settings record of its section
/// (<see cref="HommModelSettings"/>, <see cref="HommOptimSettings"/>, <see cref="HommDataSettings"/>
/// or <see cref="HommTrainerSettings"/>); a test fails when the two disagree.
/// </summary>
public static class HommSettings
{
    /// <summary>The sections of <c>trainer</c>; settings with an empty section sit at its top.</summary>
    public static IReadOnlyList<string> Sections { get; } = ["model", "optim", "data"];

    private static readonly string[] ImageFolderOnly = [HommDataset.ImageFolderName];

    public static IReadOnlyList<SettingSpec> All { get; } =
    [
        new("dim", "model", SettingType.Int, "width of the token embeddings", Min: 1, Max: 65536, HandDefault: 64L),
        new("layers", "model", SettingType.Int, "number of HoM layers", Min: 1, Max: 1024, HandDefault: 2L),
        new("patch", "model", SettingType.Int, "patch size in pixels", Min: 1, Max: 1024, HandDefault: 7L),
        new("order", "model", SettingType.Int, "highest moment order", Min: 1, Max: 16, HandDefault: 2L),
        new("order_expand", "model", SettingType.Int, "expansion of each moment's projection", Min: 1, Max: 64, HandDefault: 4L),
        new("ffw_expand", "model", SettingType.Int, "expansion of the feed-forward block", 4L, Min: 1, Max: 64),
        new("dropout", "model", SettingType.Float, "dropout probability", 0.0, Min: 0, Max: 1, MaxExclusive: true),
        new("pooling", "model", SettingType.Choice, "how the image representation is read out", "cls", Choices: ["cls", "mean"]),
        new("lr", "optim", SettingType.Float, "peak learning rate of AdamW", Min: 0, MinExclusive: true, Max: 10, HandDefault: 1e-3),
        new("wd", "optim", SettingType.Float, "decoupled weight decay", 0.01, Min: 0, Max: 10),
        new("warmup", "optim", SettingType.Int, "linear warm-up steps before the cosine decay", 0L, Min: 0, Max: 1e9),
        new("steps", "optim", SettingType.Int, "training steps", Min: 1, Max: 1e9, HandDefault: 1000L),
        new("batch", "optim", SettingType.Int, "examples per step", Min: 1, Max: 1 << 20, HandDefault: 128L),
        new("clip", "optim", SettingType.Float, "gradient-norm clipping (0: off)", 1.0, Min: 0, Max: 1e6),
        new("dataset", "data", SettingType.Choice, "the data set", Choices: [.. HommDataset.All.Select(d => d.Name)], Searchable: false, HandDefault: HommDataset.FashionMnistName),
        new("path", "data", SettingType.Text, "the folder of the data", Searchable: false, Identity: false, FromDataset: true),
        new("image_size", "data", SettingType.Int, "side of the (square) input images in pixels", Min: 1, Max: 4096, Searchable: false, FromDataset: true),
        new("val_size", "data", SettingType.Float, "training images held out for validation (val/*): a count (≥ 1), or a fraction (< 1); auto: 10,000, at most a fifth", Min: 0, MinExclusive: true, Max: 1e9, Searchable: false, Optional: true),
        new("workers", "data", SettingType.Int, "image decoding threads (default: the trial's CPU threads − 1, at least 1)", Min: 1, Max: 1024, Searchable: false, Identity: false, Optional: true, Datasets: ImageFolderOnly),
        new("horizontal_flip", "data", SettingType.Bool, "mirror training images left–right with probability 0.5", true, Datasets: ImageFolderOnly),
        new("random_resized_crop", "data", SettingType.Bool, "random resized crop (area 8–100 %) instead of resize + center crop in training", false, Datasets: ImageFolderOnly),
        new("randaugment_p", "data", SettingType.Float, "probability that RandAugment (2 operations) runs on a training image (0: off; upstream 0.1)", 0.0, Min: 0, Max: 1, Datasets: ImageFolderOnly),
        new("randaugment_magnitude", "data", SettingType.Int, "RandAugment's magnitude on the 0–30 scale", 6L, Min: 0, Max: 30, Datasets: ImageFolderOnly),
        new("mix_prob", "data", SettingType.Float, "probability that a training batch gets CutMix/MixUp with soft targets (0: off; upstream 1)", 0.0, Min: 0, Max: 1, Datasets: ImageFolderOnly),
        new("mixup_prob", "data", SettingType.Float, "in a mixed batch, the chance a group of 8 gets MixUp rather than CutMix", 0.5, Min: 0, Max: 1, Datasets: ImageFolderOnly),
        new("alpha_mixup", "data", SettingType.Float, "MixUp's Beta(α, α) parameter", 0.1, Min: 0, MinExclusive: true, Max: 100, Datasets: ImageFolderOnly),
        new("alpha_cutmix", "data", SettingType.Float, "CutMix's Beta(α, α) parameter", 1.0, Min: 0, MinExclusive: true, Max: 100, Datasets: ImageFolderOnly),
        new("eval_every", "", SettingType.Int, "evaluate (and checkpoint) every this many steps", 500L, Min: 1, Max: 1e9, Searchable: false, Identity: false),
        new("eval_batch", "", SettingType.Int, "images per evaluation batch (default: the larger of optim.batch and 256)", Min: 1, Max: 1 << 20, Searchable: false, Identity: false, Optional: true),
        new("precision", "", SettingType.Choice, "arithmetic of the forward passes: fp32, or bf16 autocast (weights, gradients and loss stay fp32)", "fp32", Choices: ["fp32", "bf16"], Searchable: false),
        new("seed", "", SettingType.Int, "seed of initialisation and data order", 0L, Min: 0, Max: 1L << 53),
        new("threads", "", SettingType.Int, "CPU threads per trial (default: the slot's share of the cores)", Min: 1, Max: 1024, Searchable: false, Identity: false, Optional: true),
        new("device", "", SettingType.Choice, "where to train", "auto", Choices: ["auto", "cpu", "cuda"], Searchable: false, Identity: false),
    ];

    public static SettingSpec? Find(string name) => All.FirstOrDefault(s => s.Name == name);

    public static IEnumerable<SettingSpec> InSection(string section) => All.Where(s => s.Section == section);

    /// <summary>Names a search-space parameter may take.</summary>
    public static IEnumerable<string> SearchableNames => All.Where(s => s.Searchable && s.Honoured).Select(s => s.Name);

    /// <summary>
    /// Adds the default of every setting <paramref name="values"/> lacks: the schema's default, then
    /// the data set's path and image size; <paramref name="byHand"/> adds homm-train's by-hand
    /// defaults for the settings a study file must give (a small Fashion-MNIST model).
    /// </summary>
    public static void ApplyDefaults(IDictionary<string, object?> values, bool byHand)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var spec in All)
        {
            if (!values.ContainsKey(spec.Name) && (spec.Default ?? (byHand ? spec.HandDefault : null)) is { } d)
                values[spec.Name] = d;
        }
        if (HommDataset.Find(values.TryGetValue("dataset", out var name) ? name as string : null) is { } dataset)
        {
            if (dataset.DefaultPath is { } path)
                values.TryAdd("path", path);
            if (dataset.ImageSize is { } size)
                values.TryAdd("image_size", (long)size);
        }
    }

    /// <summary>homm-train's settings when neither a config nor a flag gives them.</summary>
    public static HommTrainerSettings HandDefaults
    {
        get
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            ApplyDefaults(values, byHand: true);
            return HommTrainerSettingsJson.FromValues(values);
        }
    }

    /// <summary>
    /// Every broken rule among <paramref name="values"/> (by setting name; settings left out, such as
    /// searched ones, are not checked): a value's type and range, a setting or data set homm-train
    /// does not honour yet, the data set's image size, and settings that contradict each other.
    /// Warnings mark what works but is likely a mistake.
    /// </summary>
    public static IReadOnlyList<SettingProblem> Problems(IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var problems = new List<SettingProblem>();
        foreach (var (name, value) in values)
        {
            if (Find(name) is not { } spec)
            {
                problems.Add(new(name, $"is not a setting of the built-in trainer{Suggest(name)}"));
                continue;
            }
            if (spec.Problem(value) is { } problem)
                problems.Add(new(name, problem));
            else if (!spec.Honoured && value is not null && !Equals(value, spec.Normalize(spec.Default)))
                problems.Add(new(name, $"is not supported by homm-train yet; leave {spec.Key} out"));
        }

        long? Int(string name) => values.GetValueOrDefault(name) is long l && Find(name)!.Problem(l) is null ? l : null;
        if (values.GetValueOrDefault("dataset") is string datasetName && HommDataset.Find(datasetName) is { } dataset)
        {
            foreach (var (name, value) in values)
            {
                if (Find(name) is { } spec && !spec.AppliesTo(dataset.Name) && value is not null && !Equals(spec.Normalize(value), spec.Normalize(spec.Default)))
                {
                    problems.Add(new(name, $"applies to {string.Join(" and ", spec.Datasets!)} only, not to {dataset.Name} (data.dataset); leave {spec.Key} out"));
                }
            }

            if (!dataset.Honoured)
            {
                problems.Add(new("dataset", $"{dataset.Name} is not supported by homm-train yet; use " +
                                            string.Join(" or ", HommDataset.All.Where(d => d.Honoured).Select(d => d.Name))));
            }
            if (dataset.ImageSize is { } only && Int("image_size") is { } size && size != only)
                problems.Add(new("image_size", $"{dataset.Name} images are {only} pixels wide (got {size}); set image_size: {only} or leave it out (homm-train does not resize)"));
        }
        if (Int("patch") is { } patch && Int("image_size") is { } side)
        {
            if (patch > side)
                problems.Add(new("patch", string.Create(CultureInfo.InvariantCulture, $"patch ({patch}) is larger than the images ({side} px)")));
            else if (side % patch != 0)
                problems.Add(new("patch", string.Create(CultureInfo.InvariantCulture, $"patch ({patch}) does not divide the image size ({side}); the last {side % patch} pixel rows and columns are not seen"), IsWarning: true));
        }
        if (values.GetValueOrDefault("val_size") is double valSize && Find("val_size")!.Problem(valSize) is null && valSize >= 1 && valSize != Math.Floor(valSize))
            problems.Add(new("val_size", string.Create(CultureInfo.InvariantCulture, $"a count of images must be whole (got {valSize}); a fraction of the training images is below 1, e.g. 0.01")));
        if (Int("warmup") is { } warmup && Int("steps") is { } steps && warmup >= steps)
            problems.Add(new("warmup", string.Create(CultureInfo.InvariantCulture, $"warmup ({warmup}) must be shorter than steps ({steps})")));
        if (Int("eval_every") is { } every && Int("steps") is { } total && every > total)
            problems.Add(new("eval_every", string.Create(CultureInfo.InvariantCulture, $"eval_every ({every}) is more than steps ({total}): trials report only their final evaluation, so pruners cannot act"), IsWarning: true));
        return problems;
    }

    /// <summary>" (did you mean --order?)" for a misspelt setting or flag name, or "".</summary>
    public static string Suggest(string name, bool asFlag = false) =>
        HoMM.Core.Constraints.NameSuggestion.Closest(name, All.Select(s => s.Name)) is { } best
            ? $" (did you mean {(asFlag ? Find(best)!.Flag : $"'{best}'")}?)"
            : "";

    /// <summary>The settings that make up a study's identity (by <see cref="SettingSpec.Key"/>): the fixed ones with <see cref="SettingSpec.Identity"/>.</summary>
    public static SortedDictionary<string, object?> Identity(IReadOnlyDictionary<string, object> fixedValues, IEnumerable<string> searched)
    {
        ArgumentNullException.ThrowIfNull(fixedValues);
        ArgumentNullException.ThrowIfNull(searched);
        var searchedSet = searched.ToHashSet(StringComparer.Ordinal);
        var identity = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var spec in All.Where(s => s.Identity && !searchedSet.Contains(s.Name)))
            identity[spec.Key] = spec.Normalize(fixedValues.GetValueOrDefault(spec.Name));
        return identity;
    }

    /// <summary>
    /// How <paramref name="current"/> differs from an identity stored earlier (a JSON object as
    /// <see cref="Identity"/> serializes), as "model.dim 32 → 128" lines. A setting the stored identity
    /// lacks (the schema gained it later) counts as its default; a stored setting the schema no longer
    /// has is ignored.
    /// </summary>
    public static IReadOnlyList<string> IdentityChanges(JsonElement stored, IReadOnlyDictionary<string, object?> current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var changes = new List<string>();
        // Only fixed settings: one that became searched (or fixed) changed the search space, which is checked apart.
        foreach (var spec in All.Where(s => s.Identity && current.ContainsKey(s.Key)))
        {
            var had = stored.ValueKind == JsonValueKind.Object && stored.TryGetProperty(spec.Key, out var old) ? FromJson(spec, old) : spec.Normalize(spec.Default);
            var has = current[spec.Key];
            if (!Equals(had, has))
                changes.Add($"{spec.Key} {Show(had)} → {Show(has)}");
        }
        return changes;
    }

    private static string Show(object? value) => value switch
    {
        null => "(none)",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    private static object? FromJson(SettingSpec spec, JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when spec.Type == SettingType.Int && e.TryGetInt64(out var l) => l,
        JsonValueKind.Number => spec.Normalize(e.GetDouble()),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => e.GetRawText(),
    };

    /// <summary>homm-train's usage lines for the settings, one per setting, grouped by section.</summary>
    public static string Usage()
    {
        var hand = HommTrainerSettingsJson.ToValues(HandDefaults);
        var text = new StringBuilder();
        foreach (var section in Sections.Append(""))
        {
            text.Append("  ").Append(section.Length == 0 ? "run" : section).AppendLine(":");
            foreach (var spec in InSection(section))
            {
                var flag = spec.Flag + (spec.Type switch
                {
                    // homm-train refuses a data set it cannot read yet, so its flag does not offer it.
                    SettingType.Choice => " " + string.Join("|", spec.Choices!.Where(c => HommDataset.Find(c) is null or { Honoured: true })),
                    SettingType.Text => " <dir>",
                    SettingType.Bool => " true|false",
                    SettingType.Int => " N",
                    _ => " X",
                });
                var value = hand.GetValueOrDefault(spec.Name) is { } v ? Show(v) : "auto";
                text.Append("    ").Append(flag.PadRight(36)).Append(spec.Meaning).Append(" (").Append(value).Append(')')
                    .Append(spec.Datasets is { } only ? $" [{string.Join(", ", only)} only]" : "")
                    .Append(spec.Honoured ? "" : " [not supported yet]").AppendLine();
            }
        }
        return text.ToString();
    }

    /// <summary>The settings as the Markdown table of docs/study-file.md (a test keeps the docs equal to it).</summary>
    public static string MarkdownTable()
    {
        var text = new StringBuilder();
        text.AppendLine("| setting | where | valid values | default | searchable | identity |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var spec in All)
        {
            var defaultText = spec switch
            {
                { Default: { } d } => $"`{Show(d)}`",
                { Optional: true } => "auto",
                { Name: "path" } => string.Join("; ", HommDataset.All.Select(d => d.DefaultPath is { } p ? $"`{p}` for {d.Name}" : $"required for {d.Name}")),
                { Name: "image_size" } => string.Join("; ", HommDataset.All.Select(d => d.ImageSize is { } s ? $"{s} for {d.Name} (the only size)" : $"required for {d.Name}")),
                _ => "required",
            };
            var valid = spec.Type == SettingType.Choice
                ? string.Join(", ", spec.Choices!.Select(c => HommDataset.Find(c) is { Honoured: false } ? $"`{c}` (not supported yet)" : $"`{c}`"))
                : spec.Describe();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| `{spec.Name}` | {(spec.Section.Length == 0 ? "trainer" : spec.Section)} | {valid}: {spec.Meaning}{(spec.Datasets is { } only ? $" ({string.Join(", ", only)} only)" : "")} | {defaultText} | {(spec.Searchable ? "yes" : "no")} | {(spec.Identity ? "yes" : "no")} |");
        }
        return text.ToString();
    }
}
