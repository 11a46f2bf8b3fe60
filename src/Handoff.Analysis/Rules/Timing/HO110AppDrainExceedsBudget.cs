using Handoff.Analysis.Configuration;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules.Timing;

/// <summary>HO110: the app's declared drain time does not fit between stop-listening and SIGKILL.</summary>
public sealed class HO110AppDrainExceedsBudget : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO110", "app-drain-exceeds-budget", Severity.Error, "Timing",
        "The drain time declared with 'handoff.dev/drain-seconds' (D) is longer than what the grace period leaves after preStop and the in-app delay (G - S).",
        "Raise terminationGracePeriodSeconds to at least S + D + a buffer, or shorten the app's drain timeout to fit.",
        [Sources.PodTermination, Sources.TimingModel])
    {
        Fixer = "grace-period",
    };

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
        yield return context.Report(context.Violation(GraceRequirement.Of(b), pod.SpecNode["terminationGracePeriodSeconds"] ?? pod.SpecNode, b.Container) with
        {
            Observed =
            [
                new Term(Measure.Drain, Quantity.Seconds(b.DrainSeconds), b.DrainOrigin is { Kind: not OriginKind.Annotation } origin ? origin.Text : null),
                new Term(Measure.DrainWindow, Quantity.Seconds(b.DrainWindowSeconds)),
                new Term(Measure.StopListening, Quantity.Seconds(b.StopListeningSeconds)),
                new Term(Measure.SigkillAt, Quantity.Seconds(b.SigkillAtSeconds)),
            ],
        });
    }
}
