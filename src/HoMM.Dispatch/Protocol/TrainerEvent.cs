using System.Text.Json;

namespace HoMM.Dispatch.Protocol;

/// <summary>
/// One line a trainer wrote on stdout, as the dispatcher understands it. The wire format is
/// documented in docs/custom-trainer.md; <see cref="TrainerProtocol.ParseLine"/> turns a line into
/// exactly one event and never throws.
/// </summary>
public abstract record TrainerEvent;

/// <summary><c>{"step":500,"metrics":{"train/loss":0.41,"val/acc":0.87}}</c>: intermediate values at a step.</summary>
public sealed record MetricsReported(long Step, IReadOnlyDictionary<string, double> Metrics) : TrainerEvent;

/// <summary>
/// <c>{"final":{"val/acc":0.9},"step":1000}</c>: the trial's result. The step is optional. A trainer
/// that exits with code 0 without this line has failed ("no final result").
/// </summary>
public sealed record FinalResultReported(IReadOnlyDictionary<string, double> Metrics, long? Step) : TrainerEvent;

/// <summary><c>{"error":"loss is NaN at step 300","reason":"diverged"}</c>: the trainer gives up.</summary>
public sealed record TrainerErrorReported(string Message, TrainerErrorKind Kind, string? Reason) : TrainerEvent;

/// <summary>
/// <c>{"info":{"params":1204000,"flops":3.1e8,"throughput":5120.5}}</c>: facts about the run that are
/// not learning curves (parameter count, FLOPs per sample, samples/s, peak memory...). Values are
/// kept as JSON so strings and nested objects survive.
/// </summary>
public sealed record InfoReported(IReadOnlyDictionary<string, JsonElement> Values) : TrainerEvent;

/// <summary><c>{"checkpoint":"ckpt/last.pt","step":500}</c>: a checkpoint a later attempt can resume from.</summary>
public sealed record CheckpointReported(long Step, string Path) : TrainerEvent;

/// <summary>A stdout line that is not a protocol message (a print, a progress bar, JSON of another shape).</summary>
public sealed record LogLine(string Text, bool Truncated) : TrainerEvent;

/// <summary>
/// A line that is meant as a protocol message but breaks a rule (a metrics line without a step,
/// a non-numeric metric...). The usable part, if any, is not delivered; the message says what to fix.
/// </summary>
public sealed record ProtocolWarning(string Message, string Line) : TrainerEvent;

/// <summary>What an error line says went wrong; drives the failure reason the dashboard shows.</summary>
public enum TrainerErrorKind
{
    /// <summary>Any other reason, or none given.</summary>
    Other,

    /// <summary><c>"reason":"diverged"</c> (or <c>"nan"</c>): the loss became NaN/inf or exploded.</summary>
    Diverged,

    /// <summary><c>"reason":"oom"</c> (or <c>"out_of_memory"</c>): an allocation failed.</summary>
    OutOfMemory,
}
