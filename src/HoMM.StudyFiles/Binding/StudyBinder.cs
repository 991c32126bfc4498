using System.Globalization;
using System.Text.RegularExpressions;
using HoMM.Core.Algorithms;
using HoMM.Core.Constraints;
using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;
using HoMM.StudyFiles.Algorithms;
using HoMM.StudyFiles.Constraints;
using HoMM.StudyFiles.SearchSpace;
using HoMM.StudyFiles.Trainer;
using HoMM.StudyFiles.Yaml;

namespace HoMM.StudyFiles.Binding;

/// <summary>
/// Binds the whole document: each section is checked even when another one failed, so the user
/// sees every problem at once; checks across sections run on whatever bound.
/// </summary>
internal static partial class StudyBinder
{
    public const int MaxTrials = 10_000_000;
    public const int MaxParallel = 10_000;
    public const int MaxSlots = 1024;
    public const int MaxRetries = 100;

    public static readonly IReadOnlyList<string> TopLevelKeys =
        ["version", "name", "description", "objective", "objectives", "search_space", "constraints", "sampler", "pruner", "budget", "trainer", "resources", "enqueue", "checkpoints", "notify"];

    public static StudyDefinition? Bind(NodeReader r, YNode root)
    {
        if (root is not YMapping map)
        {
            r.Error(root, "", $"a study file is a mapping of sections (name:, objective:, search_space:, ...), but this file holds {root.Describe()}");
            return null;
        }
        r.CheckKeys(map, "", TopLevelKeys);

        if (map["version"] is { } versionNode && r.Integer(versionNode, "version") is { } version && version != 1)
            r.Error(versionNode, "version", $"this homm-search reads study-file version 1, not {version}; remove 'version' or set it to 1");

        var name = r.Required(map, "name", "", "the study's name, e.g. name: fmnist-overnight (a rerun with the same name resumes it)") is { } nameNode
            ? Name(r, nameNode)
            : null;
        var description = map["description"] is { } descriptionNode ? r.String(descriptionNode, "description", "text") : null;
        IReadOnlyList<ObjectiveDefinition>? objectives = null;
        ObjectiveDefinition? objective = null;
        if (map["objectives"] is { } objectivesNode)
        {
            if (map.Entry("objective") is { } both)
                r.Error(both.Key, "objective", "give either objective: (one) or objectives: (a list), not both; move this one into objectives:");
            objectives = Objectives(r, objectivesNode);
            objective = objectives?[0];
        }
        else
        {
            objective = r.Required(map, "objective", "", "what to optimise, e.g. objective: {metric: val/acc, direction: maximize}, or objectives: [...] for several") is { } objectiveNode
                ? Objective(r, objectiveNode, "objective")
                : null;
            if (objective is { IsInfo: true })
            {
                r.Error(((YMapping)map["objective"]!)["metric"]!, "objective.metric",
                    $"'{objective.Metric}' is an info value; a single objective is a metric the trainer reports as it trains (an info value is fixed by the settings: optimise it beside accuracy with objectives: [...])");
                objective = null;
            }
        }
        var spaceNode = r.Required(map, "search_space", "", "the parameters to search, e.g. search_space: {lr: {type: float, low: 1e-4, high: 1e-2, log: true}}");
        var space = spaceNode is null ? new BoundSearchSpace([]) : SearchSpaceBinder.Bind(r, spaceNode, "search_space");
        var constraints = map["constraints"] is { } constraintsNode
            ? ConstraintsBinder.Bind(r, constraintsNode, "constraints", space)
            : StudyConstraints.None;
        var sampler = map["sampler"] is { } samplerNode ? AlgorithmBinder.BindSampler(r, samplerNode, "sampler") : SamplerDefinition.Default;
        var pruner = map["pruner"] is { } prunerNode ? AlgorithmBinder.BindPruner(r, prunerNode, "pruner") : PrunerDefinition.Default;
        var budget = r.Required(map, "budget", "", "when to stop, e.g. budget: {max_trials: 200, max_parallel: 4, timeout: 10h}") is { } budgetNode
            ? Budget(r, budgetNode)
            : null;
        var trainer = r.Required(map, "trainer", "", "how to train a trial: the built-in HoMM trainer (model:, optim:, data:) or command: [...]") is { } trainerNode
            ? TrainerBinder.Bind(r, trainerNode, "trainer", space, "search_space")
            : null;
        var resources = map["resources"] is { } resourcesNode ? Resources(r, resourcesNode) : ResourcesDefinition.Default;
        var checkpoints = map["checkpoints"] is { } checkpointsNode ? Checkpoints(r, checkpointsNode) : CheckpointRetention.All;
        var notify = map["notify"] is { } notifyNode ? Notify.NotifyBinder.Bind(r, notifyNode, "notify") : null;

        SearchSpaceDefinition? definition = null;
        if (spaceNode is not null && space.IsComplete && space.Parameters.Count > 0)
            definition = new SearchSpaceDefinition(space.Parameters.Select(p => p.Spec!));

        if (definition is not null && sampler is not null)
            CheckSamplerFits(r, sampler, space, definition, map["sampler"]!);
        if (constraints is not null && trainer is CommandTrainerDefinition && (constraints.MaxParams is not null || constraints.MaxFlops is not null))
        {
            var item = ((YSequence)map["constraints"]!).Items.First(i => i is YMapping);
            r.Error(item, "constraints", "max_params and max_flops are computed from the built-in trainer's model settings; " +
                                         "with trainer.command, express the limit over your parameters instead (e.g. 'width * depth <= 4096')");
        }
        if (trainer is HommTrainerDefinition && objective is not null && objectives is null && map["objective"] is YMapping { } objectiveMap && objectiveMap["metric"] is { } metricNode)
            TrainerBinder.CheckObjective(r, metricNode, objective.Metric);
        if (objectives is not null && map["objectives"] is YSequence objectiveItems)
            CheckObjectives(r, objectives, objectiveItems, trainer, sampler, pruner, map);
        if (pruner is { Promotes: true } && trainer is not null)
            CheckPromotion(r, pruner, trainer, (YMapping)map["pruner"]!);
        if (pruner is not null && trainer is HommTrainerDefinition rungTrainer && map["pruner"] is YMapping rungNode)
            CheckFirstRung(r, pruner, rungTrainer, rungNode);
        if (trainer is HommTrainerDefinition homm && resources is not null && map["resources"] is { } rn)
            CheckDevice(r, homm, resources, map["trainer"]!, rn);
        if (budget is { MaxParallel: { } parallel } && resources is { UsesGpus: false } && parallel > resources.CpuSlots && map["resources"] is not null)
        {
            r.Warning(map["budget"]!, "budget.max_parallel", string.Create(CultureInfo.InvariantCulture,
                $"max_parallel ({parallel}) is more than resources.cpu_slots ({resources.CpuSlots}); only {resources.CpuSlots} trials can run at a time"));
        }
        if (resources is { AutoTrialsPerGpu: true } && trainer is not null and not HommTrainerDefinition && map["resources"] is YMapping rm && rm["trials_per_gpu"] is { } autoNode)
        {
            r.Error(autoNode, "resources.trials_per_gpu",
                "trials_per_gpu: auto estimates each trial's GPU memory from the built-in trainer's model; a custom trainer's memory is unknown: give a number, e.g. 2");
        }
        if (budget is { MaxParallel: { } p } && resources is { GpuIds.Count: > 0, AutoTrialsPerGpu: false } && p > resources.GpuIds.Count * resources.TrialsPerGpu)
        {
            var slots = resources.GpuIds.Count * resources.TrialsPerGpu;
            r.Warning(map["budget"]!, "budget.max_parallel", string.Create(CultureInfo.InvariantCulture,
                $"max_parallel ({p}) is more than the {slots} GPU slot{(slots == 1 ? "" : "s")} of resources (GPUs × trials_per_gpu); only {slots} trials can run at a time"));
        }

        var enqueued = map["enqueue"] is { } enqueueNode && definition is not null && constraints is not null
            ? Enqueue(r, enqueueNode, "enqueue", definition, constraints)
            : [];

        if (r.Bag.HasErrors || name is null || objective is null || definition is null || constraints is null
            || sampler is null || pruner is null || budget is null || trainer is null || resources is null || enqueued is null || checkpoints is null)
        {
            return null;
        }
        return new StudyDefinition(name, description, objective, definition, constraints, sampler, pruner, budget, trainer, resources, enqueued)
        {
            Objectives = objectives ?? [objective],
            Checkpoints = checkpoints,
            Notify = notify,
        };
    }

