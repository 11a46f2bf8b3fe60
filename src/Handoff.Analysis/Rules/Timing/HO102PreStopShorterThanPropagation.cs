using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Analysis.Rules.Timing;

/// <summary>HO102: the process stops listening before the slowest data plane has stopped sending.</summary>
public sealed class HO102PreStopShorterThanPropagation : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO102", "prestop-shorter-than-propagation", Severity.Warning, "Timing",
        "The preStop hook plus any in-app delay (S) is shorter than the profile's endpoint propagation time (P), leaving an exposure window of P - S seconds.",
        "Raise the preStop sleep (or the in-app delay) to at least the propagation time of the slowest data plane, and raise terminationGracePeriodSeconds with it.",
        [Sources.PodTermination, Sources.TimingModel]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var b = context.Budget;
        var container = b.Container;
        if (container is null || (b.PreStopSource == PreStopSource.None && b.InAppDelaySeconds == 0))
        {
            yield break; // HO101's case.
        }

        var at = (Yaml.YNode?)container.PreStop?.Node ?? container.Node;
        if (b.PreStopSource == PreStopSource.Unknown && b.InAppDelaySeconds == 0)
        {
            yield return context.Report(at,
                $"The preStop hook of container '{container.Name}' ({container.PreStop!.Describe()}) has no duration Handoff can read; declare it with the '{HandoffAnnotations.PreStopSeconds}' annotation so the budget can be checked against the {Seconds(b.PropagationSeconds)} the {context.Profile.Id} profile needs.",
                container, Severity.Info);
            yield break;
        }

        // A profile with the NEG formula has HO108 report the same gap with Google's formula (drainingTimeoutSec + 60 s).
        if (b.ExposureSeconds > 0 && !context.Profile.Declares<NegDrainingFormula>())
        {
            var slowest = b.Planes.MaxBy(p => p.PropagationSeconds)!;
            yield return context.Report(at,
                $"Container '{container.Name}' stops taking requests {Seconds(b.StopListeningSeconds)} after termination starts, but {slowest.Name} ({context.Profile.Id} profile) keeps sending for up to {Seconds(b.PropagationSeconds)}: requests can fail for {Seconds(b.ExposureSeconds)}.",
                container);
        }
    }
}
