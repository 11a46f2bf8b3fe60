using Handoff.Analysis.Model;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Analysis.Rules.Timing;

/// <summary>HO110: the app's declared drain time does not fit between stop-listening and SIGKILL.</summary>
public sealed class HO110AppDrainExceedsBudget : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO110", "app-drain-exceeds-budget", Severity.Error, "Timing",
        "The drain time declared with 'handoff.dev/drain-seconds' (D) is longer than what the grace period leaves after preStop and the in-app delay (G - S).",
        "Raise terminationGracePeriodSeconds to at least S + D + a buffer, or shorten the app's drain timeout to fit.",
        [Sources.PodTermination, Sources.TimingModel]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var b = context.Budget;
        if (!b.DrainDeclared || b.DrainSeconds <= b.DrainWindowSeconds)
        {
            yield break;
        }

        var pod = context.Workload.Pod;
        yield return context.Report(pod.SpecNode["terminationGracePeriodSeconds"] ?? pod.SpecNode,
            $"The app declares {Seconds(b.DrainSeconds)} of drain ('{HandoffAnnotations.DrainSeconds}'), but only {Seconds(b.DrainWindowSeconds)} remain between stop-listening at {Seconds(b.StopListeningSeconds)} and SIGKILL at {Seconds(b.SigkillAtSeconds)}.",
            b.Container);
    }
}