    /// <summary><c>objectives:</c> a list of {metric, direction}, each as <c>objective:</c>, every metric once.</summary>
    private static IReadOnlyList<ObjectiveDefinition>? Objectives(NodeReader r, YNode node)
    {
        const string example = "[{metric: val/acc, direction: maximize}, {metric: info/flops, direction: minimize}]";
        if (r.Sequence(node, "objectives", example) is not { } seq)
            return null;
        if (seq.Items.Count == 0)
        {
            r.Error(seq, "objectives", $"the list is empty; give one {{metric, direction}} per objective, e.g. {example}");
            return null;
        }
        var result = new List<ObjectiveDefinition>();
        var ok = true;
        for (var i = 0; i < seq.Items.Count; i++)
        {
            var path = NodeReader.Item("objectives", i);
            var o = Objective(r, seq.Items[i], path);
            if (o is null)
            {
                ok = false;
                continue;
            }
            if (result.FirstOrDefault(x => x.Metric == o.Metric) is not null)
            {
                r.Error(((YMapping)seq.Items[i])["metric"]!, NodeReader.Child(path, "metric"), $"'{o.Metric}' is already an objective; each metric may appear once");
                ok = false;
                continue;
            }
            result.Add(o);
        }
        return ok ? result : null;
    }

    /// <summary>
    /// Rules that tie objectives to the rest of the file: a built-in trainer reports each metric;
    /// the sampler models several objectives; the first objective is reported as training goes
    /// (an info value is not), since pruners judge it.
    /// </summary>
    private static void CheckObjectives(NodeReader r, IReadOnlyList<ObjectiveDefinition> objectives, YSequence items,
        TrainerDefinition? trainer, SamplerDefinition? sampler, PrunerDefinition? pruner, YMapping map)
    {
        for (var i = 0; i < objectives.Count; i++)
        {
            var metricNode = ((YMapping)items.Items[i])["metric"]!;
            if (!objectives[i].IsInfo && trainer is HommTrainerDefinition)
                TrainerBinder.CheckObjective(r, metricNode, objectives[i].Metric, NodeReader.Child(NodeReader.Item("objectives", i), "metric"));
        }
        if (objectives.Count > 1 && sampler is not null && !SamplerCatalog.SupportsMultiObjective(sampler.Kind))
        {
            var at = (YNode?)(map["sampler"] as YMapping)?["kind"] ?? map["sampler"] ?? items;
            r.Error(at, "sampler.kind", $"the {sampler.Kind} sampler models one objective and this study has {objectives.Count}; " +
                                        "use nsga2, tpe (multi-objective TPE) or random");
        }
        if (objectives[0].IsInfo)
        {
            // The first objective is what pruners judge, the history plots and the trainer's final line must carry.
            r.Error(((YMapping)items.Items[0])["metric"]!, "objectives[0].metric",
                $"the first objective is the one the trainer reports as it trains (pruners{(pruner is { Kind: not "nop" } ? $" such as {pruner.Kind}" : "")} and the history judge it), " +
                $"and '{objectives[0].Metric}' is an info value, reported once; put a trainer metric such as val/acc first");
        }
    }

