using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules.Timing;

/// <summary>HO104: the grace period does not cover preStop, the app's drain and a buffer.</summary>
public sealed class HO104GracePeriodTooShort : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO104", "grace-period-too-short", Severity.Error, "Timing",
        "terminationGracePeriodSeconds (G) is less than S + D + B: preStop and in-app delay, the app's drain time (20 s unless declared) and a 10 s buffer; SIGKILL can cut in-flight requests.",
        "Set terminationGracePeriodSeconds to at least S + D + B, and declare the app's real drain time with the 'handoff.dev/drain-seconds' annotation.",
        [Sources.PodTermination, Sources.TimingModel])
    {
        Fixer = "grace-period",
        SupersededBy = [new("HO110", SupersessionScope.Object, "When the declared drain does not fit, HO110 says it with the drain window.")],
    };

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

        var pod = context.Workload.Pod;
        yield return context.Report(context.Violation(GraceRequirement.Of(b), pod.SpecNode["terminationGracePeriodSeconds"] ?? pod.SpecNode, b.Container));
    }
}
