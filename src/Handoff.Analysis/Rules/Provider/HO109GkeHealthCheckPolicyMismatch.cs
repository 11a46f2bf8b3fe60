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
                    yield return RuleContext.Report(Rule, health.Source, health.Node,
                        $"{health.Source.Kind} '{health.Source.Name}' health-checks '{health.Value}' on Service '{service.Object.Name}', but the readiness probe of container '{readiness.Container.Name}' of {context.Workload.Kind} '{context.Workload.Name}' is '{readiness.Path}'; use requestPath '{readiness.Path}'.");
                }
            }
            else if (GkeBackends.ThroughGateway(context.Workload, service) && readiness.Path != "/")
            {
                yield return RuleContext.Report(Rule, service.Object, null,
                    $"Service '{service.Object.Name}' is a Gateway backend without a HealthCheckPolicy, so GKE's default health check requests '/', but the readiness probe of container '{readiness.Container.Name}' is '{readiness.Path}'; add a HealthCheckPolicy with requestPath '{readiness.Path}'.");
            }
        }
    }
}
