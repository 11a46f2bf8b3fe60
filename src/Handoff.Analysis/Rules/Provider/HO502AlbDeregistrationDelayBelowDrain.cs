using Handoff.Analysis.Timing;
using Handoff.Analysis.Timing.Providers;

namespace Handoff.Analysis.Rules.Provider;

/// <summary>HO502: an AWS ALB or NLB target group's deregistration delay is shorter than the app's drain time.</summary>
public sealed class HO502AlbDeregistrationDelayBelowDrain : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO502", "alb-deregistration-delay-below-drain", Severity.Warning, "Provider",
        "An AWS ALB or NLB target group's deregistration_delay.timeout_seconds (target-group-attributes on the Ingress or Service; 300 s by default) is shorter than the app's drain time D: when the delay ends the load balancer completes deregistration and requests still running on the draining target are cut.",
        "Keep deregistration_delay.timeout_seconds in 'alb.ingress.kubernetes.io/target-group-attributes' (ALB) or 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes' (NLB) at least as long as the app's longest request (its drain time), or shorten the drain.",
        ["https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#deregistration-delay",
            "https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-group-attributes",
            "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#deregistration-delay"]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var b = context.Budget;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // The delays are computed once with the budget (Timing/Providers/WorkloadPlanes.cs) for profiles that declare the relation.
        if (!context.Profile.Declares<DeregistrationDelayCoversDrain>())
        {
            yield break;
        }

        foreach (var target in b.Relations.DeregistrationDelays)
        {
            var delay = target.Delay;
            if (delay.Value >= b.DrainSeconds || delay.Node is null || !seen.Add($"{delay.Source.Kind}/{delay.Source.Name}"))
            {
                continue;
            }

            // The attribute sits in the target-group-attributes annotation of the Ingress or Service that sets it (ALB), or of the Service (NLB).
            var field = ApiField.Annotation(target.LoadBalancer == "NLB" ? LoadBalancerService.AwsTargetGroupAttributes : AlbSettings.TargetGroupAttributes);
            var drain = new Term(Measure.Drain, Quantity.Seconds(b.DrainSeconds), b.DrainDeclared ? "declared drain" : "default drain");
            yield return context.Report(new Violation(Rule, delay.Source, new AtLeast(field, drain.Value, Quantity.Seconds(delay.Value)) { Terms = [drain] })
            {
                At = delay.Node, Workload = context.Workload, Evidence = target.LoadBalancer,
            });
        }
    }
}
