using Handoff.Analysis.Model;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Analysis.Rules.Timing;

/// <summary>HO104: the grace period does not cover preStop, the app's drain and a buffer.</summary>
public sealed class HO104GracePeriodTooShort : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO104", "grace-period-too-short", Severity.Error, "Timing",
        "terminationGracePeriodSeconds (G) is less than S + D + B: preStop and in-app delay, the app's drain time (20 s unless declared) and a 10 s buffer; SIGKILL can cut in-flight requests.",
        "Set terminationGracePeriodSeconds to at least S + D + B, and declare the app's real drain time with the 'handoff.dev/drain-seconds' annotation.",
        [Sources.PodTermination, Sources.TimingModel]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var b = context.Budget;
        if (b.GracePeriodSeconds >= b.RequiredGraceSeconds)
        {
            yield break;
        }

        if (b.DrainDeclared && b.DrainSeconds > b.DrainWindowSeconds)
        {
            yield break; // HO110 says it more precisely.
        }

        var pod = context.Workload.Pod;
        var at = pod.SpecNode["terminationGracePeriodSeconds"] ?? pod.SpecNode;
        var written = pod.TerminationGracePeriodSeconds is null ? " (the default)" : string.Empty;
        var drain = b.DrainDeclared ? "declared drain" : "default drain";
        yield return context.Report(at,
            $"terminationGracePeriodSeconds is {Seconds(b.GracePeriodSeconds)}{written}, but preStop and delay {Seconds(b.StopListeningSeconds)} + {drain} {Seconds(b.DrainSeconds)} + buffer {Seconds(b.BufferSeconds)} need {Seconds(b.RequiredGraceSeconds)}; SIGKILL can cut in-flight requests.",
            b.Container);
    }
}
