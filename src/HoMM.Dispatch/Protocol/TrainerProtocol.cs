using System.Text;
using System.Text.Json;

namespace HoMM.Dispatch.Protocol;

/// <summary>
/// Parses trainer stdout lines. A line is a protocol message when it is a JSON object with one of
/// the keys <c>error</c>, <c>final</c>, <c>metrics</c>, <c>info</c>, <c>checkpoint</c> (checked in
/// that order); anything else is a log line. Parsing never throws: a trainer's print must not be
/// able to crash the dispatcher.
/// </summary>
public static class TrainerProtocol
{
    /// <summary>Lines longer than this (in UTF-8 bytes) are cut; a cut line is always a log line.</summary>
    public const int DefaultMaxLineBytes = 1 << 20;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    /// <summary>Classifies one line (without its newline). <paramref name="truncated"/> marks a line the reader cut.</summary>
    public static TrainerEvent ParseLine(string line, bool truncated = false)
    {
        ArgumentNullException.ThrowIfNull(line);
        var trimmed = line.AsSpan().Trim();
        if (truncated || trimmed.Length < 2 || trimmed[0] != '{' || trimmed[^1] != '}')
            return new LogLine(line, truncated);

        using var doc = TryParse(trimmed.ToString());
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object)
            return new LogLine(line, false);
        var root = doc.RootElement;

