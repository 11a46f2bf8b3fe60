using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Rules.Timing;

/// <summary>HO101: a serving container stops on SIGTERM while the data planes still send it traffic.</summary>
public sealed class HO101PreStopMissing : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO101", "prestop-missing", Severity.Error, "Timing",
        "A serving container has no preStop hook and no in-app shutdown delay, so SIGTERM arrives while load balancers still send it requests.",
        "Add 'lifecycle.preStop.sleep.seconds' of at least the profile's propagation time, or make the app keep serving for that long after SIGTERM (Handoff.AspNetCore) and declare it with the 'handoff.dev/shutdown-delay-seconds' annotation.",
        [Sources.PodTermination, Sources.LifecycleHooks, Sources.TimingModel])
    {
        Fixer = "add-prestop",
        Scope = RuleScope.ServingContainer,
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var budget = context.Budget;
        if (budget.InAppDelaySeconds > 0)
        {
            yield break;
        }

        var slowest = budget.Planes.MaxBy(p => p.PropagationSeconds);
        foreach (var container in context.Workload.ServingContainers)
        {
            if (container.PreStop is null)
            {
                var requirement = new AtLeast(ApiField.PreStopSleepSeconds, Quantity.Seconds(budget.PropagationSeconds), Quantity.Seconds(0))
                {
                    Terms = [new Term(Measure.Propagation, Quantity.Seconds(budget.PropagationSeconds), slowest?.Name)],
                };
                yield return context.Report(context.Violation(requirement, container.Node, container) with { Profile = context.Profile.Id, Evidence = context.Budget.PropagationOrigin?.Text });
            }
        }
    }
}
