using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Rules.Timing;

/// <summary>HO111: a workload that serves long-lived connections has a grace period too short for their drain.</summary>
/// <remarks>
/// Warning, not error: most signs are inferred (a port name, a raised proxy timeout), the 60 s floor is seed 001's
/// recommendation rather than a Kubernetes limit, and a client of a cut WebSocket or stream reconnects; what is lost is
/// the messages in flight and the reconnects bunch up. A window the user declared is as certain as HO104's drain, so it
/// is an error.
/// </remarks>
public sealed class HO111LongLivedGraceTooShort : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO111", "long-lived-grace-too-short", Severity.Warning, "Timing",
        "The workload serves long-lived connections (Service appProtocol 'kubernetes.io/ws', 'kubernetes.io/wss', 'kubernetes.io/h2c' or 'grpc'; a port named ws, websocket or grpc; ingress-nginx proxy timeouts, an ALB idle timeout or a GKE backend timeout raised to 300 s or more; a GRPCRoute; or 'handoff.dev/long-lived-drain-seconds') and terminationGracePeriodSeconds does not cover S + their drain + B, at least the 60 s seed 001 gives WebSocket and long-poll services (60-120 s); connections still open at SIGKILL end abnormally and their clients reconnect at once.",
        "Raise terminationGracePeriodSeconds to preStop + the long-lived drain window + buffer (60-120 s for WebSocket and long-poll services, seed 001), declare the app's real window with 'handoff.dev/long-lived-drain-seconds' (\"0\" when it keeps no long-lived connections), and close the connections during the drain (Handoff.AspNetCore does: docs/library.md, Long-lived connections).",
        ["seed 001 (docs/timing-model.md)", Sources.PodTermination, "https://kubernetes.io/docs/concepts/services-networking/service/#application-protocol",
            "https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/configure-websocket-services-with-nginx-ingress-controller"])
    {
        Fixer = "grace-period",
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var b = context.Budget;
        if (b.LongLived is not { } longLived)
        {
            yield break;
        }

        // When the long-lived window is no longer than the app's drain D, HO104 states the same requirement already.
        var requirement = Of(b, longLived);
        if (requirement.Actual.Value >= requirement.Required.Value || requirement.Required.Value <= GraceRequirement.Of(b).Required.Value)
        {
            yield break;
        }

        var pod = context.Workload.Pod;
        var graceNode = pod.SpecNode["terminationGracePeriodSeconds"];
        yield return context.Report(context.Violation(requirement, graceNode ?? pod.SpecNode, b.Container) with
        {
            Evidence = longLived.Declared && longLived.Signs.Count == 0
                ? $"the '{HandoffAnnotations.LongLivedDrainSeconds}' annotation"
                : string.Join("; ", longLived.Signs.Take(3).Select(s => s.Evidence)) + (longLived.Signs.Count > 3 ? $"; {longLived.Signs.Count - 3} more" : string.Empty),
            Observed = [new Term(Measure.GracePeriod, Quantity.Seconds(LongLivedConnections.SeedGraceFloorSeconds), "seed 001 floor")],
            Nodes = [.. longLived.Signs.Select(s => s.Node).OfType<Yaml.YNode>()],
            Severity = longLived.Declared ? Severity.Error : null,
            Case = longLived.Declared ? "declared" : longLived.Protocols,
        });
    }

    /// <summary>
    /// The grace period long-lived connections need: S (the longest preStop and the in-app delay, as HO104 counts it) +
    /// their drain window + B.
    /// </summary>
    public static AtLeast Of(TimeBudget budget, LongLivedConnections longLived)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(longLived);
        var grace = GraceRequirement.Of(budget);
        var stop = grace.Terms.Of(Measure.StopListening).Value.Value;
        var drain = longLived.DrainSeconds(stop, budget.DrainSeconds, budget.BufferSeconds);
        var label = longLived.Declared && drain > budget.DrainSeconds ? "declared long-lived drain"
            : drain > budget.DrainSeconds ? "long-lived drain" : grace.Terms.Of(Measure.Drain).Label;
        return grace with
        {
            Required = Quantity.Seconds(stop + drain + budget.BufferSeconds),
            Terms = [grace.Terms.Of(Measure.StopListening), new Term(Measure.Drain, Quantity.Seconds(drain), label), grace.Terms.Of(Measure.Buffer)],
        };
    }
}
