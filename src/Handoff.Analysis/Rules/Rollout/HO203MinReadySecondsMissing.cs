namespace Handoff.Analysis.Rules.Rollout;

/// <summary>HO203: a new pod counts as available the moment it turns ready.</summary>
public sealed class HO203MinReadySecondsMissing : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO203", "min-ready-seconds-missing", Severity.Info, "Rollout",
        "minReadySeconds is 0: a new pod counts as available as soon as its readiness probe passes once, and the rollout goes on before the load balancers have added it.",
        "Set 'spec.minReadySeconds' to a few seconds (5-10) so each new pod is in the load balancers before the next old pod is terminated.",
        [Sources.RollingUpdate])
    {
        Fixer = "min-ready-seconds",
    };

    /// <summary>The minReadySeconds the rule asks for: 10 s, the value seed 002 uses (the remediation asks for 5-10 s).</summary>
    public const int RecommendedSeconds = 10;

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

        var requirement = new AtLeast(ApiField.OfObject("spec.minReadySeconds"), Quantity.Seconds(RecommendedSeconds), Quantity.Seconds(workload.MinReadySeconds))
        {
            Defaulted = workload.Object.Node["spec"] is Yaml.YMap spec && spec["minReadySeconds"] is null,
        };
        yield return context.Report(context.Violation(requirement, workload.Object.Node["spec"]));
    }
}
