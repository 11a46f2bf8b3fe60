namespace Handoff.Analysis.Rules.Rollout;

/// <summary>HO204: one replica cannot survive a node drain or an eviction.</summary>
public sealed class HO204SingleReplica : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO204", "single-replica", Severity.Warning, "Rollout",
        "A serving workload runs fewer than 2 replicas: a node drain, an eviction or a crash leaves no pod to serve.",
        "Run at least 2 replicas (or an HPA with 'minReplicas: 2'), spread across nodes, with a PodDisruptionBudget.",
        [Sources.Disruptions]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var workload = context.Workload;
        if (workload.Kind == "Pod")
        {
            yield return context.Report(context.Violation(new Forbidden(ApiField.OfObject("kind"), "Pod"), workload.Object.Node) with { Case = "bare-pod" });
            yield break;
        }

        if (!workload.HasReplicas || workload.ReplicaFloor >= 2)
        {
            yield break;
        }

        if (workload.Autoscaler is { } autoscaler)
        {
            // The autoscaler keeps the count: its floor is what a quiet hour leaves running.
            var floorNode = autoscaler.Object.Node["spec"] is Yaml.YMap autoscalerSpec
                ? autoscalerSpec[autoscaler.IsKeda ? "minReplicaCount" : "minReplicas"] ?? autoscalerSpec
                : autoscaler.Object.Node;
            var floor = new AtLeast(ApiField.OfObject(autoscaler.IsKeda ? "spec.minReplicaCount" : "spec.minReplicas"), Quantity.Pods(2), Quantity.Pods(workload.ReplicaFloor))
            {
                Defaulted = autoscaler.MinReplicas is null,
            };
            yield return RuleContext.Report(new Violation(Rule, autoscaler.Object, floor)
            {
                At = floorNode, Workload = workload, Case = "autoscaler-floor", Evidence = autoscaler.FloorField,
            });
            yield break;
        }

        var at = workload.Object.Node["spec"] is Yaml.YMap spec ? spec["replicas"] ?? spec : workload.Object.Node;
        var requirement = new AtLeast(ApiField.OfObject("spec.replicas"), Quantity.Pods(2), Quantity.Pods(workload.EffectiveReplicas))
        {
            Defaulted = workload.Replicas is null && workload.Autoscaler is null,
        };
        yield return context.Report(context.Violation(requirement, at));
    }
}
