namespace Handoff.Analysis.Rules.Probes;

/// <summary>HO302: liveness and readiness ask the same question.</summary>
public sealed class HO302LivenessSameAsReadiness : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO302", "liveness-same-as-readiness", Severity.Warning, "Probes",
        "The livenessProbe uses the same handler as the readinessProbe: when readiness fails on purpose (shutdown, a slow dependency), liveness fails too and the kubelet restarts a healthy container.",
        "Point liveness at an endpoint that only says the process is not stuck (for example /healthz/live) and keep dependency checks and the shutdown flip in readiness.",
        [Sources.Probes]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        foreach (var container in context.Workload.ServingContainers)
        {
            if (container is { Liveness: { } liveness, Readiness: { } readiness }
                && liveness.Handler.Identity == readiness.Handler.Identity)
            {
                var requirement = new DiffersFrom(new ApiField(FieldScope.Container, "livenessProbe"), ApiField.ReadinessProbe, liveness.Handler.Describe());
                yield return context.Report(context.Violation(requirement, liveness.Node, container));
            }
        }
    }
}
