using System.Globalization;
using HoMM.Core.SearchSpace;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Algorithms;
using HoMM.StudyFiles.Trainer;
using HoMM.TrainerSettings;

namespace HoMM.Cli.Validate;

/// <summary>A readable summary of a valid study definition (what validate prints): what will be searched, how, and within which budget.</summary>
internal static class DefinitionSummary
{
    public static void Write(TextWriter w, StudyDefinition study)
    {
        void Row(string label, string value) => w.WriteLine($"  {label,-12}{value}");

        Row("study", study.Name + (study.Description is { } d ? $" — {OneLine(d)}" : ""));
        Row("objective", $"{study.Objective.Direction.ToString().ToLowerInvariant()} {study.Objective.Metric}");
        var parameters = study.SearchSpace.Parameters;
        Row("parameters", parameters.Count.ToString(CultureInfo.InvariantCulture) + (SpaceSize(parameters) is { } size ? $" ({size} combinations)" : ""));
        var width = parameters.Max(p => p.Name.Length) + 2;
        foreach (var p in parameters)
        {
            var condition = p.When is { } c
                ? $"   when {c.Parent} is {string.Join(" or ", c.Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))}"
                : "";
            w.WriteLine($"    {p.Name.PadRight(width)}{Describe(p.Distribution)}{condition}");
        }
        var constraints = study.Constraints.Expressions.Select(e => e.Text).ToList();
        if (study.Constraints.MaxParams is { } mp)
            constraints.Add($"max_params {Count(mp)}");
        if (study.Constraints.MaxFlops is { } mf)
            constraints.Add($"max_flops {Count(mf)}");
        Row("constraints", constraints.Count == 0 ? "none" : string.Join("; ", constraints));
        Row("sampler", Algorithm(study.Sampler.Kind, study.Sampler.Options, study.Sampler.Seed is { } seed ? $"seed {seed}" : "seed chosen at start"));
        Row("pruner", Pruner(study.Pruner));
        Row("budget", Budget(study.Budget));
        Row("trainer", Trainer(study.Trainer));
        Row("resources", study.Resources switch
        {
            { DetectGpus: true, AutoTrialsPerGpu: true } => "every GPU found (gpus: auto), as many trials each as their estimated memory allows (trials_per_gpu: auto)",
            { AutoTrialsPerGpu: true } r => $"GPUs {string.Join(", ", r.GpuIds)}, as many trials each as their estimated memory allows (trials_per_gpu: auto)",
            { DetectGpus: true, TrialsPerGpu: 1 } => "one slot per GPU found (gpus: auto)",
            { DetectGpus: true } r => $"{r.TrialsPerGpu} slots per GPU found (gpus: auto, trials_per_gpu: {r.TrialsPerGpu})",
            { GpuIds.Count: > 0, TrialsPerGpu: 1 } r => $"GPUs {string.Join(", ", r.GpuIds)} (one slot each)",
            { GpuIds.Count: > 0 } r => $"GPUs {string.Join(", ", r.GpuIds)} ({r.TrialsPerGpu} slots each)",
            var r => $"{r.CpuSlots} CPU slot{(r.CpuSlots == 1 ? "" : "s")}",
        });
        if (study.EnqueuedTrials.Count > 0)
            Row("enqueued", $"{study.EnqueuedTrials.Count} trial{(study.EnqueuedTrials.Count == 1 ? "" : "s")} run first");
        if (study.Trainer is HommTrainerDefinition { Fixed: var f } && f.TryGetValue("path", out var dataPath) && dataPath is string dir && !Directory.Exists(dir))
            w.WriteLine($"note: trainer.data.path {dir} does not exist on this machine; 'run' will need the data there");
    }