    private static string? Name(NodeReader r, YNode node)
    {
        var name = r.String(node, "name", "the study's name (letters, digits, '.', '_', '-')");
        if (name is null || StudyNames.Problem(name) is not { } problem)
            return name;
        r.Error(node, "name", problem);
        return null;
    }

    private static ObjectiveDefinition? Objective(NodeReader r, YNode node, string path)
    {
        if (r.Mapping(node, path, "{metric: val/acc, direction: maximize}") is not { } map)
            return null;
        r.CheckKeys(map, path, ["metric", "direction"]);
        var metricPath = NodeReader.Child(path, "metric");
        var directionPath = NodeReader.Child(path, "direction");
        string? metric = null;
        if (r.Required(map, "metric", path, "the name of the metric the trainer reports, e.g. val/acc") is { } metricNode)
        {
            metric = r.String(metricNode, metricPath, "a metric name such as val/acc");
            if (metric is not null && !MetricName().IsMatch(metric))
            {
                r.Error(metricNode, metricPath, $"'{ScalarValue.Abbreviate(NodeReader.Printable(metric))}' is not a valid metric name; " +
                                                        "use ASCII letters, digits and . _ - / (no spaces), e.g. val/acc or val/loss");
                metric = null;
            }
            else if (metric is not null && metric.StartsWith(ObjectiveDefinition.InfoPrefix, StringComparison.Ordinal) && !ObjectiveDefinition.InfoObjectives.Contains(metric))
            {
                var hint = NameSuggestion.Closest(metric, ObjectiveDefinition.InfoObjectives) is { } s ? $"; did you mean '{s}'?" : ".";
                r.Error(metricNode, metricPath, $"'{metric}' is not an info value an objective can use{hint} Valid: {string.Join(", ", ObjectiveDefinition.InfoObjectives)}");
                metric = null;
            }
            else if (metric is not null && TestMetrics.IsTestMetric(metric))
            {
                r.Error(metricNode, metricPath, $"'{metric}' is a test-set metric: trainers report {TestMetrics.Prefix}* once, in the final line, " +
                                                        "and a search that selected on it would report an optimistic best; optimise the validation metric " +
                                                        $"(e.g. val/{metric[TestMetrics.Prefix.Length..]}) and read {metric} beside it in status, trials and reports");
                metric = null;
            }
        }
        StudyDirection? direction = null;
        if (r.Required(map, "direction", path, "maximize or minimize") is { } directionNode
            && r.String(directionNode, directionPath, "maximize or minimize") is { } text)
        {
            direction = text switch
            {
                "maximize" => StudyDirection.Maximize,
                "minimize" => StudyDirection.Minimize,
                _ => null,
            };
            if (direction is null)
            {
                var hint = text.ToUpperInvariant() switch
                {
                    "MAX" or "MAXIMISE" or "MAXIMUM" or "HIGHER" or "ASCENDING" => "; did you mean 'maximize'?",
                    "MIN" or "MINIMISE" or "MINIMUM" or "LOWER" or "DESCENDING" => "; did you mean 'minimize'?",
                    _ => NameSuggestion.Closest(text, ["maximize", "minimize"]) is { } s ? $"; did you mean '{s}'?" : ".",
                };
                r.Error(directionNode, directionPath, $"'{NodeReader.Printable(text)}' is not a direction{hint} Valid: maximize, minimize");
            }
        }
        return metric is null || direction is null ? null : new ObjectiveDefinition(metric, direction.Value);
    }

