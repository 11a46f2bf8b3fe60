using System.Text.Json;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Timing.Providers;

/// <summary>The GKE load balancer settings in force for one Service port.</summary>
/// <param name="Service">The Service.</param>
/// <param name="Port">The Service port.</param>
/// <param name="BackendConfigName">The BackendConfig the cloud.google.com/backend-config annotation names for this port, or null.</param>
/// <param name="BackendConfig">That BackendConfig when it is in the input.</param>
/// <param name="BackendPolicy">A GCPBackendPolicy targeting the Service.</param>
/// <param name="HealthCheckPolicy">A HealthCheckPolicy targeting the Service.</param>
public sealed record GkeBackend(Service Service, ServicePort Port, string? BackendConfigName, KubeObject? BackendConfig, KubeObject? BackendPolicy, KubeObject? HealthCheckPolicy)
{
    /// <summary>Whether the annotation names a BackendConfig that is not in the input (its settings are unknown).</summary>
    public bool BackendConfigMissing => BackendConfigName is not null && BackendConfig is null;

    /// <summary>
    /// connectionDraining.drainingTimeoutSec: from the GCPBackendPolicy (spec.default), else the BackendConfig (spec);
    /// null when neither sets it (the load balancer's default is 0, no draining).
    /// </summary>
    public Located<int>? DrainingTimeout =>
        (BackendPolicy is null ? null : ProviderObjects.IntAt(BackendPolicy, "spec", "default", "connectionDraining", "drainingTimeoutSec"))
        ?? (BackendConfig is null ? null : ProviderObjects.IntAt(BackendConfig, "spec", "connectionDraining", "drainingTimeoutSec"));

    /// <summary>
    /// The load balancer's health check path: a HealthCheckPolicy's spec.default.config.(http|https|http2)HealthCheck.requestPath
    /// ("/" when the policy sets none), else the BackendConfig's spec.healthCheck.requestPath; null when neither configures it.
    /// </summary>
    public Located<string>? HealthCheckPath
    {
        get
        {
            if (HealthCheckPolicy is { } policy)
            {
                foreach (var kind in (string[])["httpHealthCheck", "httpsHealthCheck", "http2HealthCheck"])
                {
                    if (ProviderObjects.StringAt(policy, "spec", "default", "config", kind, "requestPath") is { } path)
                    {
                        return path;
                    }
                }

                return new Located<string>("/", policy, ProviderObjects.At(policy.Node, "spec", "default", "config") ?? ProviderObjects.At(policy.Node, "spec"));
            }

            return BackendConfig is null ? null : ProviderObjects.StringAt(BackendConfig, "spec", "healthCheck", "requestPath");
        }
    }
}

/// <summary>Finds the BackendConfig, GCPBackendPolicy and HealthCheckPolicy that apply to a workload's Services on GKE.</summary>
public static class GkeBackends
{
    /// <summary>The Service annotation naming BackendConfigs: {"default": "x"} or {"ports": {"80": "x", "http": "y"}}.</summary>
    public const string BackendConfigAnnotation = "cloud.google.com/backend-config";

    /// <summary>The older spelling of <see cref="BackendConfigAnnotation"/>.</summary>
    public const string BetaBackendConfigAnnotation = "beta.cloud.google.com/backend-config";

    /// <summary>The container-native load balancing annotation.</summary>
    public const string NegAnnotation = "cloud.google.com/neg";

    /// <summary>BackendConfig's API group.</summary>
    public const string BackendConfigGroup = "cloud.google.com";

    /// <summary>GCPBackendPolicy's and HealthCheckPolicy's API group.</summary>
    public const string PolicyGroup = "networking.gke.io";

    /// <summary>
    /// The backends of the workload's Services that a GKE load balancer reaches: Services behind an Ingress or an
    /// HTTPRoute, with a NEG or BackendConfig annotation, or targeted by a GKE policy; one entry per Service port.
    /// </summary>
    public static IReadOnlyList<GkeBackend> Of(Workload workload, ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(model);
        var result = new List<GkeBackend>();
        foreach (var service in workload.Services)
        {
            var policy = ProviderObjects.TargetingService(model, service, "GCPBackendPolicy", PolicyGroup).FirstOrDefault();
            var health = ProviderObjects.TargetingService(model, service, "HealthCheckPolicy", PolicyGroup).FirstOrDefault();
            var annotation = service.Object.Annotations.GetValueOrDefault(BackendConfigAnnotation) ?? service.Object.Annotations.GetValueOrDefault(BetaBackendConfigAnnotation);
            var routed = workload.Ingresses.Any(i => i.Backends.Any(b => b.ServiceName == service.Object.Name))
                || workload.Routes.Any(r => r.Backends.Any(b => b.ServiceName == service.Object.Name));
            if (!routed && policy is null && health is null && annotation is null && !service.Object.Annotations.ContainsKey(NegAnnotation))
            {
                continue;
            }

            foreach (var port in service.Ports)
            {
                var name = annotation is null ? null : BackendConfigFor(annotation, port);
                var config = name is null ? null : ProviderObjects.OfKind(model, "BackendConfig", BackendConfigGroup).FirstOrDefault(b => b.Namespace == service.Object.Namespace && b.Name == name);
                result.Add(new GkeBackend(service, port, name, config, policy, health));
            }
        }

        return result;
    }

    /// <summary>Whether the workload is reached through a Gateway (HTTPRoute) rather than an Ingress.</summary>
    public static bool ThroughGateway(Workload workload, Service service)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(service);
        return workload.Routes.Any(r => r.Backends.Any(b => b.ServiceName == service.Object.Name))
            && !workload.Ingresses.Any(i => i.Backends.Any(b => b.ServiceName == service.Object.Name));
    }

    /// <summary>The BackendConfig name for a port: ports by name, then by number, then default; null when none.</summary>
    internal static string? BackendConfigFor(string annotation, ServicePort port)
    {
        try
        {
            using var json = JsonDocument.Parse(annotation);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("ports", out var ports) && ports.ValueKind == JsonValueKind.Object)
            {
                foreach (var key in new[] { port.Name, port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
                {
                    if (key is not null && ports.TryGetProperty(key, out var named) && named.ValueKind == JsonValueKind.String)
                    {
                        return named.GetString();
                    }
                }
            }

            return root.TryGetProperty("default", out var fallback) && fallback.ValueKind == JsonValueKind.String ? fallback.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
