using Handoff.Analysis.Timing.Providers;

namespace Handoff.Analysis.Rules.Provider;

/// <summary>HO501: an ALB health-checks a path other than the readiness probe's.</summary>
public sealed class HO501LbHealthcheckPathMismatch : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO501", "lb-healthcheck-path-mismatch", Severity.Warning, "Provider",
        "An ALB Ingress (AWS, or Alibaba Cloud with health checks enabled) health-checks a path other than the readiness probe's ('/' when 'alb.ingress.kubernetes.io/healthcheck-path' is not set), so the load balancer and Kubernetes disagree on which pods may serve (GKE backends are HO109's).",
        "Set 'alb.ingress.kubernetes.io/healthcheck-path' (on the Service or the Ingress) to the readiness probe's path.",
        ["https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#health-check",
            "https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/advanced-alb-ingress-configurations",
            Sources.Probes]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        if (ProviderObjects.ReadinessPath(context.Workload) is not { } readiness)
        {
            yield break;
        }

        var seen = new HashSet<(string, string)>();
        foreach (var alb in AlbSettings.Of(context.Workload, context.Context.Model))
        {
            if (alb.HealthPath is not { } health || health.Value == readiness.Path || !seen.Add((alb.Ingress.Object.Name, alb.Service.Object.Name)))
            {
                continue;
            }

            var requirement = new EqualTo(ApiField.Annotation(AlbSettings.HealthCheckPath), readiness.Path, health.Node is null ? null : health.Value) { Defaulted = health.Node is null };
            yield return context.Report(new Violation(Rule, health.Source, requirement)
            {
                At = health.Node,
                Workload = context.Workload,
                Container = readiness.Container,
                Related = [alb.Ingress.Object, alb.Service.Object],
                Nodes = [readiness.Node],
                Case = health.Node is null ? "default-path" : health.Source.Kind == "Service" ? "on-service" : "on-ingress",
            });
        }
    }
}
