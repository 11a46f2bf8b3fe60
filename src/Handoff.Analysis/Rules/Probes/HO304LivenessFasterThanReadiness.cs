namespace Handoff.Analysis.Rules.Probes;

/// <summary>HO304: liveness gives up before readiness does.</summary>
public sealed class HO304LivenessFasterThanReadiness : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO304", "liveness-faster-than-readiness", Severity.Warning, "Probes",
        "The livenessProbe trips sooner (periodSeconds x failureThreshold) than the readinessProbe, so a struggling container is restarted while it still receives traffic.",
        "Make liveness slower to trip than readiness (for example readiness 5 s x 2, liveness 10 s x 3) so traffic moves away before any restart.",
        [Sources.Probes]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        foreach (var container in context.Workload.ServingContainers)
        {
            if (container is { Liveness: { } liveness, Readiness: { } readiness } && liveness.SecondsToTrip < readiness.SecondsToTrip)
            {
                yield return context.Report(liveness.Node,
                    $"Container '{container.Name}': liveness trips after {liveness.PeriodSeconds} s x {liveness.FailureThreshold} = {liveness.SecondsToTrip} s, readiness after {readiness.PeriodSeconds} s x {readiness.FailureThreshold} = {readiness.SecondsToTrip} s; the kubelet restarts the container while it still gets traffic.",
                    container);
            }
        }
    }
}
