using System.Globalization;
using HoMM.Model;
using HoMM.TrainerSettings;
using HoMM.Torch;
using HoMM.Trainer.Data;
using HoMM.Trainer.Protocol;
using static HoMM.Torch.torch;

namespace HoMM.Trainer.Training;

/// <summary>How a run ended.</summary>
public enum RunOutcome
{
    /// <summary>All steps done; the final line was written.</summary>
    Completed,

    /// <summary>Stopped by a control line or the end of stdin (checkpoint written unless pruned).</summary>
    Stopped,

    /// <summary>The loss became NaN or infinite; an error line with reason "diverged" was written.</summary>
    Diverged,
}

/// <summary>What a finished run measured (also written as protocol lines).</summary>
public sealed record RunResult(RunOutcome Outcome, long Step, IReadOnlyDictionary<string, double> Metrics, double MillisecondsPerStep, long PeakResidentBytes);

/// <summary>
/// One training run of HoMVision: AdamW with decoupled weight decay, linear warm-up + cosine decay,
/// gradient-norm clipping, evaluation on the validation hold-out every <c>eval_every</c> steps and
/// at the end, an atomic checkpoint after each evaluation, resumable at any checkpoint with the
/// same result as an uninterrupted run (batches and dropout masks depend only on the seed and the
/// step). The test set is evaluated once, after the last step, and only the final line carries it.
/// </summary>
public sealed class TrainingRun
{
    private readonly HommTrainerSettings _settings;
    private readonly IRunData _data;
    private readonly string _trialDirectory;
    private readonly ProtocolWriter _protocol;
    private readonly ControlReader _control;
    private readonly TextWriter _log;
    private readonly TimeProvider _time;

    /// <summary>A run on <paramref name="data"/> (an image folder, or in-memory data: see <see cref="InMemoryData"/>); the caller disposes the data.</summary>
    public TrainingRun(HommTrainerSettings settings, IRunData data, string trialDirectory,
        ProtocolWriter protocol, ControlReader control, TextWriter log, TimeProvider time)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _data = data ?? throw new ArgumentNullException(nameof(data));
        _trialDirectory = trialDirectory ?? throw new ArgumentNullException(nameof(trialDirectory));
        _protocol = protocol ?? throw new ArgumentNullException(nameof(protocol));
        _control = control ?? throw new ArgumentNullException(nameof(control));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>A run on in-memory sets (Fashion-MNIST's IDX files), batched by <see cref="BatchOrder"/>.</summary>
    public TrainingRun(HommTrainerSettings settings, TrainingData data, string trialDirectory,
        ProtocolWriter protocol, ControlReader control, TextWriter log, TimeProvider time)
        : this(settings, new InMemoryData(data, settings?.Optim.Batch ?? 1, settings?.Seed ?? 0), trialDirectory, protocol, control, log, time)
    {
    }

    /// <summary>Shows a progress line on the log (for a person at a terminal).</summary>
    public bool ShowProgress { get; init; }

    /// <summary>
    /// Benchmark mode: train this many steps from the start, without evaluation or checkpoint, then
    /// report the mean step time over the steps after the first <see cref="WarmupSteps"/> (first
    /// touches of memory, lazy initialisation) in the closing info line; no final line.
    /// </summary>
    public int? BenchmarkSteps { get; init; }

    /// <summary>Steps left out of the benchmark mean.</summary>
    public const int WarmupSteps = 2;

    /// <summary>Called after each training step with the number of steps done (observers: tests, benchmarks).</summary>
    public Action<long>? AfterStep { get; init; }

    public RunResult Run(bool resume)
    {
        var o = _settings.Optim;
        var device = ResolveDevice(_settings.Device);
        var shape = HommShape.Of(_settings, _data.Classes, _data.Channels, _data.Side);
        var pooling = _settings.Model.Pooling == "mean" ? Pooling.Mean : Pooling.Cls;

        manual_seed(_settings.Seed);
        using var model = new HoMVision(shape, _settings.Model.Dropout, pooling).to(device);
        using var optimizer = optim.AdamW(model.parameters(), lr: o.Lr, weight_decay: o.Wd);
        var modelKey = HommTrainerSettingsJson.ToJson(_settings).GetProperty("model").GetRawText();

        var checkpointPath = Checkpoint.PathIn(_trialDirectory);
        var state = new CheckpointState(0, modelKey, 0, 0, 0, 0, 0, Data: _data.Description);
        if (resume && File.Exists(checkpointPath))
        {
            state = Checkpoint.Load(checkpointPath, model, optimizer);
            if (state.Model != modelKey)
                throw new InvalidOperationException($"{checkpointPath} was written for the model {state.Model}, not {modelKey}; delete it to start this trial afresh");
            // A checkpoint of before the validation split has no Data: it trained on every training image.
            if (state.Data != _data.Description)
                throw new InvalidOperationException($"{checkpointPath} was trained on other data ({state.Data ?? "all training images, no validation hold-out"}), not on {_data.Description}; delete it to start this trial afresh");
            _log.WriteLine($"homm-train: resumed from {checkpointPath} at step {state.Step}");
        }
        else if (resume)
        {
            _log.WriteLine($"homm-train: asked to resume but {checkpointPath} does not exist; starting from step 0");
        }

        var parameters = model.parameters().Sum(p => p.numel());
        _protocol.Info(new Dictionary<string, object>
        {
            ["params"] = parameters,
            ["flops"] = HommComplexity.Flops(shape),
            // What trials_per_gpu: auto assumes this run holds (bytes), to compare with peak_gpu_memory.
            ["memory_estimate"] = HommComplexity.TrainingMemory(shape, _settings).Peak,
            ["device"] = device.ToString(),
            ["threads"] = get_num_threads(),
            ["torch"] = __version__,
            ["tokens"] = shape.Tokens,
            ["resumed_from_step"] = state.Step,
            ["precision"] = _settings.Precision,
            ["split"] = _data.Description,
        });
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"homm-train: {parameters:N0} parameters, {HommComplexity.Flops(shape) / 1e6:F1} MFLOPs/image, device {device}, {_settings.Precision}, {get_num_threads()} thread(s), libtorch {__version__}"));
        _log.WriteLine($"homm-train: data: {_data.Description}");