    private static BudgetDefinition? Budget(NodeReader r, YNode node)
    {
        if (r.Mapping(node, "budget", "{max_trials: 200, max_parallel: 4, timeout: 10h}") is not { } map)
            return null;
        r.CheckKeys(map, "budget", ["max_trials", "max_parallel", "timeout", "trial_timeout", "retries", "max_consecutive_failures"]);
        var ok = true;
        long? trials = null, parallel = null, retries = BudgetDefinition.DefaultRetries;
        long? failures = BudgetDefinition.DefaultMaxConsecutiveFailures;
        TimeSpan? timeout = null, trialTimeout = null;
        if (map["max_trials"] is { } t)
            ok &= (trials = r.Integer(t, "budget.max_trials", 1, MaxTrials)) is not null;
        if (map["max_parallel"] is { } p)
            ok &= (parallel = r.Integer(p, "budget.max_parallel", 1, MaxParallel)) is not null;
        if (map["timeout"] is { } to)
            ok &= (timeout = Quantities.Duration(r, to, "budget.timeout")) is not null;
        if (map["trial_timeout"] is { } tt)
            ok &= (trialTimeout = Quantities.Duration(r, tt, "budget.trial_timeout")) is not null;
        if (map["retries"] is { } re)
            ok &= (retries = r.Integer(re, "budget.retries", 0, MaxRetries)) is not null;
        if (map["max_consecutive_failures"] is { } mcf)
        {
            // 0 or null: never stop for failures.
            if (mcf is YScalar { Resolved.Kind: ScalarKind.Null })
                failures = 0;
            else
                ok &= (failures = r.Integer(mcf, "budget.max_consecutive_failures", 0, MaxTrials)) is not null;
        }
        if (map["max_trials"] is null && map["timeout"] is null)
        {
            r.Error(map, "budget.max_trials", "the budget needs max_trials, timeout or both, or the study would never end (e.g. max_trials: 200, timeout: 10h)");
            ok = false;
        }
        if (trials is { } n && parallel is { } k && k > n)
        {
            r.Warning(map["max_parallel"]!, "budget.max_parallel", string.Create(CultureInfo.InvariantCulture,
                $"max_parallel ({k}) is more than max_trials ({n}); at most {n} trials will run at a time"));
        }
        if (!ok)
            return null;
        return new BudgetDefinition((int?)trials, (int?)parallel, timeout)
        {
            TrialTimeout = trialTimeout,
            Retries = (int)retries!.Value,
            MaxConsecutiveFailures = failures is > 0 ? (int)failures : null,
        };
    }

