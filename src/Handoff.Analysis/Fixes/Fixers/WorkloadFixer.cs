using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Fixes.Fixers;

/// <summary>A fixer of findings about one workload: finds its budget and refuses template sources before the fixer plans.</summary>
public abstract class WorkloadFixer : IFixer
{
    /// <inheritdoc/>
    public abstract IReadOnlyCollection<string> RuleIds { get; }

    /// <inheritdoc/>
    public Fix Plan(Finding finding, FixContext context)
    {
        ArgumentNullException.ThrowIfNull(finding);
        ArgumentNullException.ThrowIfNull(context);
        if (context.BudgetOf(finding) is not { } budget)
        {
            return FixContext.Advice(finding, "the workload was not found");
        }

        return FixContext.Uneditable(budget.Workload.Object) is { } why ? FixContext.Advice(finding, why) : Plan(finding, context, budget);
    }

    /// <summary>Plans the fix of a finding about the workload of <paramref name="budget"/>, which is editable.</summary>
    protected abstract Fix Plan(Finding finding, FixContext context, TimeBudget budget);
}
