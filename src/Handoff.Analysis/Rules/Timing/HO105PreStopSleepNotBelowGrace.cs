using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Rules.Timing;

/// <summary>HO105: the preStop sleep is as long as the grace period, or longer.</summary>
public sealed class HO105PreStopSleepNotBelowGrace : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO105", "prestop-sleep-not-below-grace", Severity.Error, "Timing",
        "The preStop sleep is not shorter than terminationGracePeriodSeconds: the API rejects a sleep action longer than the grace period, and an equal one leaves the app 2 s between SIGTERM and SIGKILL.",
        "Keep the preStop sleep below the grace period and raise terminationGracePeriodSeconds to preStop + drain + buffer.",
        [Sources.PodTermination, Sources.LifecycleHooks])
    {
        Fixer = "grace-period",
        Scope = RuleScope.AnyWorkload,
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var workload = context.Workload;
        var grace = workload.Pod.GracePeriodSeconds;
        foreach (var container in workload.Pod.Containers)
        {
            var (seconds, source) = TimeBudget.PreStopDuration(workload, container);
            if (source is PreStopSource.None or PreStopSource.Unknown || seconds < grace)
            {
                continue;
            }

            var requirement = new Below(HO102PreStopShorterThanPropagation.PreStopField(source), Quantity.Seconds(grace), Quantity.Seconds(seconds), ApiField.GracePeriod);
            yield return context.Report(context.Violation(requirement, container.PreStop!.Node, container) with
            {
                // The API server validates a sleep action against the grace period; other hooks are only cut short.
                Case = source == PreStopSource.SleepAction && seconds > grace ? "rejected" : "no-drain",
                Nodes = workload.Pod.SpecNode["terminationGracePeriodSeconds"] is { } node ? [node] : [],
                Remedy = GraceRequirement.Of(context.Budget),
            });
        }
    }
}
