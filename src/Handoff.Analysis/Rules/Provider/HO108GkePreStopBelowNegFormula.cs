using Handoff.Analysis.Timing;
using Handoff.Analysis.Model;

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

        if (b.StopListeningSeconds >= neg.RequiredSeconds)
        {
            yield break;
        }

        var draining = new Term(Measure.DrainingTimeout, Quantity.Seconds(neg.DrainingSeconds));
        var detach = new Term(Measure.NegDetach, Quantity.Seconds(neg.DetachSeconds));
        var delay = new Term(Measure.InAppDelay, Quantity.Seconds(b.InAppDelaySeconds));
        var required = Quantity.Seconds(neg.RequiredSeconds);

        // As HO102 does: the preStop hook must cover the formula beside the in-app delay; with no hook, the delay itself.
        var requirement = b.PreStopSource == PreStopSource.None
            ? new AtLeast(Handoff.Analysis.Rules.Timing.HO102PreStopShorterThanPropagation.InAppDelayField(b), required, delay.Value) { Terms = [draining, detach] }
            : new AtLeast(Handoff.Analysis.Rules.Timing.HO102PreStopShorterThanPropagation.PreStopField(b.PreStopSource), Quantity.Seconds(neg.RequiredSeconds - b.InAppDelaySeconds), Quantity.Seconds(b.PreStopSeconds))
            {
                Terms = [draining, detach],
                Alongside = b.InAppDelaySeconds > 0 ? [delay] : [],
            };
        yield return context.Report(context.Violation(requirement, container.PreStop?.Node ?? container.Node, container) with
        {
            Profile = context.Profile.Id,
            Case = neg.DrainingTimeout is null ? "draining-not-set" : null,
            Related = neg.DrainingTimeout is { } set ? [set.Source] : [],
            Nodes = neg.DrainingTimeout?.Node is { } node ? [node] : [],
            Observed =
            [
                new Term(Measure.StopListening, Quantity.Seconds(b.StopListeningSeconds)),
                new Term(Measure.Exposure, Quantity.Seconds(neg.RequiredSeconds - b.StopListeningSeconds)),
            ],
        });
    }
}
