namespace Handoff.Analysis.Rules.Rollout;

/// <summary>HO205: nothing limits how many pods a node drain may evict at once.</summary>
public sealed class HO205PdbMissing : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO205", "pdb-missing", Severity.Warning, "Rollout",
        "No PodDisruptionBudget in the namespace selects the workload's pods, so a node drain or cluster upgrade may evict all of them at once.",
        "Add a PodDisruptionBudget selecting the pods with 'maxUnavailable: 1' (or 'minAvailable' below the replica count).",
        [Sources.Disruptions, Sources.ConfigurePdb])
    {
        Fixer = "pdb",
    };

    /// <summary>maxUnavailable of the PodDisruptionBudget the rule asks for: one pod at a time.</summary>
    public const int RecommendedMaxUnavailable = 1;

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var workload = context.Workload;
        if (!workload.HasReplicas || workload.DisruptionBudgets.Count > 0)
        {
            yield break;
        }

        yield return context.Report(context.Violation(new Present(new ApiField(FieldScope.Related, "PodDisruptionBudget")), workload.Object.Metadata ?? workload.Object.Node) with
        {
            Observed = [new Term(Measure.Replicas, Quantity.Pods(workload.EffectiveReplicas))],
            Remedy = new AtLeast(new ApiField(FieldScope.Related, "PodDisruptionBudget.spec.maxUnavailable"), Quantity.Pods(RecommendedMaxUnavailable), Quantity.Pods(0)),
        });
    }
}