        var batchCapacity = _data.BatchCapacity;
        using var input = new DeviceInput(batchCapacity, _data.Channels, _data.Side, _data.Classes, device);
        // The stream starts at the checkpoint's step: batch b depends only on (seed, b), so a resumed
        // run reads (and augments) exactly the images an uninterrupted one reads from there on.
        using var training = _data.Training(state.Step);
        var corrupt = new Dictionary<string, DataStatistics>(StringComparer.Ordinal);
        var lossSum = state.TrainLossSum;
        var correct = state.TrainCorrect;
        var seen = state.TrainSeen;
        var windowSteps = state.TrainSteps;
        var trainSeconds = state.TrainSeconds;
        var stepsThisRun = 0L;
        var secondsThisRun = 0.0;
        var lastProgress = _time.GetTimestamp();
        var lastMetrics = state.LastMetrics ?? new Dictionary<string, double>();
        var step = state.Step;

        var lastStep = BenchmarkSteps is { } b ? Math.Min(o.Steps, step + b) : o.Steps;
        var timedSeconds = 0.0;
        var timedSteps = 0;
        for (; step < lastStep; step++)
        {
            if (_control.StopReason is { } reason)
                return Stop(reason);

            var started = _time.GetTimestamp();
            double lossValue;
            using (var scope = NewDisposeScope())
            {
                model.train();
                optimizer.ParamGroups[0].LearningRate = LearningRateSchedule.At(step, o.Lr, o.Warmup, o.Steps);
                if (_settings.Model.Dropout > 0)
                    manual_seed(StepSeed(_settings.Seed, step));   // dropout masks depend on (seed, step) only
                training.TryNext(out var batch);
                var n = batch.Count;
                var (x, y, soft) = input.Load(batch);
                optimizer.zero_grad();
                Tensor logits;
                using (Autocast(device))
                    logits = model.call(x);
                // The loss in float32 whatever the forward's precision (bf16-mixed does the same);
                // against the soft targets of a CutMix/MixUp batch, else the labels.
                var loss = nn.functional.cross_entropy(logits.@float(), soft ?? y);
                lossValue = loss.item<float>();
                if (!double.IsFinite(lossValue))
                {
                    _protocol.Error(string.Create(CultureInfo.InvariantCulture,
                        $"the training loss is {lossValue} at step {step + 1} (lr {optimizer.ParamGroups[0].LearningRate:G4}); lower lr or lengthen the warm-up"), "diverged");
                    return new RunResult(RunOutcome.Diverged, step, lastMetrics, 0, ProcessMemory.PeakResidentBytes());
                }

                loss.backward();
                if (o.Clip > 0)
                    nn.utils.clip_grad_norm_(model.parameters(), o.Clip);
                optimizer.step();
                correct += logits.argmax(1).eq(y).sum().item<long>();
                seen += n;
            }

            lossSum += lossValue;
            windowSteps++;
            var seconds = _time.GetElapsedTime(started).TotalSeconds;
            trainSeconds += seconds;
            secondsThisRun += seconds;
            if (stepsThisRun >= WarmupSteps)
            {
                timedSeconds += seconds;
                timedSteps++;
            }
            stepsThisRun++;

            var done = step + 1;
            AfterStep?.Invoke(done);
            if (ShowProgress && _time.GetElapsedTime(lastProgress).TotalSeconds >= 0.5)
            {
                lastProgress = _time.GetTimestamp();
                _log.Write(string.Create(CultureInfo.InvariantCulture,
                    $"\rstep {done}/{o.Steps}  loss {lossSum / windowSteps:F4}  {1000 * secondsThisRun / stepsThisRun:F1} ms/step   "));
            }

            if (BenchmarkSteps is null && (done % _settings.EvalEvery == 0 || done == o.Steps))
            {
                if (ShowProgress)
                    _log.WriteLine();
                var metrics = new Dictionary<string, double>
                {
                    ["train/loss"] = lossSum / windowSteps,
                    ["train/acc"] = (double)correct / seen,
                };
                foreach (var (name, value) in Evaluate(model, device, EvaluationSet.Validation, corrupt))
                    metrics[name] = value;
                metrics["lr"] = optimizer.ParamGroups[0].LearningRate;
                lastMetrics = metrics;
                _protocol.Metrics(done, lastMetrics);
                (lossSum, correct, seen, windowSteps) = (0, 0, 0, 0);
                Save(done);
            }
        }

