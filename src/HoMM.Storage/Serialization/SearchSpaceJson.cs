using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HoMM.Core.SearchSpace;

namespace HoMM.Storage.Serialization;

/// <summary>
/// The JSON form of a search space, stored with its study, and its fingerprint, which
/// <c>run</c> compares to tell "resume the same study" from "the space changed under it".
/// <code>
/// {"parameters":[
///   {"name":"order","distribution":{"type":"int",...},"when":null},
///   {"name":"order_expand","distribution":{...},"when":{"parent":"order","values":[2,3]}}]}
/// </code>
/// </summary>
public static class SearchSpaceJson
{
    public static string Serialize(SearchSpaceDefinition space) => Write(space, sortByName: false);

    /// <exception cref="JsonException">The text is not a search space this version understands.</exception>
    public static SearchSpaceDefinition Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("parameters", out var parameters) || parameters.ValueKind != JsonValueKind.Array)
            throw new JsonException($"a search space is an object with a \"parameters\" array, found: {Shorten(json)}");
        try
        {
            return new SearchSpaceDefinition(parameters.EnumerateArray().Select(ReadParameter).ToList());
        }
        catch (ArgumentException ex)
        {
            throw new JsonException($"invalid search space: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// "sha256:" + the hex SHA-256 of the canonical form. Parameters are sorted by name first:
    /// reordering keys in a study file changes no value a trial may take, so it must not force
    /// a new study. Any change to a name, a bound, log, step, a choice (or its type: 1 vs 1.0)
    /// or a condition changes the fingerprint.
    /// </summary>
    public static string Fingerprint(SearchSpaceDefinition space)
    {
        var canonical = Write(space, sortByName: true);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static string Write(SearchSpaceDefinition space, bool sortByName)
    {
        ArgumentNullException.ThrowIfNull(space);
        var parameters = sortByName
            ? space.Parameters.OrderBy(p => p.Name, StringComparer.Ordinal)
            : space.Parameters.AsEnumerable();
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("parameters");
            foreach (var p in parameters)
            {
                w.WriteStartObject();
                w.WriteString("name", p.Name);
                w.WritePropertyName("distribution");
                DistributionJson.Write(w, p.Distribution);
                if (p.When is { } when)
                {
                    w.WriteStartObject("when");
                    w.WriteString("parent", when.Parent);
                    w.WriteStartArray("values");
                    foreach (var v in when.Values)
                        JsonScalar.Write(w, v);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("when");
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static ParameterSpec ReadParameter(JsonElement e)
    {
        var name = e.GetProperty("name").GetString()
            ?? throw new JsonException("a search-space parameter has a null name");
        var distribution = DistributionJson.Read(e.GetProperty("distribution"));
        Condition? when = null;
        if (e.TryGetProperty("when", out var w) && w.ValueKind != JsonValueKind.Null)
        {
            when = new Condition(
                w.GetProperty("parent").GetString() ?? throw new JsonException($"parameter '{name}': condition without a parent"),
                w.GetProperty("values").EnumerateArray().Select(JsonScalar.Read).ToArray());
        }
        return new ParameterSpec(name, distribution, when);
    }

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