    /// <summary>Like the distributions' ToString, with float noise rounded away (0.30000000000000004 → 0.3).</summary>
    private static string Describe(Distribution d) => d switch
    {
        FloatDistribution f => $"float [{Number(f.Low)}, {Number(f.High)}]{(f.Log ? " log" : "")}{(f.Step is { } s ? $" step {Number(s)}" : "")}",
        IntDistribution i => string.Create(CultureInfo.InvariantCulture, $"int [{i.Low}, {i.High}]{(i.Log ? " log" : "")}{(i.Step != 1 ? $" step {i.Step}" : "")}"),
        CategoricalDistribution c => "one of [" + string.Join(", ", c.Choices.Select(Format)) + "]",
        _ => d.ToString(),
    };

    private static string Number(double x) => x.ToString("G12", CultureInfo.InvariantCulture);

    private static string OneLine(string s) => string.Join(' ', s.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    /// <summary>The number of distinct configurations when every parameter is finite and unconditional.</summary>
    private static string? SpaceSize(IReadOnlyList<ParameterSpec> parameters)
    {
        double total = 1;
        foreach (var p in parameters)
        {
            if (p.When is not null)
                return null;
            total *= p.Distribution switch
            {
                CategoricalDistribution c => c.Choices.Count,
                IntDistribution { Log: false } i => ((i.High - i.Low) / i.Step) + 1,
                FloatDistribution { Step: { } s } f => Math.Floor(((f.High - f.Low) / s) + 1e-9) + 1,
                _ => double.NaN,
            };
        }
        return double.IsNaN(total) ? null : total.ToString(total < 1e6 ? "N0" : "0.##e0", CultureInfo.InvariantCulture);
    }

    private static string Algorithm(string kind, IReadOnlyDictionary<string, object> options, string? first = null)
    {
        var parts = new List<string>();
        if (first is not null)
            parts.Add(first);
        parts.AddRange(options.Select(o => $"{o.Key} {Format(o.Value)}"));
        return parts.Count == 0 ? kind : $"{kind} ({string.Join(", ", parts)})";
    }

    private static string Pruner(PrunerDefinition p) =>
        Algorithm(p.Kind, p.Options) + (p.Wrapped is { } inner ? $", wrapping {Pruner(inner)}" : "");

    private static string Budget(BudgetDefinition b)
    {
        var parts = new List<string>();
        if (b.MaxTrials is { } n)
            parts.Add($"{n} trials");
        if (b.Timeout is { } t)
            parts.Add($"at most {Duration(t)}");
        parts.Add(b.MaxParallel is { } k ? $"{k} at a time" : "one per slot at a time");
        return string.Join(", ", parts);
    }

    private static string Trainer(TrainerDefinition t) => t switch
    {
        HommTrainerDefinition h =>
            $"built-in HoMM on {h.Fixed["dataset"]}; searched: {(h.Searched.Count == 0 ? "nothing" : string.Join(", ", h.Searched))}; fixed: " +
            string.Join(", ", h.Fixed.Where(kv => !h.Searched.Contains(kv.Key) && kv.Key is not ("dataset" or "path")
                                           && HommSettings.Find(kv.Key)?.AppliesTo((string)h.Fixed["dataset"]) != false).Select(kv => $"{kv.Key} {Format(kv.Value)}")),
        CommandTrainerDefinition c => "command: " + string.Join(' ', c.Command.Select(a => a.Text.Contains(' ', StringComparison.Ordinal) ? $"\"{a.Text}\"" : a.Text)),
        _ => t.ToString(),
    };

    private static string Duration(TimeSpan t) => t switch
    {
        { TotalDays: >= 1 } when t.TotalDays == Math.Floor(t.TotalDays) => $"{t.TotalDays:0}d",
        { TotalHours: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(t.TotalHours):0}h{(t.Minutes > 0 ? $"{t.Minutes}m" : "")}"),
        { TotalMinutes: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(t.TotalMinutes):0}m{(t.Seconds > 0 ? $"{t.Seconds}s" : "")}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.#}s"),
    };

    private static string Count(long n) => n switch
    {
        >= 1_000_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e12:0.##}T"),
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e9:0.##}G"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e6:0.##}M"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e3:0.##}K"),
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    private static string Format(object v) => TemplateString.Format(v);
}
