using Handoff.Analysis.Timing;
using static Handoff.Analysis.Rules.Text;

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
        var idle = chain.IdleTimeout;
        var idleSeconds = chain.Seconds;
        var where = idle is null ? "the default" : $"Ingress '{idle.Source.Name}' load-balancer-attributes";
        if (b.GracePeriodSeconds >= idleSeconds)
        {
            yield return context.Report(graceNode,
                $"terminationGracePeriodSeconds is {Seconds(b.GracePeriodSeconds)}, not below the ALB idle timeout of {Seconds(idleSeconds)} ({where}): a drain longer than the idle timeout ends in 504s from the ALB; keep preStop < grace < idle timeout.",
                b.Container);
        }

        // preStop at or above the grace period is HO105's; an in-app delay pushing S past G is reported here.
        if (b.PreStopSeconds < b.GracePeriodSeconds && b.StopListeningSeconds >= b.GracePeriodSeconds)
        {
            yield return context.Report(graceNode,
                $"The app stops listening {Seconds(b.StopListeningSeconds)} after termination starts (preStop and in-app delay), not before the {Seconds(b.GracePeriodSeconds)} grace period ends; keep preStop < grace < idle timeout ({Seconds(idleSeconds)}).",
                b.Container);
        }
    }
}
