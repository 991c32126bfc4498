using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace HoMM.TrainerSettings;

/// <summary>
/// The <c>settings</c> object of a built-in trainer's trial.json: <see cref="HommTrainerSettings"/>
/// laid out as the study file's <c>trainer</c> section (snake_case keys, <c>model</c>, <c>optim</c>,
/// <c>data</c> sections), e.g. <c>{"model":{"dim":64,...,"order_expand":2,...},"optim":{"lr":0.001,...},
/// "data":{"dataset":"fashion-mnist","path":"...","image_size":28},"eval_every":100,"seed":0,
/// "threads":null,"device":"cpu"}</c>. The dispatcher writes it and homm-train reads it with the same
/// codec; <see cref="FromValues"/> and <see cref="ToValues"/> convert to and from the schema's
/// name → value form (<see cref="HommSettings"/>).
/// </summary>
public static class HommTrainerSettingsJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static JsonElement ToJson(HommTrainerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return JsonSerializer.SerializeToElement(settings, Options);
    }

    /// <exception cref="JsonException">The object is not a complete settings object (the message names the key).</exception>
    public static HommTrainerSettings FromJson(JsonElement json) =>
        json.Deserialize<HommTrainerSettings>(Options) ?? throw new JsonException("the settings are null; expected an object");

    /// <summary>The settings object with every setting of <paramref name="values"/> (by name) in its section.</summary>
    public static JsonObject ToJsonObject(IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var root = new JsonObject();
        foreach (var (name, value) in values)
        {
            var spec = HommSettings.Find(name) ?? throw new ArgumentException($"'{name}' is not a setting of the built-in trainer", nameof(values));
            var target = root;
            if (spec.Section.Length > 0)
            {
                if (root[spec.Section] is not JsonObject section)
                    root[spec.Section] = section = [];
                target = section;
            }
            target[name] = spec.Normalize(value) switch
            {
                null => null,
                long l => JsonValue.Create(l),
                double d => JsonValue.Create(d),
                bool b => JsonValue.Create(b),
                var other => JsonValue.Create((string)other),
            };
        }
        return root;
    }

    /// <summary>One trial's settings from name → value (as the study file and the trial's parameters give them).</summary>
    /// <exception cref="ArgumentException">A setting that needs a value has none, or a value does not fit its setting.</exception>
    public static HommTrainerSettings FromValues(IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (HommSettings.All.FirstOrDefault(s => !s.Optional && values.GetValueOrDefault(s.Name) is null) is { } missing)
            throw new ArgumentException($"trainer setting '{missing.Name}' has no value for this trial", nameof(values));
        var complete = HommSettings.All.ToDictionary(s => s.Name, s => values.GetValueOrDefault(s.Name), StringComparer.Ordinal);
        try
        {
            return FromJson(JsonSerializer.SerializeToElement(ToJsonObject(complete)));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the trainer settings do not fit: {e.Message}", nameof(values), e);
        }
    }

    /// <summary>Every setting's value by name: long (Int), double (Float), string (Choice, Text), bool (Bool) or null.</summary>
    public static Dictionary<string, object?> ToValues(HommTrainerSettings settings)
    {
        var json = ToJson(settings);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var spec in HommSettings.All)
        {
            var holder = spec.Section.Length == 0 ? json : json.GetProperty(spec.Section);
            var e = holder.GetProperty(spec.Name);
            values[spec.Name] = e.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => e.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ when spec.Type == SettingType.Int => e.GetInt64(),
                _ => e.GetDouble(),
            };
        }
        return values;
    }
}
