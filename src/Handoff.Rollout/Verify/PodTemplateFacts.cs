using System.Globalization;
using System.Text.Json;
using Handoff.Rollout.Cluster;

namespace Handoff.Rollout.Verify;

/// <summary>What a pod spec says about Track A: the preStop duration S and the grace period G.</summary>
/// <param name="GraceSeconds">terminationGracePeriodSeconds (30 when unset, the API default).</param>
/// <param name="PreStopSeconds">The longest preStop of the serving containers, when it can be read; null when unknown.</param>
/// <param name="PreStopSource">How <paramref name="PreStopSeconds"/> was found ("sleep action", "exec sleep", an annotation), or "none".</param>
public sealed record PodTemplateFacts(int GraceSeconds, double? PreStopSeconds, string PreStopSource)
{
    /// <summary>The API's default terminationGracePeriodSeconds.</summary>
    public const int DefaultGraceSeconds = 30;

    /// <summary>The pod-template annotation a user adds when a preStop is not a plain sleep.</summary>
    public const string PreStopAnnotation = "handoff.dev/prestop-seconds";

    /// <summary>The pod-template annotation for an in-app shutdown delay (it counts as S).</summary>
    public const string ShutdownDelayAnnotation = "handoff.dev/shutdown-delay-seconds";

    /// <summary>Reads the facts from a pod or a pod template (an object with "metadata" and "spec").</summary>
    public static PodTemplateFacts Read(JsonElement podOrTemplate)
    {
        var grace = (int)(KubeJson.Number(podOrTemplate, "spec", "terminationGracePeriodSeconds") ?? DefaultGraceSeconds);
        var annotations = KubeJson.StringMap(podOrTemplate, "metadata", "annotations")
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        if (TryAnnotation(annotations, PreStopAnnotation, out var declared))
        {
            return new PodTemplateFacts(grace, declared, $"annotation {PreStopAnnotation}");
        }

        double? longest = null;
        var source = "none";
        foreach (var container in KubeJson.Array(podOrTemplate, "spec", "containers"))
        {
            if (KubeJson.Get(container, "lifecycle", "preStop") is not { } preStop)
            {
                continue;
            }

            var (seconds, how) = ReadPreStop(preStop);
            if (seconds is { } s && (longest is null || s > longest))
            {
                longest = s;
                source = how;
            }
            else if (seconds is null && longest is null)
            {
                source = how;
            }
        }

        if (longest is null && TryAnnotation(annotations, ShutdownDelayAnnotation, out var delay))
        {
            return new PodTemplateFacts(grace, delay, $"annotation {ShutdownDelayAnnotation}");
        }

        return new PodTemplateFacts(grace, longest ?? (string.Equals(source, "none", StringComparison.Ordinal) ? 0 : null), source);
    }

    private static (double? Seconds, string How) ReadPreStop(JsonElement preStop)
    {
        if (KubeJson.Number(preStop, "sleep", "seconds") is { } sleep)
        {
            return (sleep, "sleep action");
        }

        if (KubeJson.Get(preStop, "exec", "command") is { ValueKind: JsonValueKind.Array } command)
        {
            // ["sleep","5"], ["/bin/sh","-c","sleep 5"]: take the number after the last 'sleep' word.
            var words = command.EnumerateArray()
                .Where(word => word.ValueKind == JsonValueKind.String)
                .SelectMany(word => word.GetString()!.Split([' ', ';', '&'], StringSplitOptions.RemoveEmptyEntries))
                .ToList();
            for (var i = words.Count - 2; i >= 0; i--)
            {
                if (words[i].EndsWith("sleep", StringComparison.Ordinal)
                    && double.TryParse(words[i + 1].TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    return (seconds, "exec sleep");
                }
            }

            return (null, "exec (duration unknown)");
        }

        return (null, KubeJson.Get(preStop, "httpGet") is not null ? "httpGet (duration unknown)" : "unknown handler");
    }

    private static bool TryAnnotation(Dictionary<string, string> annotations, string key, out double seconds)
    {
        seconds = 0;
        return annotations.TryGetValue(key, out var text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds);
    }
}
