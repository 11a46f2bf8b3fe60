namespace Handoff.Analysis.Rules.Rollout;

/// <summary>HO206: a PodDisruptionBudget that allows no eviction at all.</summary>
public sealed class HO206PdbBlocksEviction : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO206", "pdb-blocks-eviction", Severity.Warning, "Rollout",
        "A PodDisruptionBudget allows no voluntary disruption (minAvailable at or above the replica count, or maxUnavailable 0), so node drains and cluster upgrades hang.",
        "Use 'maxUnavailable: 1' (or a minAvailable below the replica count) so a drain can move one pod at a time.",
        [Sources.Disruptions, Sources.ConfigurePdb]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override bool ServingOnly => false;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var workload = context.Workload;
        if (!workload.HasReplicas)
        {
            yield break;
        }

        var replicas = workload.EffectiveReplicas;
        foreach (var disruptionBudget in workload.DisruptionBudgets)
        {
            // minAvailable percentages round up (the disruption controller uses GetScaledValueFromIntOrPercent with roundUp=true).
            if (disruptionBudget.MinAvailable?.Resolve(replicas, roundUp: true) is { } min && min >= replicas)
            {
                yield return RuleContext.Report(Rule, disruptionBudget.Object, disruptionBudget.MinAvailable.Node,
                    $"PodDisruptionBudget '{disruptionBudget.Object.Name}' keeps minAvailable {disruptionBudget.MinAvailable} of {replicas} replicas of {workload.Kind} '{workload.Name}' available: no pod may ever be evicted, so node drains hang.");
            }
            else if (disruptionBudget.MaxUnavailable?.Resolve(replicas, roundUp: true) is 0)
            {
                yield return RuleContext.Report(Rule, disruptionBudget.Object, disruptionBudget.MaxUnavailable.Node,
                    $"PodDisruptionBudget '{disruptionBudget.Object.Name}' sets maxUnavailable {disruptionBudget.MaxUnavailable} for {workload.Kind} '{workload.Name}': no pod may ever be evicted, so node drains hang.");
            }
        }
    }
}
