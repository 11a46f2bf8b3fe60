using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Rules.Rollout;

/// <summary>HO208: a PodDisruptionBudget that lets crash-looping pods stall a node drain.</summary>
public sealed class HO208PdbUnhealthyEvictionPolicy : IRule
{
    /// <summary>The Kubernetes documentation of the policy (beta and on by default since 1.27, GA in 1.31).</summary>
    public const string UnhealthyPodEvictionPolicy = "https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy";

    /// <summary>The first version with spec.unhealthyPodEvictionPolicy on by default (beta in 1.27, GA in 1.31).</summary>
    public static KubernetesVersion PolicyAvailable { get; } = new(1, 27);

    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO208", "pdb-unhealthy-eviction-policy", Severity.Info, "Rollout",
        "A PodDisruptionBudget does not set 'unhealthyPodEvictionPolicy: AlwaysAllow': with the default (IfHealthyBudget) a pod that runs but never turns ready can be evicted only while the budget is healthy, so a crash-looping pod can stall a node drain.",
        "Set 'spec.unhealthyPodEvictionPolicy: AlwaysAllow' on the PodDisruptionBudget (Kubernetes 1.27 and later), so unready pods never block a drain.",
        [UnhealthyPodEvictionPolicy, Sources.ConfigurePdb])
    {
        Scope = RuleScope.AnyWorkload,
    };

    /// <inheritdoc/>
    public RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Version < PolicyAvailable)
        {
            yield break;
        }

        // Only budgets that select a workload of the input: one that selects nothing blocks nothing.
        var budgets = context.Model.Workloads.SelectMany(w => w.DisruptionBudgets).Distinct().ToList();
        foreach (var budget in context.Model.DisruptionBudgets.Where(budgets.Contains))
        {
            if (budget.UnhealthyPodEvictionPolicy == "AlwaysAllow")
            {
                continue;
            }

            var spec = budget.Object.Node["spec"] as Yaml.YMap;
            var at = spec?["unhealthyPodEvictionPolicy"] ?? spec ?? (Yaml.YNode)budget.Object.Node;
            var written = budget.UnhealthyPodEvictionPolicy is { } policy ? $"sets unhealthyPodEvictionPolicy '{policy}'" : "keeps the default unhealthyPodEvictionPolicy (IfHealthyBudget)";
            yield return RuleContext.Report(Rule, budget.Object, at,
                $"PodDisruptionBudget '{budget.Object.Name}' {written}: a selected pod that runs but is not ready can be evicted only while the budget is healthy, so one crash-looping pod can stall a node drain.");
        }
    }
}
