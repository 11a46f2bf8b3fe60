namespace Handoff.Analysis.Rules.Probes;

/// <summary>HO301: traffic reaches a container before it can answer.</summary>
public sealed class HO301ReadinessProbeMissing : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO301", "readiness-probe-missing", Severity.Error, "Probes",
        "A serving container has no readinessProbe: it receives traffic as soon as it starts, before the app listens, and nothing takes it out of rotation when it cannot serve.",
        "Add a readinessProbe on a dedicated endpoint (for example httpGet /healthz/ready) that fails while the app starts and from the moment it begins shutting down.",
        [Sources.Probes])
    {
        Scope = RuleScope.ServingContainer,
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        foreach (var container in context.Workload.ServingContainers)
        {
            if (container.Readiness is null)
            {
                yield return context.Report(context.Violation(new Present(ApiField.ReadinessProbe), container.Node, container));
            }
        }
    }
}