    private static CheckpointRetention? Checkpoints(NodeReader r, YNode node)
    {
        if (r.Mapping(node, "checkpoints", "{keep: best-3}") is not { } map)
            return null;
        r.CheckKeys(map, "checkpoints", ["keep"]);
        if (map["keep"] is not { } keepNode)
            return CheckpointRetention.All;
        if (r.String(keepNode, "checkpoints.keep", "best-N, all or none") is not { } text)
            return null;
        if (CheckpointRetention.TryParse(text, out var retention, out var error))
            return retention;
        r.Error(keepNode, "checkpoints.keep", error);
        return null;
    }

    private static ResourcesDefinition? Resources(NodeReader r, YNode node)
    {
        if (r.Mapping(node, "resources", "{gpus: [0, 1]} or {gpus: auto} or {cpu_slots: 2}") is not { } map)
            return null;
        r.CheckKeys(map, "resources", ["gpus", "trials_per_gpu", "cpu_slots"]);
        if (map["gpus"] is not null && map["cpu_slots"] is not null)
        {
            r.Error(map.Entry("cpu_slots")!.Key, "resources.cpu_slots", "give either gpus (trials on GPUs) or cpu_slots (trials sharing the CPU), not both");
            return null;
        }
        var perGpu = 1;
        var autoPerGpu = false;
        if (map["trials_per_gpu"] is { } perGpuNode)
        {
            if (map["gpus"] is null)
            {
                r.Error(map.Entry("trials_per_gpu")!.Key, "resources.trials_per_gpu", "trials_per_gpu needs gpus (e.g. gpus: auto); CPU trials share the cores through cpu_slots");
                return null;
            }
            if (perGpuNode is YScalar { Resolved.Kind: ScalarKind.String, Value: "auto" })
                autoPerGpu = true;
            else if (r.Integer(perGpuNode, "resources.trials_per_gpu", 1, ResourcesDefinition.MaxTrialsPerGpu) is not { } n)
                return null;
            else
                perGpu = (int)n;
        }
        if (map["gpus"] is { } gpus)
        {
            if (gpus is YScalar { Resolved.Kind: ScalarKind.String, Value: "auto" })
                return new ResourcesDefinition([], true, 0) { TrialsPerGpu = perGpu, AutoTrialsPerGpu = autoPerGpu };
            if (gpus is not YSequence seq)
            {
                r.Error(gpus, "resources.gpus", $"expected a list of GPU ids (e.g. [0, 1]) or auto (every GPU nvidia-smi lists), found {NodeReader.Describe(gpus)}" +
                                                (gpus is YScalar { Resolved.Kind: ScalarKind.Int } one ? $"; for one GPU write [{one.Value}]" : ""));
                return null;
            }
            if (seq.Items.Count == 0)
            {
                r.Error(seq, "resources.gpus", "the list of GPUs is empty; list GPU ids (e.g. [0, 1]), write auto, or use cpu_slots");
                return null;
            }
            var ids = new List<int>();
            var ok = true;
            for (var i = 0; i < seq.Items.Count; i++)
            {
                var p = NodeReader.Item("resources.gpus", i);
                if (r.Integer(seq.Items[i], p, 0, MaxSlots - 1) is not { } id)
                {
                    ok = false;
                    continue;
                }
                if (ids.Contains((int)id))
                {
                    r.Error(seq.Items[i], p, $"GPU {id} is listed twice; to run several trials on one GPU, set trials_per_gpu");
                    ok = false;
                    continue;
                }
                ids.Add((int)id);
            }
            return ok ? new ResourcesDefinition(ids, false, 0) { TrialsPerGpu = perGpu, AutoTrialsPerGpu = autoPerGpu } : null;
        }
        if (map["cpu_slots"] is { } slots)
            return r.Integer(slots, "resources.cpu_slots", 1, MaxSlots) is { } n ? new ResourcesDefinition([], false, (int)n) : null;
        return ResourcesDefinition.Default;
    }

