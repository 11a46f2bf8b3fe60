using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Fixes.Fixers;

/// <summary>HO101: adds a native preStop 'sleep' sized to the profile's propagation time.</summary>
public sealed class AddPreStopFixer : WorkloadFixer
{
    /// <inheritdoc/>
    public override string Name => "add-prestop";

    /// <inheritdoc/>
    protected override Fix Plan(Finding finding, Violation violation, FixContext context, TimeBudget budget)
    {
        if (violation is not { Container: { } container, Requirement: AtLeast required })
        {
            return FixContext.Advice(finding, "the container was not found");
        }

        var seconds = required.Required.WholeValue;
        if (!context.Version.HasSleepAction)
        {
            return FixContext.Advice(finding,
                $"Kubernetes {context.Version} has no preStop 'sleep' action on by default (1.30+); add an exec preStop running 'sleep {seconds}' if the image has a shell, or an in-app delay of {seconds} s declared with 'handoff.dev/shutdown-delay-seconds'");
        }

        if (Paths.PodSpec(budget.Workload) is not { } podSpec || !Paths.IsInPlace(podSpec, container))
        {
            return FixContext.Advice(finding, "the container is not written in place (an alias or an unexpected shape)");
        }

        var edits = new List<TextEdit>();
        var refusal = context.EditorFor(budget.Workload.Object).Ensure(container.Node, ["lifecycle", "preStop"],
            [("sleep", YamlValue.Map(("seconds", YamlValue.Number(seconds))))], edits);
        return refusal is not null
            ? FixContext.Advice(finding, refusal)
            : FixContext.Edit(finding,
                $"Add a preStop 'sleep' of {seconds} s to container '{container.Name}' ({FixContext.PropagationSource(budget, violation)}: endpoints are removed after up to {required.Terms.Of(Measure.Propagation).Value}).", edits);
    }
}
