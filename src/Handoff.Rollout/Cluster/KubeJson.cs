using System.Globalization;
using System.Text.Json;

namespace Handoff.Rollout.Cluster;

/// <summary>Small readers for Kubernetes objects as JSON: a path of property names, a missing step gives null.</summary>
internal static class KubeJson
{
    public static JsonElement? Get(JsonElement element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.Null ? null : current;
    }

    public static string? String(JsonElement element, params string[] path)
        => Get(element, path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static long? Number(JsonElement element, params string[] path)
        => Get(element, path) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : null;

    public static bool? Bool(JsonElement element, params string[] path)
        => Get(element, path) switch
        {
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            _ => null,
        };

    public static IEnumerable<JsonElement> Array(JsonElement element, params string[] path)
        => Get(element, path) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    public static IEnumerable<KeyValuePair<string, string>> StringMap(JsonElement element, params string[] path)
    {
        if (Get(element, path) is not { ValueKind: JsonValueKind.Object } map)
        {
            yield break;
        }

        foreach (var property in map.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                yield return new KeyValuePair<string, string>(property.Name, property.Value.GetString()!);
            }
        }
    }

    public static DateTimeOffset? Time(JsonElement element, params string[] path)
        => String(element, path) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;
}
