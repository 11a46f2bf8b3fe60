using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Analysis.Rules.Timing;

/// <summary>HO101: a serving container stops on SIGTERM while the data planes still send it traffic.</summary>
public sealed class HO101PreStopMissing : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO101", "prestop-missing", Severity.Error, "Timing",
        "A serving container has no preStop hook and no in-app shutdown delay, so SIGTERM arrives while load balancers still send it requests.",
        "Add 'lifecycle.preStop.sleep.seconds' of at least the profile's propagation time, or make the app keep serving for that long after SIGTERM (Handoff.AspNetCore) and declare it with the 'handoff.dev/shutdown-delay-seconds' annotation.",
        [Sources.PodTermination, Sources.LifecycleHooks, Sources.TimingModel]);

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

        foreach (var container in context.Workload.ServingContainers)
        {
            if (container.PreStop is null)
            {
                yield return context.Report(container.Node,
                    $"Container '{container.Name}' gets SIGTERM at t=0 s, but the {context.Profile.Id} profile keeps sending it new requests for up to {Seconds(budget.PropagationSeconds)}; add a preStop sleep of at least {Seconds(budget.PropagationSeconds)}.",
                    container);
            }
        }
    }
}