    private static void CheckDevice(NodeReader r, HommTrainerDefinition trainer, ResourcesDefinition resources, YNode trainerNode, YNode resourcesNode)
    {
        var device = (string)trainer.Fixed["device"];
        var at = trainerNode is YMapping m && m["device"] is { } d ? d : trainerNode;
        if (device == "cuda" && !resources.UsesGpus)
            r.Error(at, "trainer.device", "device: cuda needs GPUs, but resources gives CPU slots; set resources.gpus (e.g. [0] or auto) or use device: auto");
        if (device == "cpu" && resources.UsesGpus)
            r.Warning(resourcesNode, "resources.gpus", "trainer.device is cpu, so the GPUs listed in resources stay idle; use device: auto or cuda, or cpu_slots");
    }

    /// <summary>The grid sampler's default refusal threshold (Core's GridSamplerOptions.MaxGridPoints).</summary>
    private const long DefaultMaxGridPoints = 1_000_000;

    /// <summary>A grid needs finitely many values per parameter, and not too many in all.</summary>
    /// <summary>
    /// <c>mode: promote</c> pauses each trial at a rung and runs it on later from its checkpoint: the
    /// trainer must say it can resume, and the rungs need the steps of a full trial.
    /// </summary>
    private static void CheckPromotion(NodeReader r, PrunerDefinition pruner, TrainerDefinition trainer, YMapping prunerNode)
    {
        var modeNode = prunerNode.Entry("mode")!.Value;
        if (!trainer.CanResume)
        {
            r.Error(modeNode, "pruner.mode",
                "mode: promote pauses trials at each rung and resumes them later from their checkpoints, but this trainer does not say it can resume; " +
                "add resumable: true under trainer once it writes a checkpoint when told to stop with reason paused and resumes from it " +
                "(docs/custom-trainer.md, pause and resume), or use mode: stop");
            return;
        }
        try
        {
            pruner.PromotionSchedule(trainer.FullRunSteps);
        }
        catch (AlgorithmOptionException e)
        {
            foreach (var error in e.Errors)
            {
                var at = error.Option is { } o && prunerNode.Entry(o) is { } entry ? (entry.Value, NodeReader.Child("pruner", o)) : (modeNode, "pruner.mode");
                r.Error(at.Item1, at.Item2, trainer is HommTrainerDefinition && error.Option == "max_resource"
                    ? "mode: promote needs the steps of a full trial, and trainer.optim.steps is searched: give max_resource"
                    : error.Message);
            }
        }
    }

