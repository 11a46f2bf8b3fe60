using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Analysis.Fixes.Fixers;

/// <summary>HO101: adds a native preStop 'sleep' sized to the profile's propagation time.</summary>
public sealed class AddPreStopFixer : WorkloadFixer
{
    /// <inheritdoc/>
    public override IReadOnlyCollection<string> RuleIds { get; } = ["HO101"];

    /// <inheritdoc/>
    protected override Fix Plan(Finding finding, FixContext context, TimeBudget budget)
    {
        if (FixContext.ContainerOf(finding, budget.Workload) is not { } container)
        {
            return FixContext.Advice(finding, "the container was not found");
        }

        var seconds = FixDefaults.WholeSeconds(budget.PropagationSeconds - budget.InAppDelaySeconds);
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
                $"Add a preStop 'sleep' of {seconds} s to container '{container.Name}' ({context.Profile.Id}: endpoints are removed after up to {Seconds(budget.PropagationSeconds)}).", edits);
    }
}
