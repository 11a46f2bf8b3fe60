using Handoff.Analysis.Timing;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Analysis.Rules.Provider;

/// <summary>HO108: on GKE with NEGs, preStop is below drainingTimeoutSec + 60 s.</summary>
public sealed class HO108GkePreStopBelowNegFormula : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO108", "gke-prestop-below-neg-formula", Severity.Error, "Provider",
        "gke-neg profile: preStop plus any in-app delay (S) is below drainingTimeoutSec + 60 s, Google's formula for NEG-backed Services (NEG removal takes up to about 60 s, then the load balancer drains for drainingTimeoutSec).",
        "Raise the preStop sleep to at least drainingTimeoutSec + 60 s and terminationGracePeriodSeconds to preStop + drain + buffer (Google's headline numbers: drain 60, preStop 120, grace 210).",
        ["seed 000 (docs/timing-model.md)", "https://cloud.google.com/kubernetes-engine/docs/concepts/container-native-load-balancing", Sources.PodTermination]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var b = context.Budget;
        // The formula is computed once with the budget (Timing/Providers/WorkloadPlanes.cs); null when no GKE backend is linked.
        if (!context.Profile.Declares<NegDrainingFormula>() || b.Relations.Neg is not { } neg || b.Container is not { } container
            || (b.PreStopSource is PreStopSource.None or PreStopSource.Unknown && b.InAppDelaySeconds == 0))
        {
            yield break; // HO101 and HO102 speak for a missing or unreadable preStop.
        }

        var draining = neg.DrainingTimeout;
        var drainingSeconds = neg.DrainingSeconds;
        var required = neg.RequiredSeconds;
        if (b.StopListeningSeconds >= required)
        {
            yield break;
        }

        var from = draining is null ? "not set, so 0 s" : $"{Seconds(drainingSeconds)} in {draining.Source.Kind} '{draining.Source.Name}'";
        yield return context.Report(container.PreStop?.Node ?? container.Node,
            $"Container '{container.Name}' stops taking requests {Seconds(b.StopListeningSeconds)} after termination starts, but GKE needs drainingTimeoutSec ({from}) + {Seconds(neg.DetachSeconds)} of NEG removal = {Seconds(required)}: the load balancer can still send requests for {Seconds(required - b.StopListeningSeconds)}.",
            container);
    }
}
