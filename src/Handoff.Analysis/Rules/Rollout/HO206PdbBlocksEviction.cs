namespace Handoff.Analysis.Rules.Rollout;

/// <summary>HO206: a PodDisruptionBudget that allows no eviction at all.</summary>
public sealed class HO206PdbBlocksEviction : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO206", "pdb-blocks-eviction", Severity.Warning, "Rollout",
        "A PodDisruptionBudget allows no voluntary disruption (minAvailable at or above the replica count, or maxUnavailable 0), so node drains and cluster upgrades hang.",
        "Use 'maxUnavailable: 1' (or a minAvailable below the replica count) so a drain can move one pod at a time.",
        [Sources.Disruptions, Sources.ConfigurePdb])
    {
        Scope = RuleScope.AnyWorkload,
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

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
                yield return RuleContext.Report(new Violation(Rule, disruptionBudget.Object, new Below(ApiField.OfObject("spec.minAvailable"), Quantity.Pods(replicas), Quantity.Pods(min), null))
                {
                    At = disruptionBudget.MinAvailable.Node, Workload = workload, Case = "min-available", Evidence = disruptionBudget.MinAvailable.ToString(),
                });
            }
            else if (disruptionBudget.MaxUnavailable?.Resolve(replicas, roundUp: true) is 0)
            {
                yield return RuleContext.Report(new Violation(Rule, disruptionBudget.Object, new AtLeast(ApiField.OfObject("spec.maxUnavailable"), Quantity.Pods(1), Quantity.Pods(0)))
                {
                    At = disruptionBudget.MaxUnavailable.Node, Workload = workload, Case = "max-unavailable", Evidence = disruptionBudget.MaxUnavailable.ToString(),
                });
            }
        }
    }
}
