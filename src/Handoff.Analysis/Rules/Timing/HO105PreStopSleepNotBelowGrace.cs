using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Analysis.Rules.Timing;

/// <summary>HO105: the preStop sleep is as long as the grace period, or longer.</summary>
public sealed class HO105PreStopSleepNotBelowGrace : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO105", "prestop-sleep-not-below-grace", Severity.Error, "Timing",
        "The preStop sleep is not shorter than terminationGracePeriodSeconds: the API rejects a sleep action longer than the grace period, and an equal one leaves the app 2 s between SIGTERM and SIGKILL.",
        "Keep the preStop sleep below the grace period and raise terminationGracePeriodSeconds to preStop + drain + buffer.",
        [Sources.PodTermination, Sources.LifecycleHooks]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override bool ServingOnly => false;

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

            var consequence = source == PreStopSource.SleepAction && seconds > grace
                ? "the API server rejects a sleep action longer than the grace period"
                : $"the kubelet sends SIGTERM at {Seconds(grace)} and SIGKILL {Seconds(TimeBudget.KubeletExtensionSeconds)} later, leaving no time to drain";
            yield return context.Report(container.PreStop!.Node,
                $"The preStop hook of container '{container.Name}' takes {Seconds(seconds)}, not less than the {Seconds(grace)} grace period: {consequence}.",
                container);
        }
    }
}
