using System.Text.Json;
using Handoff.Rollout.Cluster;

namespace Handoff.Rollout.Verify;

/// <summary>What verify needs to know about the Deployment before the run.</summary>
/// <param name="Name">metadata.name.</param>
/// <param name="Namespace">metadata.namespace.</param>
/// <param name="Selector">spec.selector as a kubectl label selector ("app=web,tier in (a,b)").</param>
/// <param name="Replicas">spec.replicas (1 when unset).</param>
/// <param name="Template">S and G from the pod template.</param>
/// <param name="Strategy">"RollingUpdate maxSurge 25% maxUnavailable 25%" or "Recreate", for the report.</param>
public sealed record DeploymentInfo(
    string Name, string Namespace, string Selector, int Replicas, PodTemplateFacts Template, string Strategy)
{
    /// <summary>Reads a Deployment as printed by <c>kubectl get deployment NAME -o json</c>.</summary>
    /// <exception cref="FormatException">The object is not a Deployment or has no usable selector.</exception>
    public static DeploymentInfo Parse(JsonElement deployment)
    {
        if (KubeJson.String(deployment, "kind") is not "Deployment")
        {
            throw new FormatException("kubectl did not return a Deployment.");
        }

        var name = KubeJson.String(deployment, "metadata", "name") ?? string.Empty;
        var selector = ToLabelSelector(KubeJson.Get(deployment, "spec", "selector"));
        if (selector.Length == 0)
        {
            throw new FormatException($"Deployment '{name}' has an empty selector; verify cannot tell its pods apart.");
        }

        var replicas = (int)(KubeJson.Number(deployment, "spec", "replicas") ?? 1);
        var template = KubeJson.Get(deployment, "spec", "template") is { } t
            ? PodTemplateFacts.Read(t)
            : new PodTemplateFacts(PodTemplateFacts.DefaultGraceSeconds, 0, "none");
        var type = KubeJson.String(deployment, "spec", "strategy", "type") ?? "RollingUpdate";
        var strategy = string.Equals(type, "RollingUpdate", StringComparison.Ordinal)
            ? $"RollingUpdate maxSurge {Text(deployment, "maxSurge", "25%")} maxUnavailable {Text(deployment, "maxUnavailable", "25%")}"
            : type;
        return new DeploymentInfo(
            name,
            KubeJson.String(deployment, "metadata", "namespace") ?? string.Empty,
            selector,
            replicas,
            template,
            strategy);
    }

    /// <summary>Turns a LabelSelector object into the string form kubectl's -l takes.</summary>
    public static string ToLabelSelector(JsonElement? selector)
    {
        if (selector is not { } s)
        {
            return string.Empty;
        }

        var parts = KubeJson.StringMap(s, "matchLabels")
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => $"{pair.Key}={pair.Value}")
            .ToList();
        foreach (var expression in KubeJson.Array(s, "matchExpressions"))
        {
            var key = KubeJson.String(expression, "key") ?? string.Empty;
            var values = string.Join(',', KubeJson.Array(expression, "values")
                .Where(v => v.ValueKind == JsonValueKind.String)
                .Select(v => v.GetString()));
            parts.Add(KubeJson.String(expression, "operator") switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key,
                "DoesNotExist" => $"!{key}",
                var other => throw new FormatException($"Unknown label selector operator '{other}'."),
            });
        }

        return string.Join(',', parts);
    }

    private static string Text(JsonElement deployment, string field, string fallback)
        => KubeJson.Get(deployment, "spec", "strategy", "rollingUpdate", field) switch
        {
            { ValueKind: JsonValueKind.String } value => value.GetString()!,
            { ValueKind: JsonValueKind.Number } value => value.GetRawText(),
            _ => fallback,
        };
}
