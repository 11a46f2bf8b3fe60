using Handoff.Analysis.Timing;
using Handoff.Analysis.Timing.Providers;

namespace Handoff.Analysis.Rules.Provider;

/// <summary>HO109: the GKE load balancer's health check does not request the readiness path.</summary>
public sealed class HO109GkeHealthCheckPolicyMismatch : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO109", "gke-healthcheck-policy-mismatch", Severity.Warning, "Provider",
        "gke-neg profile: the load balancer's health check (HealthCheckPolicy or BackendConfig healthCheck) requests a path other than the readiness probe's, or a Gateway backend has no HealthCheckPolicy and the default '/' is not the readiness path; the load balancer and Kubernetes then disagree on which pods may serve.",
        "Add a HealthCheckPolicy (Gateway) or a BackendConfig healthCheck (Ingress) whose requestPath is the readiness probe's path.",
        ["seed 000 (docs/timing-model.md)", "https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#configure_health_check",
            "https://cloud.google.com/kubernetes-engine/docs/concepts/ingress#health_checks"]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        if (!context.Profile.Declares<NegDrainingFormula>() || ProviderObjects.ReadinessPath(context.Workload) is not { } readiness)
        {
            yield break; // Without an HTTP readiness probe there is no path to compare (HO301 covers a missing one).
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var backend in GkeBackends.Of(context.Workload, context.Context.Model))
        {
            var service = backend.Service;
            if (backend.BackendConfigMissing || !seen.Add(service.Object.Name))
            {
                continue;
            }

            if (backend.HealthCheckPath is { } health)
            {
                if (health.Value != readiness.Path)
                {
                    yield return context.Report(new Violation(Rule, health.Source, new EqualTo(RequestPathOf(health.Source), readiness.Path, health.Value))
                    {
                        At = health.Node, Workload = context.Workload, Container = readiness.Container, Related = [service.Object], Nodes = [readiness.Node],
                    });
                }
            }
            else if (GkeBackends.ThroughGateway(context.Workload, service) && readiness.Path != "/")
            {
                // GKE's default health check, with no HealthCheckPolicy, requests '/'.
                var requirement = new EqualTo(new ApiField(FieldScope.Related, "HealthCheckPolicy.spec.default.config.httpHealthCheck.requestPath"), readiness.Path, "/") { Defaulted = true };
                yield return context.Report(new Violation(Rule, service.Object, requirement)
                {
                    Workload = context.Workload, Container = readiness.Container, Case = "gateway-default", Nodes = [readiness.Node],
                });
            }
        }
    }

    /// <summary>The requestPath field of a HealthCheckPolicy (the health check type it configures) or a BackendConfig.</summary>
    private static ApiField RequestPathOf(Manifests.KubeObject source)
    {
        if (source.Kind == "BackendConfig")
        {
            return ApiField.OfObject("spec.healthCheck.requestPath");
        }

        var type = ((string[])["httpsHealthCheck", "http2HealthCheck"]).FirstOrDefault(t => ProviderObjects.At(source.Node, "spec", "default", "config", t) is not null) ?? "httpHealthCheck";
        return ApiField.OfObject($"spec.default.config.{type}.requestPath");
    }
}