    /// <summary>
    /// The first rung of asha or hyperband (<c>min_resource</c>; the others are it times powers of
    /// <c>reduction_factor</c>) against the built-in trainer's schedule: homm-train reports every
    /// <c>eval_every</c> steps, so a rung between evaluations is judged at the next one; and a rung
    /// before the warm-up ends ranks trials that have hardly trained (on the real-task benchmark a
    /// first rung of 30 steps with warm-up 50 made ASHA worse than no pruning, docs/benchmarks.md).
    /// </summary>
    private static void CheckFirstRung(NodeReader r, PrunerDefinition pruner, HommTrainerDefinition trainer, YMapping prunerNode)
    {
        if (pruner.Kind is not ("asha" or "hyperband") || !pruner.Options.TryGetValue("min_resource", out var m) || m is not long first
            || prunerNode.Entry("min_resource") is not { } entry)
        {
            return;
        }
        var path = NodeReader.Child("pruner", "min_resource");
        if (!trainer.Searched.Contains("eval_every") && trainer.Fixed.TryGetValue("eval_every", out var e) && e is long every && first % every != 0)
        {
            r.Warning(entry.Value, path, string.Create(CultureInfo.InvariantCulture,
                $"the first rung (step {first}) falls between evaluations (trainer eval_every: {every}), so trials are judged at step {(first / every + 1) * every}; make min_resource a multiple of eval_every"));
        }
        if (!trainer.Searched.Contains("warmup") && trainer.Fixed.TryGetValue("warmup", out var w) && w is long warmup && first < warmup)
        {
            r.Warning(entry.Value, path, string.Create(CultureInfo.InvariantCulture,
                $"the first rung (step {first}) comes before the learning-rate warm-up ends (trainer optim.warmup: {warmup}): trials are ranked before they have trained; a first rung after the warm-up ranks them better"));
        }
    }

