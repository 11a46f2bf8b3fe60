using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Rules.Timing;

/// <summary>The grace period a workload needs, S + D + B, stated once for HO104, HO105 and HO110 (and their fixer).</summary>
public static class GraceRequirement
{
    /// <summary>
    /// terminationGracePeriodSeconds must cover the longest preStop of the pod plus the in-app delay, the drain and the
    /// buffer; the preStop counts in full here, not capped by the grace period as the time budget caps it, because
    /// the grace period is what must grow.
    /// </summary>
    public static AtLeast Of(TimeBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var workload = budget.Workload;

        // HO105 is judged per container: size the grace period for the longest preStop of the pod.
        var preStop = Math.Max(budget.PreStopSeconds, workload.Pod.Containers
            .Select(c => TimeBudget.PreStopDuration(workload, c))
            .Where(d => d.Source is PreStopSource.SleepAction or PreStopSource.ExecSleep or PreStopSource.Declared)
            .Select(d => d.Seconds).DefaultIfEmpty(0).Max());
        var stop = preStop + budget.InAppDelaySeconds;
        return new AtLeast(ApiField.GracePeriod, Quantity.Seconds(stop + budget.DrainSeconds + budget.BufferSeconds), Quantity.Seconds(budget.GracePeriodSeconds))
        {
            Terms =
            [
                new Term(Measure.StopListening, Quantity.Seconds(stop), "preStop and delay"),
                new Term(Measure.Drain, Quantity.Seconds(budget.DrainSeconds), budget.DrainDeclared ? "declared drain" : "default drain"),
                new Term(Measure.Buffer, Quantity.Seconds(budget.BufferSeconds), "buffer"),
            ],
            Defaulted = workload.Pod.TerminationGracePeriodSeconds is null,
        };
    }
}
