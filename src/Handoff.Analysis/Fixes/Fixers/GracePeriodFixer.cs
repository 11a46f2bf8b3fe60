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

        // Behind an ALB the grace period must stay below the idle timeout (HO106): a fix that raises it past the
        // timeout trades SIGKILLed requests for the ALB's 504s. Cap it 1 s below, and say what it leaves undone.
        var cap = string.Empty;
        if (budget.Relations.IdleTimeout is { } idle && required >= idle.Seconds)
        {
            var capped = (int)Math.Ceiling(idle.Seconds) - 1;
            var where = idle.IdleTimeout is { } set ? $"Ingress '{set.Source.Name}' sets idle_timeout.timeout_seconds {set.Value}" : $"the ALB default is {Seconds(idle.Seconds)}";
            if (capped <= budget.StopListeningSeconds || capped <= workload.Pod.GracePeriodSeconds)
            {
                return FixContext.Advice(finding,
                    $"{required} s would reach the ALB idle timeout of {Seconds(idle.Seconds)} ({where}), and no grace period between stop-listening at {Seconds(budget.StopListeningSeconds)} and it is longer than the {Seconds(workload.Pod.GracePeriodSeconds)} already set; raise idle_timeout.timeout_seconds in 'alb.ingress.kubernetes.io/load-balancer-attributes' first");
            }

            cap = $" (capped 1 s below the ALB idle timeout of {Seconds(idle.Seconds)}: {where}; {required} s needs idle_timeout.timeout_seconds above {required} in 'alb.ingress.kubernetes.io/load-balancer-attributes')";
            required = capped;
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
                $"Set terminationGracePeriodSeconds to {required} s: preStop and delay {grace.Terms.Of(Measure.StopListening).Value} + drain {grace.Terms.Of(Measure.Drain).Value} + buffer {grace.Terms.Of(Measure.Buffer).Value}{cap}.", edits) with { IsPartial = cap.Length > 0 };
    }
}
