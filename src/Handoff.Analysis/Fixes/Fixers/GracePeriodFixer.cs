using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Analysis.Fixes.Fixers;

/// <summary>HO104, HO105, HO110: raises terminationGracePeriodSeconds to S + D + B.</summary>
public sealed class GracePeriodFixer : WorkloadFixer
{
    /// <inheritdoc/>
    public override string Name => "grace-period";

    /// <inheritdoc/>
    protected override Fix Plan(Finding finding, Violation violation, FixContext context, TimeBudget budget)
    {
        var workload = budget.Workload;
        if (violation.FixRequirement is not AtLeast grace || grace.Field != ApiField.GracePeriod)
        {
            return FixContext.Advice(finding, $"{finding.RuleId} states no grace period to set");
        }

        var required = grace.Required.WholeValue;
        if (workload.Pod.GracePeriodSeconds >= required)
        {
            return FixContext.Advice(finding, $"the grace period of {Seconds(workload.Pod.GracePeriodSeconds)} already covers {required} s");
        }

        if (Paths.PodSpec(workload) is not { } podSpec)
        {
            return FixContext.Advice(finding, "the pod spec is not written in place (an alias or an unexpected shape)");
        }

        var edits = new List<TextEdit>();
        var refusal = context.EditorFor(workload.Object).SetEntries(podSpec, [("terminationGracePeriodSeconds", YamlValue.Number(required))], edits);
        return refusal is not null
            ? FixContext.Advice(finding, refusal)
            : FixContext.Edit(finding,
                $"Set terminationGracePeriodSeconds to {required} s: preStop and delay {grace.Terms.Of(Measure.StopListening).Value} + drain {grace.Terms.Of(Measure.Drain).Value} + buffer {grace.Terms.Of(Measure.Buffer).Value}.", edits);
    }
}
