using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules;

/// <summary>Which workloads and containers a rule is about; the analyzer applies it, so rules need not test it themselves.</summary>
public enum RuleScope
{
    /// <summary>Every workload, serving or not (a PodDisruptionBudget that blocks drains, a preStop longer than the grace period).</summary>
    AnyWorkload,

    /// <summary>Only workloads that serve user traffic (<see cref="Workload.Serving"/>); others are not evaluated.</summary>
    ServingWorkload,

    /// <summary>
    /// Containers that receive user traffic: a finding on any other container (a sidecar, an exporter, a worker) drops to
    /// info, with the reason appended. Findings on no container (a Dockerfile) are kept as they are.
    /// </summary>
    ServingContainer,
}

/// <summary>Applies a rule's <see cref="RuleDescriptor.Scope"/> to its findings.</summary>
internal static class RuleScopes
{
    /// <summary>
    /// The finding as its rule's scope leaves it: unchanged; null when the rule is about serving workloads and this one
    /// serves nothing; or at info, with the reason, when the rule is about serving containers and this one is not.
    /// </summary>
    public static Finding? Apply(Finding finding, IReadOnlyDictionary<(string File, Manifests.ObjectRef Ref), Workload> workloads)
    {
        var scope = finding.Rule.Scope;
        if (scope == RuleScope.AnyWorkload
            || (finding.Violation?.Workload ?? workloads.GetValueOrDefault((finding.Location.File, finding.Object))) is not { } workload)
        {
            return finding;
        }

        if (scope == RuleScope.ServingWorkload)
        {
            return workload.IsServing ? finding : null;
        }

        if (finding.Container is not { } name || finding.Severity == Severity.Info || workload.ServingContainers.Any(c => c.Name == name))
        {
            return finding;
        }

        var reason = workload.IsServing ? Messages.NotTrafficContainer(name) : Messages.NotServing(workload);
        return finding with { Severity = Severity.Info, Message = $"{finding.Message} {reason}" };
    }
}