        if (root.TryGetProperty("error", out var error))
            return ParseError(root, error);
        if (root.TryGetProperty("final", out var final))
            return ParseFinal(root, final, line);
        if (root.TryGetProperty("metrics", out var metrics))
            return ParseMetrics(root, metrics, line);
        if (root.TryGetProperty("info", out var info))
            return ParseInfo(info, line);
        if (root.TryGetProperty("checkpoint", out var checkpoint))
            return ParseCheckpoint(root, checkpoint, line);
        return new LogLine(line, false);
    }

    private static JsonDocument? TryParse(string json)
    {
        try
        {
            return JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException)
        {
            // Python's json.dumps writes float('nan') as a bare NaN, which is not JSON. A diverging
            // Python trainer is exactly when that happens, so quote the bare literals and retry
            // rather than losing the line.
            if (!json.Contains("NaN", StringComparison.Ordinal) && !json.Contains("Infinity", StringComparison.Ordinal))
                return null;
            try
            {
                return JsonDocument.Parse(QuoteBareNonFiniteLiterals(json), DocumentOptions);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>Rewrites bare <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> outside strings as JSON strings.</summary>
    internal static string QuoteBareNonFiniteLiterals(string json)
    {
        var sb = new StringBuilder(json.Length + 8);
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                sb.Append(c);
                if (c == '\\' && i + 1 < json.Length)
                    sb.Append(json[++i]);
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == '"')
            {
                inString = true;
                sb.Append(c);
                continue;
            }
            var rest = json.AsSpan(i);
            string? literal = rest.StartsWith("NaN") ? "NaN"
                : rest.StartsWith("-Infinity") ? "-Infinity"
                : rest.StartsWith("Infinity") ? "Infinity"
                : null;
            if (literal is null)
            {
                sb.Append(c);
                continue;
            }
            sb.Append('"').Append(literal).Append('"');
            i += literal.Length - 1;
        }
        return sb.ToString();
    }

    private static TrainerErrorReported ParseError(JsonElement root, JsonElement error)
    {
        var message = error.ValueKind == JsonValueKind.String ? error.GetString()! : error.GetRawText();
        string? reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        var kind = reason?.Trim().ToLowerInvariant() switch
        {
            "diverged" or "nan" or "divergence" => TrainerErrorKind.Diverged,
            "oom" or "out_of_memory" or "out of memory" => TrainerErrorKind.OutOfMemory,
            _ => TrainerErrorKind.Other,
        };
        return new TrainerErrorReported(message, kind, reason);
    }

    private static TrainerEvent ParseFinal(JsonElement root, JsonElement final, string line)
    {
        if (final.ValueKind != JsonValueKind.Object)
            return new ProtocolWarning("\"final\" must be an object of metric name → number, e.g. {\"final\":{\"val/acc\":0.9}}", line);
        var (metrics, problem) = ReadMetrics(final);
        if (problem is not null)
            return new ProtocolWarning($"final result ignored: {problem}", line);
        long? step = null;
        if (root.TryGetProperty("step", out var s))
        {
            if (!TryReadStep(s, out var value))
                return new ProtocolWarning("final result ignored: \"step\" must be a non-negative integer", line);
            step = value;
        }
        return new FinalResultReported(metrics, step);
    }

    private static TrainerEvent ParseMetrics(JsonElement root, JsonElement metricsElement, string line)
    {
        if (!root.TryGetProperty("step", out var s))
            return new ProtocolWarning("metrics ignored: the line has no \"step\"; write {\"step\":N,\"metrics\":{...}}", line);
        if (!TryReadStep(s, out var step))
            return new ProtocolWarning("metrics ignored: \"step\" must be a non-negative integer", line);
        if (metricsElement.ValueKind != JsonValueKind.Object)
            return new ProtocolWarning("metrics ignored: \"metrics\" must be an object of metric name → number", line);
        var (metrics, problem) = ReadMetrics(metricsElement);
        return problem is null
            ? new MetricsReported(step, metrics)
            : new ProtocolWarning($"metrics ignored: {problem}", line);
    }

    private static TrainerEvent ParseInfo(JsonElement info, string line)
    {
        if (info.ValueKind != JsonValueKind.Object)
            return new ProtocolWarning("\"info\" must be an object, e.g. {\"info\":{\"params\":1204000}}", line);
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in info.EnumerateObject())
            values[p.Name] = p.Value.Clone();
        return new InfoReported(values);
    }

    private static TrainerEvent ParseCheckpoint(JsonElement root, JsonElement checkpoint, string line)
    {
        if (checkpoint.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(checkpoint.GetString()))
            return new ProtocolWarning("\"checkpoint\" must be the checkpoint's path, e.g. {\"checkpoint\":\"ckpt.pt\",\"step\":500}", line);
        if (!root.TryGetProperty("step", out var s) || !TryReadStep(s, out var step))
            return new ProtocolWarning("checkpoint ignored: it needs \"step\", a non-negative integer", line);
        return new CheckpointReported(step, checkpoint.GetString()!);
    }

    private static (Dictionary<string, double> Metrics, string? Problem) ReadMetrics(JsonElement obj)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            if (!TryReadNumber(p.Value, out var value))
                return (metrics, $"metric \"{p.Name}\" is {Describe(p.Value)}, not a number");
            metrics[p.Name] = value;
        }
        return (metrics, null);
    }

    private static bool TryReadNumber(JsonElement e, out double value)
    {
        value = 0;
        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
                return e.TryGetDouble(out value);
            case JsonValueKind.String:
                // NaN and infinities arrive quoted (or were quoted above); a diverging loss must be
                // seen as NaN, not dropped.
                switch (e.GetString()!.Trim().ToLowerInvariant())
                {
                    case "nan": value = double.NaN; return true;
                    case "inf" or "infinity" or "+inf" or "+infinity": value = double.PositiveInfinity; return true;
                    case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
                    default: return false;
                }
            default:
                return false;
        }
    }

    private static bool TryReadStep(JsonElement e, out long step)
    {
        step = 0;
        if (e.ValueKind != JsonValueKind.Number)
            return false;
        if (e.TryGetInt64(out step))
            return step >= 0;
        // 500.0 is a step too (some JSON writers emit integral floats).
        if (e.TryGetDouble(out var d) && d >= 0 && d <= long.MaxValue && Math.Floor(d) == d)
        {
            step = (long)d;
            return true;
        }
        return false;
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{e.GetString()}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => e.GetRawText(),
    };
}
