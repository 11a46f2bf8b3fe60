namespace Handoff.Analysis.Rules;

/// <summary>A check over the cluster model. Rules return findings; they never throw on a user's manifest.</summary>
/// <remarks>Every implementation is listed in <see cref="RuleCatalog"/>; a test fails when one is not.</remarks>
public interface IRule
{
    /// <summary>The rule's identity and documentation.</summary>
    RuleDescriptor Descriptor { get; }

    /// <summary>Returns every violation in the model.</summary>
    IEnumerable<Finding> Evaluate(RuleContext context);
}

/// <summary>A rule judged one workload at a time.</summary>
public abstract class WorkloadRule : IRule
{
    /// <inheritdoc/>
    public abstract RuleDescriptor Descriptor { get; }

    /// <summary>Whether the rule looks only at workloads that serve traffic: from <see cref="RuleDescriptor.Scope"/> (most do).</summary>
    /// <remarks>Set the descriptor's scope rather than overriding this; the override is kept for rules not yet moved.</remarks>
    protected virtual bool ServingOnly => Descriptor.Scope != RuleScope.AnyWorkload;

    /// <inheritdoc/>
    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var budget in context.Budgets)
        {
            if (ServingOnly && !budget.Workload.IsServing)
            {
                continue;
            }

            foreach (var finding in Evaluate(new WorkloadContext(context, budget, Descriptor)))
            {
                yield return finding;
            }
        }
    }

    /// <summary>Returns the violations of one workload.</summary>
    protected abstract IEnumerable<Finding> Evaluate(WorkloadContext context);
}
