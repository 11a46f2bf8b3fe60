using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Analysis.Fixes.Fixers;

/// <summary>HO104, HO105, HO110: raises terminationGracePeriodSeconds to S + D + B.</summary>
public sealed class GracePeriodFixer : WorkloadFixer
{
    /// <inheritdoc/>
    public override IReadOnlyCollection<string> RuleIds { get; } = ["HO104", "HO105", "HO110"];

    /// <inheritdoc/>
    protected override Fix Plan(Finding finding, FixContext context, TimeBudget budget)
    {
        var workload = budget.Workload;

        // HO105 is judged per container; size the grace period for the longest preStop of the pod.
        var preStop = Math.Max(budget.PreStopSeconds, workload.Pod.Containers
            .Select(c => Timing.TimeBudget.PreStopDuration(workload, c))
            .Where(d => d.Source is Timing.PreStopSource.SleepAction or Timing.PreStopSource.ExecSleep or Timing.PreStopSource.Declared)
            .Select(d => d.Seconds).DefaultIfEmpty(0).Max());
        var required = FixDefaults.WholeSeconds(preStop + budget.InAppDelaySeconds + budget.DrainSeconds + budget.BufferSeconds);
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
                $"Set terminationGracePeriodSeconds to {required} s: preStop and delay {Seconds(preStop + budget.InAppDelaySeconds)} + drain {Seconds(budget.DrainSeconds)} + buffer {Seconds(budget.BufferSeconds)}.", edits);
    }
}
