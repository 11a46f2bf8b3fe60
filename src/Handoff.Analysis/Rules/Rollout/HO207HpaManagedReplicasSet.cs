namespace Handoff.Analysis.Rules.Rollout;

/// <summary>HO207: an autoscaler owns the replica count, and the manifest writes it too.</summary>
public sealed class HO207HpaManagedReplicasSet : WorkloadRule
{
    /// <summary>Where Kubernetes says to drop spec.replicas once an HPA manages a workload.</summary>
    public const string MigratingToHpa = "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling";

    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO207", "hpa-managed-replicas-set", Severity.Warning, "Rollout",
        "A HorizontalPodAutoscaler or KEDA ScaledObject manages the workload and its manifest also sets spec.replicas, so every apply resets the count the autoscaler chose and scales the workload down during the deploy.",
        "Remove 'spec.replicas' from the manifest of a workload an autoscaler manages (with Helm or kustomize, leave it out when autoscaling is on); set the floor with the autoscaler's minReplicas or minReplicaCount.",
        [MigratingToHpa])
    {
        Scope = RuleScope.AnyWorkload,
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var workload = context.Workload;
        if (workload.Autoscaler is not { } autoscaler || workload.Replicas is not { } replicas
            || workload.Object.Node["spec"] is not Yaml.YMap spec || spec["replicas"] is not { } written)
        {
            yield break;
        }

        yield return context.Report(written,
            $"{workload.Kind} '{workload.Name}' sets spec.replicas {replicas}, but {autoscaler.Object.Kind} '{autoscaler.Object.Name}' manages its count (floor {autoscaler.Floor}): " +
            $"each 'kubectl apply' sets it back to {replicas}, which scales a busy workload down during the deploy until the autoscaler scales it up again.");
    }
}
