namespace Handoff.Analysis.Rules.Rollout;

/// <summary>HO201: a serving Deployment stops every pod before starting new ones.</summary>
public sealed class HO201RecreateStrategy : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO201", "recreate-strategy", Severity.Error, "Rollout",
        "A serving Deployment uses the Recreate strategy: every old pod is terminated before any new pod starts, so each rollout is an outage.",
        "Use 'strategy.type: RollingUpdate' with 'maxUnavailable: 0' and 'maxSurge: 1' (or 25%); keep Recreate only for apps that cannot run two versions at once.",
        [Sources.RollingUpdate])
    {
        Fixer = "rolling-update",
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        if (context.Workload is { Kind: "Deployment", Strategy: { Type: "Recreate" } strategy })
        {
            var requirement = new EqualTo(ApiField.OfObject("spec.strategy.type"), "RollingUpdate", "Recreate");
            yield return context.Report(context.Violation(requirement, strategy.Node?["type"] ?? strategy.Node) with
            {
                Observed = [new Term(Measure.Replicas, Quantity.Pods(context.Workload.EffectiveReplicas))],
            });
        }
    }
}
