using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Fixes.Fixers;

/// <summary>HO203: adds minReadySeconds so a new pod is in the load balancers before the next old one goes.</summary>
public sealed class MinReadySecondsFixer : WorkloadFixer
{
    /// <inheritdoc/>
    public override string Name => "min-ready-seconds";

    /// <inheritdoc/>
    protected override Fix Plan(Finding finding, Violation violation, FixContext context, TimeBudget budget)
    {
        var workload = budget.Workload;
        if (violation.FixRequirement is not AtLeast { } minReady)
        {
            return FixContext.Advice(finding, $"{finding.RuleId} states no minReadySeconds to set");
        }

        var seconds = minReady.Required.WholeValue;
        if (Paths.Spec(workload) is not { } spec)
        {
            return FixContext.Advice(finding, "the spec is not written in place (an alias or an unexpected shape)");
        }

        var edits = new List<TextEdit>();
        var refusal = context.EditorFor(workload.Object).SetEntries(spec, [("minReadySeconds", YamlValue.Number(seconds))], edits,
            new Placement(["replicas"], ["selector", "strategy", "template"]));
        return refusal is not null
            ? FixContext.Advice(finding, refusal)
            : FixContext.Edit(finding, $"Set minReadySeconds to {seconds} s on {workload.Kind} '{workload.Name}'.", edits);
    }
}
