using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Fixes.Fixers;

/// <summary>A fixer of violations about one workload: finds its budget and refuses template sources before the fixer plans.</summary>
public abstract class WorkloadFixer : IFixer
{
    private IReadOnlyCollection<string>? _ruleIds;

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> RuleIds => _ruleIds ??=
        RuleCatalog.All.Where(r => r.Descriptor.Fixer == Name).Select(r => r.Descriptor.Id).ToList();

    /// <inheritdoc/>
    public Fix Plan(Finding finding, FixContext context)
    {
        ArgumentNullException.ThrowIfNull(finding);
        ArgumentNullException.ThrowIfNull(context);
        if (finding.Violation is not { } violation)
        {
            return FixContext.Advice(finding, $"rule {finding.RuleId} reported no violation to fix");
        }

        if (context.BudgetOf(finding) is not { } budget)
        {
            return FixContext.Advice(finding, "the workload was not found");
        }

        return FixContext.Uneditable(budget.Workload.Object) is { } why ? FixContext.Advice(finding, why) : Plan(finding, violation, context, budget);
    }

    /// <summary>Plans the fix of <paramref name="violation"/> (reported as <paramref name="finding"/>) on the workload of <paramref name="budget"/>, which is editable.</summary>
    protected abstract Fix Plan(Finding finding, Violation violation, FixContext context, TimeBudget budget);
}
