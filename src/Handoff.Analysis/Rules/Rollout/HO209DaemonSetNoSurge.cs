namespace Handoff.Analysis.Rules.Rollout;

/// <summary>HO209: a serving DaemonSet removes each node's pod before its replacement runs.</summary>
public sealed class HO209DaemonSetNoSurge : WorkloadRule
{
    /// <summary>The DaemonSet rolling update and its maxSurge (stable since 1.25).</summary>
    public const string DaemonSetUpdate = "https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/";

    /// <summary>externalTrafficPolicy: Local keeps traffic on the node's own pods.</summary>
    public const string TrafficPolicyLocal = "https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip";

    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO209", "daemonset-no-surge", Severity.Warning, "Rollout",
        "A serving DaemonSet updates with maxSurge 0 (the default): each node's pod is stopped before its replacement is ready, so the node serves nothing in between, and with 'externalTrafficPolicy: Local' the load balancer keeps sending to it until its health check notices.",
        "Set 'updateStrategy.rollingUpdate' to 'maxSurge: 1' and 'maxUnavailable: 0' (Kubernetes 1.25 or later) so the new pod is ready before the old one stops; a pod that binds a hostPort or uses hostNetwork cannot surge and is not reported.",
        [DaemonSetUpdate, TrafficPolicyLocal]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var workload = context.Workload;
        if (workload.Kind != "DaemonSet" || workload.Strategy is not { Type: "RollingUpdate" } strategy
            || workload.Pod.HostNetwork || workload.Pod.Containers.Any(c => c.Ports.Any(p => p.HostPort is not null)))
        {
            yield break;
        }

        // maxSurge resolves against the number of nodes, which the manifest does not show; a percentage above 0 % is a surge.
        var surge = strategy.MaxSurge;
        if (surge is not null && (surge.Int is > 0 || (surge.IsPercent && surge.Resolve(100, roundUp: true) is > 0)))
        {
            yield break;
        }

        var local = workload.Services.FirstOrDefault(s => s.ExternalTrafficPolicy == "Local");
        var requirement = new EqualTo(ApiField.OfObject("spec.updateStrategy.rollingUpdate.maxSurge"), "1", surge?.ToString()) { Defaulted = surge is null };
        yield return context.Report(context.Violation(requirement, surge?.Node ?? strategy.Node ?? workload.Object.Metadata) with
        {
            Evidence = local?.Object.Name,
        });
    }
}