        var msPerStep = BenchmarkSteps is null
            ? (stepsThisRun > 0 ? 1000 * secondsThisRun / stepsThisRun : 0)
            : (timedSteps > 0 ? 1000 * timedSeconds / timedSteps : 0);

        // The test set, once, from the final weights: a run resumed from its final checkpoint
        // evaluates the same weights and reports the same test metrics.
        var final = new Dictionary<string, double>(lastMetrics);
        if (BenchmarkSteps is null)
        {
            foreach (var (name, value) in Evaluate(model, device, EvaluationSet.Test, corrupt))
                final[name] = value;
            if (_control.StopReason is { } late)
                return Stop(late); // a stop line came during the test evaluation: no final line after it
        }

        var peak = ProcessMemory.PeakResidentBytes();
        var fed = training.Statistics;
        corrupt["train"] = fed;
        var corruptImages = corrupt.Values.Sum(c => c.CorruptImages);
        var closing = new Dictionary<string, object>
        {
            ["peak_memory"] = peak,
            ["ms_per_step"] = msPerStep,
            ["steps_per_s"] = msPerStep > 0 ? 1000 / msPerStep : 0,
            ["throughput"] = msPerStep > 0 ? 1000 * batchCapacity / msPerStep : 0,
            ["train_seconds"] = trainSeconds,
            // The data side's pace: training images per second of step time, and the share of step
            // time spent waiting for a batch (decode threads behind, or in-memory data's own fill).
            ["images_per_s"] = secondsThisRun > 0 ? fed.Images / secondsThisRun : 0,
            ["data_wait_share"] = secondsThisRun > 0 ? Math.Min(1, fed.Waited.TotalSeconds / secondsThisRun) : 0,
            ["corrupt_images"] = corruptImages,
        };
        if (corruptImages > 0)
            closing["corrupt_examples"] = string.Join("; ", corrupt.Values.SelectMany(c => c.CorruptExamples).Distinct(StringComparer.Ordinal).Take(10));
        // On a GPU the host's RSS says little: the caching allocator's peak is what limits the batch.
        if (device.type == DeviceType.CUDA)
            closing["peak_gpu_memory"] = cuda.max_memory_allocated(Math.Max(0, device.index));
        _protocol.Info(closing);
        var dataLine = string.Create(CultureInfo.InvariantCulture,
            $"{(double)closing["images_per_s"]:F0} images/s, {100 * (double)closing["data_wait_share"]:F1} % of step time waiting for data{(corruptImages > 0 ? $", {corruptImages} corrupt image(s) skipped" : "")}");
        if (BenchmarkSteps is not null)
        {
            _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"homm-train: benchmark, {timedSteps} timed steps, {msPerStep:F1} ms/step, {dataLine}, peak RSS {peak / 1048576.0:F0} MiB"));
            return new RunResult(RunOutcome.Completed, step, lastMetrics, msPerStep, peak);
        }

        _protocol.Final(final, step);
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"homm-train: done, {step} steps, {msPerStep:F1} ms/step ({(msPerStep > 0 ? 1000 / msPerStep : 0):F2} steps/s), {dataLine}, peak RSS {peak / 1048576.0:F0} MiB; val/acc {final.GetValueOrDefault("val/acc"):F4}, test/acc {final["test/acc"]:F4}"));
        return new RunResult(RunOutcome.Completed, step, final, msPerStep, peak);

        void Save(long doneSteps)
        {
            Checkpoint.Save(checkpointPath, new CheckpointState(doneSteps, modelKey, lossSum, correct, seen, windowSteps, trainSeconds, lastMetrics, _data.Description), model, optimizer);
            _protocol.Checkpoint(checkpointPath, doneSteps);
        }

        RunResult Stop(string reason)
        {
            if (ShowProgress)
                _log.WriteLine();
            _log.WriteLine($"homm-train: stopping at step {step} ({reason})");
            if (reason != "pruned" && step > state.Step)
                Save(step);
            return new RunResult(RunOutcome.Stopped, step, lastMetrics, stepsThisRun > 0 ? 1000 * secondsThisRun / stepsThisRun : 0, ProcessMemory.PeakResidentBytes());
        }
    }

    /// <summary>
    /// <c>val/*</c> or <c>test/*</c>: the mean cross-entropy (<c>…/loss</c>), top-1 accuracy
    /// (<c>…/acc</c>) and, with 5 classes or more, top-5 (<c>…/acc5</c>) over every image of the
    /// set that decodes, in batches of <c>eval_batch</c>, without gradients, in the run's precision.
    /// The pass's data statistics (corrupt files skipped) go into <paramref name="statistics"/>.
    /// </summary>
    private Dictionary<string, double> Evaluate(nn.Module<Tensor, Tensor> model, Device device, EvaluationSet which, Dictionary<string, DataStatistics> statistics)
    {
        var prefix = which == EvaluationSet.Validation ? "val" : "test";
        model.eval();
        using var _ = no_grad();
        var batchSize = _settings.EvalBatchOrDefault();
        using var source = _data.Evaluation(which, batchSize);
        using var input = new DeviceInput(batchSize, _data.Channels, _data.Side, _data.Classes, device);
        var topK = _data.Classes >= 5;
        double lossSum = 0;
        long correct = 0, correct5 = 0, count = 0;
        while (source.TryNext(out var batch))
        {
            if (batch.Count == 0)
                continue; // every image of the batch was corrupt
            using var scope = NewDisposeScope();
            var (x, y, _) = input.Load(batch);
            Tensor logits;
            using (Autocast(device))
                logits = model.call(x).@float();
            lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(y).sum().item<long>();
            if (topK)
            {
                // The 5 indices of a row are distinct, so a row adds at most one hit.
                correct5 += logits.topk(5, 1).indexes.eq(y.unsqueeze(1)).sum().item<long>();
            }

            count += batch.Count;
        }

        model.train();
        statistics[prefix] = source.Statistics;
        var metrics = new Dictionary<string, double>
        {
            [$"{prefix}/loss"] = lossSum / count,
            [$"{prefix}/acc"] = (double)correct / count,
        };
        if (topK)
            metrics[$"{prefix}/acc5"] = (double)correct5 / count;
        return metrics;
    }

    /// <summary>The bfloat16 autocast scope of a forward pass under <c>precision: bf16</c>; null (no scope) under fp32.</summary>
    private IDisposable? Autocast(Device device) =>
        _settings.Precision == "bf16" ? autocast(device.type, bfloat16) : null;

    /// <summary>auto → cuda when libtorch sees a GPU, else cpu.</summary>
    public static Device ResolveDevice(string device) => device switch
    {
        "cpu" => CPU,
        "cuda" when !cuda.is_available() => throw new InvalidOperationException("device: cuda was asked for, but libtorch sees no CUDA device (a CPU build of libtorch, or CUDA_VISIBLE_DEVICES is empty); build HoMM.Torch with Torch_DIR pointing to a CUDA libtorch, or use device: cpu"),
        "cuda" => CUDA,
        "auto" => cuda.is_available() ? CUDA : CPU,
        _ => throw new ArgumentException($"device '{device}' is not one of auto, cpu, cuda"),
    };

    private static long StepSeed(long seed, long step) =>
        (long)(SplitMix64.Mix(unchecked(((ulong)seed * 0x9E3779B97F4A7C15UL) + (ulong)step)) >> 1);
}