    private static void CheckSamplerFits(NodeReader r, SamplerDefinition sampler, BoundSearchSpace space, SearchSpaceDefinition definition, YNode samplerNode)
    {
        if (sampler.Kind != "grid")
            return;
        // sampler.search_space lists the values to try for some parameters (Optuna's GridSampler argument).
        var listed = sampler.Options.TryGetValue("search_space", out var lists)
            ? (IReadOnlyDictionary<string, IReadOnlyList<object>>)lists
            : new Dictionary<string, IReadOnlyList<object>>();
        var listNode = (samplerNode as YMapping)?["search_space"] as YMapping;
        var ok = true;
        foreach (var (name, values) in listed)
        {
            var entry = listNode?.Entry(name);
            var at = (YNode?)entry?.Key ?? samplerNode;
            var path = NodeReader.Child("sampler.search_space", name);
            if (definition.Find(name) is not { } spec)
            {
                var suggestion = NameSuggestion.Closest(name, definition.Parameters.Select(p => p.Name));
                r.Error(at, path, $"'{NodeReader.Printable(name)}' is not a parameter of the search space" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"));
                ok = false;
                continue;
            }
            for (var i = 0; i < values.Count; i++)
            {
                if (!SearchSpaceBinder.InDomain(spec.Distribution, values[i]))
                {
                    var item = (entry?.Value as YSequence)?.Items.ElementAtOrDefault(i) ?? at;
                    r.Error(item, NodeReader.Item(path, i), $"{SearchSpaceBinder.Show(values[i])} is not in the search space of '{name}' ({spec.Distribution})");
                    ok = false;
                }
            }
        }
        var continuous = definition.Parameters.Where(p => p.Distribution is FloatDistribution { Step: null } f && !f.IsSingle && !listed.ContainsKey(p.Name)).ToList();
        foreach (var p in continuous)
        {
            var bound = space.Find(p.Name)!;
            r.Error(bound.Key, NodeReader.Child("search_space", p.Name),
                $"the grid sampler needs a finite set of values, but '{p.Name}' is a continuous range; give it a step, list choices, " +
                $"list the values to try in sampler.search_space (e.g. search_space: {{{p.Name}: [...]}}), or use another sampler");
        }
        if (continuous.Count > 0 || !ok)
            return;
        var points = definition.Parameters.Aggregate(1.0, (n, p) => n * p.Distribution switch
        {
            _ when listed.TryGetValue(p.Name, out var values) => values.Count,
            CategoricalDistribution c => c.Choices.Count,
            IntDistribution i => ((double)(i.High - i.Low) / i.Step) + 1,
            FloatDistribution { Step: { } s } f => Math.Floor(((f.High - f.Low) / s) + 1e-9) + 1,
            _ => 1,
        });
        var max = sampler.Options.TryGetValue("max_grid_points", out var m) ? (long)m : DefaultMaxGridPoints;
        if (points > max)
        {
            r.Error(samplerNode, "sampler.kind", string.Create(CultureInfo.InvariantCulture,
                $"the grid has {(points < 1e9 ? points.ToString("N0", CultureInfo.InvariantCulture) : points.ToString("0.##e0", CultureInfo.InvariantCulture))} points, more than max_grid_points ({max}); coarsen the steps or choices, or use another sampler"));
        }
    }

    /// <summary>
    /// <c>enqueue</c>: trials to run first (warm start, e.g. known good configurations), each a
    /// mapping parameter → value; parameters left out are sampled. Each item is checked by Core's
    /// <see cref="TrialRules"/>, the rule the dashboard, the CLI and the driver apply too; the
    /// model-size limits need the trainer's counter and are checked when the trial starts.
    /// </summary>
    private static List<IReadOnlyDictionary<string, object>>? Enqueue(NodeReader r, YNode node, string path, SearchSpaceDefinition space, StudyConstraints constraints)
    {
        if (r.Sequence(node, path, "[{dim: 320, order: 2, order_expand: 4}]") is not { } seq)
            return null;
        var rules = new TrialRules(space, constraints.Expressions);
        var result = new List<IReadOnlyDictionary<string, object>>();
        var ok = true;
        for (var i = 0; i < seq.Items.Count; i++)
        {
            var p = NodeReader.Item(path, i);
            if (r.Mapping(seq.Items[i], p, "{lr: 0.001, order: 2}") is not { } map)
            {
                ok = false;
                continue;
            }
            var names = space.Parameters.Select(x => x.Name).ToList();
            r.CheckKeys(map, p, names);
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            var itemOk = map.Entries.All(e => names.Contains(e.Key.Value));
            foreach (var (key, valueNode) in map.Entries)
            {
                if (space.Find(key.Value) is null)
                    continue;
                if (r.Value(valueNode, NodeReader.Child(p, key.Value), $"a value of '{key.Value}'") is { } v)
                    values[key.Value] = v;
                else
                    itemOk = false;
            }
            if (!itemOk)
            {
                ok = false;
                continue;
            }
            var checkedValues = rules.Check(values);
            foreach (var problem in checkedValues.Problems)
            {
                if (problem.Parameter is { } name && map.Entry(name) is { } entry)
                {
                    // A value outside its distribution is marked at the value; a parameter that may
                    // not be given (inactive, parent not fixed) at its name.
                    var valueIsBad = !ParameterValues.TryNormalize(space.Find(name)!.Distribution, values[name]!, out _, out _);
                    r.Error(valueIsBad ? entry.Value : entry.Key, NodeReader.Child(p, name), problem.Message);
                }
                else
                {
                    r.Error(map, p, $"this trial {problem.Message}");
                }
            }
            if (checkedValues.IsValid)
                result.Add(checkedValues.Values);
            ok &= checkedValues.IsValid;
        }
        return ok ? result : null;
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_./-]{0,199}$")]
    private static partial Regex MetricName();
}
