using System.Globalization;
using System.Text.RegularExpressions;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules.Provider;

/// <summary>HO405: the Istio sidecar gets SIGTERM at t=0 and exits while the app is still in preStop.</summary>
public sealed partial class HO405IstioSidecarExitsFirst : WorkloadRule
{
    /// <summary>Istio's default terminationDrainDuration.</summary>
    public const double DefaultDrainSeconds = 5;

    /// <summary>The pod annotation holding Istio's proxy configuration.</summary>
    public const string ProxyConfig = "proxy.istio.io/config";
    private const string Inject = "sidecar.istio.io/inject";

    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO405", "istio-sidecar-exits-first", Severity.Error, "Provider",
        "Istio injects a sidecar into the pod but nothing keeps it alive through the app's shutdown (no EXIT_ON_ZERO_ACTIVE_CONNECTIONS, a terminationDrainDuration shorter than the app's stop time, no native sidecar): istio-proxy gets SIGTERM at t=0, drains for 5 s by default and exits, and requests fail while the app is still in preStop.",
        "Set the pod annotation 'proxy.istio.io/config' to '{\"terminationDrainDuration\": \"<S + D>s\"}' or its proxyMetadata EXIT_ON_ZERO_ACTIVE_CONNECTIONS: \"true\", or run istio-proxy as a native sidecar (Kubernetes 1.29+, 'sidecar.istio.io/nativeSidecar: \"true\"' or ENABLE_NATIVE_SIDECARS), which stops after the app.",
        ["https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#ProxyConfig",
            "https://istio.io/latest/docs/reference/commands/pilot-agent/#envvars",
            "https://istio.io/latest/blog/2023/native-sidecars/",
            "https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/"]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var workload = context.Workload;
        var pod = workload.Pod;
        if (Injection(workload, context.Context.Model) is not { } why)
        {
            yield break;
        }

        var proxy = pod.Containers.FirstOrDefault(c => c.Name == "istio-proxy");
        if (pod.InitContainers.Any(c => c.Name == "istio-proxy" && c.IsNativeSidecar)
            || Get(pod.Annotations, "sidecar.istio.io/nativeSidecar") == "true")
        {
            yield break; // A native sidecar stops after the main containers.
        }

        var config = Get(pod.Annotations, ProxyConfig) ?? string.Empty;
        if (config.Contains("EXIT_ON_ZERO_ACTIVE_CONNECTIONS", StringComparison.Ordinal)
            || proxy?.Env.GetValueOrDefault("EXIT_ON_ZERO_ACTIVE_CONNECTIONS") == "true")
        {
            yield break;
        }

        var b = context.Budget;
        var at = pod.MetadataNode ?? (Yaml.YNode)pod.SpecNode;
        var needed = Quantity.Seconds(b.StopListeningSeconds + b.DrainSeconds);
        Term[] terms = [new Term(Measure.StopListening, Quantity.Seconds(b.StopListeningSeconds)), new Term(Measure.Drain, Quantity.Seconds(b.DrainSeconds))];
        var field = ApiField.Annotation(ProxyConfig);
        if (DrainDuration(config) is { } drain)
        {
            if (drain < needed.Value)
            {
                yield return context.Report(context.Violation(new AtLeast(field, needed, Quantity.Seconds(drain)) { Terms = terms }, at, b.Container) with { Case = "drain-too-short" });
            }

            yield break;
        }

        yield return context.Report(context.Violation(new AtLeast(field, needed, Quantity.Seconds(DefaultDrainSeconds)) { Terms = terms, Defaulted = true }, at, b.Container) with
        {
            Case = "no-drain-configuration",
            Evidence = why,
        });
    }

    /// <summary>Why Istio injects a sidecar into the workload's pods, or null when it does not.</summary>
    private static string? Injection(Workload workload, ClusterModel model)
    {
        var pod = workload.Pod;
        var podInject = Get(pod.Labels, Inject) ?? Get(pod.Annotations, Inject);
        if (podInject == "false")
        {
            return null;
        }

        if (pod.Containers.Any(c => c.Name == "istio-proxy"))
        {
            return "the pod has an 'istio-proxy' container";
        }

        if (podInject == "true")
        {
            return $"the pod template has {Inject}: \"true\"";
        }

        if (Get(pod.Labels, "istio.io/rev") is { } rev)
        {
            return $"the pod template has label istio.io/rev: {rev}";
        }

        var ns = Handoff.Analysis.Timing.Providers.ProviderObjects.OfKind(model, "Namespace", string.Empty).FirstOrDefault(n => n.Name == workload.Object.Namespace);
        if (ns is not null && (Get(ns.Labels, "istio-injection") == "enabled" || ns.Labels.ContainsKey("istio.io/rev")))
        {
            return $"Namespace '{ns.Name}' enables injection";
        }

        return null;
    }

    private static double? DrainDuration(string config)
    {
        var match = DrainPattern().Match(config);
        if (!match.Success)
        {
            return null;
        }

        var value = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        return match.Groups["unit"].Value switch
        {
            "m" => value * 60,
            "ms" => value / 1000,
            "h" => value * 3600,
            _ => value,
        };
    }

    private static string? Get(IReadOnlyDictionary<string, string> map, string key) => map.TryGetValue(key, out var value) ? value : null;

    [GeneratedRegex(@"terminationDrainDuration""?\s*:\s*""?(?<n>\d+(?:\.\d+)?)(?<unit>ms|s|m|h)?", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex DrainPattern();
}
