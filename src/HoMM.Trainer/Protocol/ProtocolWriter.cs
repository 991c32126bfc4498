using System.Text;
using System.Text.Json;

namespace HoMM.Trainer.Protocol;

/// <summary>
/// Writes the JSON-lines protocol of docs/custom-trainer.md: one object per line, flushed at once.
/// Non-finite numbers are written as the strings "NaN", "Infinity", "-Infinity", which the
/// dispatcher reads back as numbers.
/// </summary>
public sealed class ProtocolWriter(TextWriter output)
{
    private readonly Lock _lock = new();

    public void Info(IReadOnlyDictionary<string, object> values) => Write(w =>
    {
        w.WritePropertyName("info");
        WriteObject(w, values);
    });

    public void Metrics(long step, IReadOnlyDictionary<string, double> metrics) => Write(w =>
    {
        w.WriteNumber("step", step);
        w.WritePropertyName("metrics");
        WriteObject(w, metrics.ToDictionary(kv => kv.Key, kv => (object)kv.Value));
    });

    public void Checkpoint(string path, long step) => Write(w =>
    {
        w.WriteString("checkpoint", path);
        w.WriteNumber("step", step);
    });

    public void Final(IReadOnlyDictionary<string, double> metrics, long step) => Write(w =>
    {
        w.WritePropertyName("final");
        WriteObject(w, metrics.ToDictionary(kv => kv.Key, kv => (object)kv.Value));
        w.WriteNumber("step", step);
    });

    public void Error(string message, string reason) => Write(w =>
    {
        w.WriteString("error", message);
        w.WriteString("reason", reason);
    });

    private void Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        var line = Encoding.UTF8.GetString(buffer.ToArray());
        lock (_lock)
        {
            output.Write(line + "\n");
            output.Flush();
        }
    }

    private static void WriteObject(Utf8JsonWriter w, IReadOnlyDictionary<string, object> values)
    {
        w.WriteStartObject();
        foreach (var (key, value) in values)
        {
            w.WritePropertyName(key);
            switch (value)
            {
                case double d when !double.IsFinite(d):
                    w.WriteStringValue(double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                    break;
                case double d:
                    w.WriteNumberValue(d);
                    break;
                case long l:
                    w.WriteNumberValue(l);
                    break;
                case int i:
                    w.WriteNumberValue(i);
                    break;
                case bool b:
                    w.WriteBooleanValue(b);
                    break;
                default:
                    w.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }

        w.WriteEndObject();
    }
}
