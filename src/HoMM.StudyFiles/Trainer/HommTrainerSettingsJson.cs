using System.Text.Json;
using System.Text.Json.Serialization;

namespace HoMM.StudyFiles.Trainer;

/// <summary>
/// The <c>settings</c> object of a built-in trainer's trial.json: <see cref="HommTrainerSettings"/>
/// laid out as the study file's <c>trainer</c> section (snake_case keys, <c>model</c>, <c>optim</c>,
/// <c>data</c> sections), e.g. <c>{"model":{"dim":64,...,"order_expand":2,...},"optim":{"lr":0.001,...},
/// "data":{"dataset":"fashion-mnist","path":"...","image_size":28},"eval_every":100,"seed":0,
/// "threads":null,"device":"cpu"}</c>. The dispatcher writes it and homm-train reads it with the same codec.
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
}
