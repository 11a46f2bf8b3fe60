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
                // The time to trip is periodSeconds x failureThreshold; the terms say both factors of each probe.
                var requirement = new AtLeast(new ApiField(FieldScope.Container, "livenessProbe"), Quantity.Seconds(readiness.SecondsToTrip), Quantity.Seconds(liveness.SecondsToTrip));
                yield return context.Report(context.Violation(requirement, liveness.Node, container) with
                {
                    Observed =
                    [
                        new Term(Measure.ProbePeriod, Quantity.Seconds(liveness.PeriodSeconds), "liveness"),
                        new Term(Measure.ProbeFailureThreshold, Quantity.Count(liveness.FailureThreshold), "liveness"),
                        new Term(Measure.ProbePeriod, Quantity.Seconds(readiness.PeriodSeconds), "readiness"),
                        new Term(Measure.ProbeFailureThreshold, Quantity.Count(readiness.FailureThreshold), "readiness"),
                    ],
                });
            }
        }
    }
}
