using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Fixes.Fixers;

/// <summary>HO203: adds minReadySeconds so a new pod is in the load balancers before the next old one goes.</summary>
public sealed class MinReadySecondsFixer : WorkloadFixer
{
    /// <inheritdoc/>
    public override IReadOnlyCollection<string> RuleIds { get; } = ["HO203"];

    /// <inheritdoc/>
    protected override Fix Plan(Finding finding, FixContext context, TimeBudget budget)
    {
        var workload = budget.Workload;
        if (Paths.Spec(workload) is not { } spec)
        {
            return FixContext.Advice(finding, "the spec is not written in place (an alias or an unexpected shape)");
        }

        var edits = new List<TextEdit>();
        var refusal = context.EditorFor(workload.Object).SetEntries(spec, [("minReadySeconds", YamlValue.Number(FixDefaults.MinReadySeconds))], edits,
            new Placement(["replicas"], ["selector", "strategy", "template"]));
        return refusal is not null
            ? FixContext.Advice(finding, refusal)
            : FixContext.Edit(finding, $"Set minReadySeconds to {FixDefaults.MinReadySeconds} s on {workload.Kind} '{workload.Name}'.", edits);
    }
}
