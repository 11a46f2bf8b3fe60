using Handoff.Analysis.Timing;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing.Providers;

namespace Handoff.Analysis.Rules.Provider;

/// <summary>HO106: behind an AWS ALB, preStop &lt; grace period &lt; the ALB's idle timeout does not hold.</summary>
public sealed class HO106GraceAboveLbIdleTimeout : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO106", "grace-above-lb-idle-timeout", Severity.Warning, "Provider",
        "aws-alb profile: the grace period is not below the ALB idle timeout (60 s unless load-balancer-attributes sets idle_timeout.timeout_seconds), or the time until the app stops listening is not below the grace period; seed 004 saw 504s until preStop < grace < idle timeout.",
        "Keep preStop < terminationGracePeriodSeconds < the ALB idle timeout: shorten the grace period, or raise idle_timeout.timeout_seconds in 'alb.ingress.kubernetes.io/load-balancer-attributes'.",
        ["seed 004 (docs/timing-model.md)", "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout",
            "https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#load-balancer-attributes"]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        // The relation is computed once with the budget (Timing/Providers/WorkloadPlanes.cs) for profiles that declare it.
        if (!context.Profile.Declares<GraceBelowIdleTimeout>() || context.Budget.Relations.IdleTimeout is not { } chain)
        {
            yield break;
        }

        var b = context.Budget;
        var pod = context.Workload.Pod;
        var graceNode = pod.SpecNode["terminationGracePeriodSeconds"] ?? pod.SpecNode;
        var idle = new Term(Measure.IdleTimeout, Quantity.Seconds(chain.Seconds));
        var grace = Quantity.Seconds(b.GracePeriodSeconds);
        if (b.GracePeriodSeconds >= chain.Seconds)
        {
            var limitField = chain.IdleTimeout is null ? null : new ApiField(FieldScope.Related, $"Ingress.metadata.annotations.{AlbSettings.LoadBalancerAttributes}");
            yield return context.Report(context.Violation(new Below(ApiField.GracePeriod, idle.Value, grace, limitField), graceNode, b.Container) with
            {
                Case = "grace-not-below-idle-timeout",
                Related = chain.IdleTimeout is { } set ? [set.Source] : [],
                Nodes = chain.IdleTimeout?.Node is { } idleNode ? [idleNode] : [],
            });
        }

        // preStop at or above the grace period is HO105's; an in-app delay pushing S past G is reported here.
        if (b.PreStopSeconds < b.GracePeriodSeconds && b.StopListeningSeconds >= b.GracePeriodSeconds)
        {
            // With preStop below G, only the in-app delay can push S to G: it must stay below G - preStop.
            var requirement = new Below(Handoff.Analysis.Rules.Timing.HO102PreStopShorterThanPropagation.InAppDelayField(b),
                Quantity.Seconds(b.GracePeriodSeconds - b.PreStopSeconds), Quantity.Seconds(b.InAppDelaySeconds), ApiField.GracePeriod);
            yield return context.Report(context.Violation(requirement, graceNode, b.Container) with
            {
                Case = "stop-listening-not-below-grace",
                Observed = [new Term(Measure.StopListening, Quantity.Seconds(b.StopListeningSeconds)), new Term(Measure.GracePeriod, grace), idle],
            });
        }
    }
}
