namespace Handoff.Analysis.Rules.Probes;

/// <summary>HO305: liveness runs during startup.</summary>
public sealed class HO305StartupProbeMissing : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO305", "startup-probe-missing", Severity.Info, "Probes",
        "A container has a livenessProbe but no startupProbe: a slow start (cold caches, migrations, JIT) can be killed by liveness before it is up.",
        "Add a startupProbe (for example /healthz/startup with failureThreshold x periodSeconds covering the slowest start); liveness begins only after it succeeds.",
        [Sources.Probes]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        foreach (var container in context.Workload.ServingContainers)
        {
            if (container is { Liveness: { } liveness, Startup: null })
            {
                yield return context.Report(context.Violation(new Present(new ApiField(FieldScope.Container, "startupProbe")), liveness.Node, container));
            }
        }
    }
}
