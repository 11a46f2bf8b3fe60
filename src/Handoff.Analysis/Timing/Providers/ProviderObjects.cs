using System.Globalization;
using System.Runtime.CompilerServices;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Timing.Providers;

/// <summary>A value read from the input with where it was written, so findings can point at it.</summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="Value">The value.</param>
/// <param name="Source">The object it was read from.</param>
/// <param name="Node">The node holding it (null when it is a default).</param>
public sealed record Located<T>(T Value, KubeObject Source, YNode? Node);

/// <summary>Reading helpers for provider objects the model does not type (BackendConfig, GCPBackendPolicy, annotations).</summary>
public static class ProviderObjects
{
    private static readonly ConditionalWeakTable<ClusterModel, ILookup<(string Kind, string Group), KubeObject>> ByKind = [];

    /// <summary>
    /// Objects of a kind and API group, through an index built once per model (rules ask per workload; a linear
    /// scan each time would make large inputs quadratic).
    /// </summary>
    public static IEnumerable<KubeObject> OfKind(ClusterModel model, string kind, string group)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ByKind.GetValue(model, static m => m.Objects.ToLookup(o => (o.Kind, o.Group)))[(kind, group)];
    }

    /// <summary>The value node of an annotation, or null.</summary>
    public static YNode? AnnotationNode(KubeObject obj, string key)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return (obj.Metadata?["annotations"] as YMap)?[key];
    }

    /// <summary>An annotation with its node, or null.</summary>
    public static Located<string>? Annotation(KubeObject obj, string key)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Annotations.TryGetValue(key, out var value) ? new Located<string>(value, obj, AnnotationNode(obj, key)) : null;
    }

    /// <summary>The node at a path of mapping keys under the object, or null.</summary>
    public static YNode? At(YNode? node, params string[] path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var key in path)
        {
            node = (node as YMap)?[key];
        }

        return node;
    }

    /// <summary>A whole number at a path, or null when absent or not a number.</summary>
    public static Located<int>? IntAt(KubeObject obj, params string[] path)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return At(obj.Node, path) is YScalar s && s.AsInteger() is { } n && n is >= 0 and <= int.MaxValue
            ? new Located<int>((int)n, obj, s)
            : null;
    }

    /// <summary>A string at a path, or null.</summary>
    public static Located<string>? StringAt(KubeObject obj, params string[] path)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return At(obj.Node, path) is YScalar { IsNull: false } s ? new Located<string>(s.Value, obj, s) : null;
    }

    /// <summary>Reads "key=value,key=value" (the ALB attribute annotations); keys and values trimmed.</summary>
    public static IReadOnlyDictionary<string, string> KeyValues(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                result[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
            }
        }

        return result;
    }

    /// <summary>Parses a whole number of seconds ("60"), or null.</summary>
    public static int? Seconds(string? text) =>
        int.TryParse(text?.Trim().TrimEnd('s'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>Objects whose spec.targetRef (or one of spec.targetRefs) names the Service.</summary>
    public static IEnumerable<KubeObject> TargetingService(ClusterModel model, Service service, string kind, string group)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(service);
        foreach (var policy in OfKind(model, kind, group))
        {
            if (policy.Namespace != service.Object.Namespace)
            {
                continue;
            }

            var refs = new List<YNode?> { At(policy.Node, "spec", "targetRef") };
            if (At(policy.Node, "spec", "targetRefs") is YSeq seq)
            {
                refs.AddRange(seq.Items);
            }

            if (refs.OfType<YMap>().Any(r => (r["kind"] as YScalar)?.Value == "Service" && (r["name"] as YScalar)?.Value == service.Object.Name))
            {
                yield return policy;
            }
        }
    }

    /// <summary>The readiness probe's HTTP path of the workload's first serving container, with the probe's node; null when it is not httpGet.</summary>
    public static (string Path, Container Container, YNode Node)? ReadinessPath(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        foreach (var container in workload.ServingContainers)
        {
            if (container.Readiness?.Handler is { Kind: HandlerKind.HttpGet } handler)
            {
                return (handler.Path ?? "/", container, container.Readiness.Node);
            }
        }

        return null;
    }
}
