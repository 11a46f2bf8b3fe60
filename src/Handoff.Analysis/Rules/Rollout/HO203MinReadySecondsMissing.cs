namespace Handoff.Analysis.Rules.Rollout;

/// <summary>HO203: a new pod counts as available the moment it turns ready.</summary>
public sealed class HO203MinReadySecondsMissing : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO203", "min-ready-seconds-missing", Severity.Info, "Rollout",
        "minReadySeconds is 0: a new pod counts as available as soon as its readiness probe passes once, and the rollout goes on before the load balancers have added it.",
        "Set 'spec.minReadySeconds' to a few seconds (5-10) so each new pod is in the load balancers before the next old pod is terminated.",
        [Sources.RollingUpdate]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var workload = context.Workload;
        if (workload.Kind is "Pod" || workload.MinReadySeconds > 0)
        {
            yield break;
        }

        yield return context.Report(workload.Object.Node["spec"],
            $"{workload.Kind} '{workload.Name}' has minReadySeconds 0: each new pod counts as available at its first passing readiness probe, before the load balancers send it traffic.");
    }
}
