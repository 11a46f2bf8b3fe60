using Handoff.Analysis.Kubernetes;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules.Rollout;

/// <summary>HO202: the rolling update takes ready pods away before replacements are ready.</summary>
public sealed class HO202MaxUnavailableNotZero : WorkloadRule
{
    private static readonly IntOrString DefaultMaxUnavailable = new(null, "25%");

    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO202", "max-unavailable-not-zero", Severity.Warning, "Rollout",
        "The effective maxUnavailable (a percentage of replicas, rounded down; 25% by default) is above 0, so the rollout lowers ready capacity before new pods are ready.",
        "Set 'strategy.rollingUpdate.maxUnavailable: 0' and 'maxSurge: 1' (or 25%) so a new pod is ready before an old one goes.",
        [Sources.RollingUpdate])
    {
        Fixer = "rolling-update",
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var workload = context.Workload;
        if (workload.Kind != "Deployment" || workload.Strategy is not { Type: "RollingUpdate" } strategy)
        {
            yield break;
        }

        var replicas = workload.EffectiveReplicas;
        var written = strategy.MaxUnavailable ?? DefaultMaxUnavailable;
        var resolved = RollingUpdateFenceposts.Resolve(strategy.MaxSurge, strategy.MaxUnavailable, replicas)?.MaxUnavailable ?? 0;
        if (resolved <= 0)
        {
            yield break;
        }

        var requirement = new EqualTo(ApiField.OfObject("spec.strategy.rollingUpdate.maxUnavailable"), "0", written.ToString())
        {
            Resolved = Quantity.Pods(resolved),
            Defaulted = strategy.MaxUnavailable is null,
        };
        yield return context.Report(context.Violation(requirement, written.Node ?? strategy.Node ?? workload.Object.Node["spec"]) with
        {
            Observed = [new Term(Measure.Replicas, Quantity.Pods(replicas))],
        });
    }
}
