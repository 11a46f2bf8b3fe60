using Handoff.Analysis.Kubernetes;

namespace Handoff.Rollout.Lab;

/// <summary>The lab's side of <see cref="RollingUpdateController"/>: its real pods in, the pods to create and delete out.</summary>
/// <remarks>
/// The decision is the one explain simulates (the Deployment controller's sync); this class only turns the lab's
/// processes into the snapshot the controller reads, at run time <c>now</c>.
/// </remarks>
internal sealed class RolloutController(LabDeploymentSpec spec)
{
    private readonly RollingUpdateSpec _spec = new(
        spec.Replicas,
        RollingUpdateFenceposts.FromPods(spec.MaxSurge, spec.MaxUnavailable),
        spec.MinReady,
        spec.Recreate);

    /// <summary>One step's decision.</summary>
    /// <param name="Create">New pods to create now.</param>
    /// <param name="Delete">Old pods to delete now.</param>
    /// <param name="Complete">Every new pod available and no old pod left (terminating pods may still be running).</param>
    public sealed record Step(int Create, IReadOnlyList<LabPod> Delete, bool Complete)
    {
        /// <summary>Whether the step changes anything (then the controller decides again at once).</summary>
        public bool Acts => Create > 0 || Delete.Count > 0;
    }

    /// <summary>Decides what to do given the current pods at run time <paramref name="now"/>.</summary>
    public Step Decide(IReadOnlyCollection<LabPod> pods, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var byName = pods.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var decision = RollingUpdateController.Decide(_spec, [.. pods.Select(Snapshot)], now);
        return new Step(decision.Create, [.. decision.Delete.Select(name => byName[name])], decision.Complete);
    }

    /// <summary>A pod as the controller sees it.</summary>
    internal static RolloutPodState Snapshot(LabPod pod) =>
        new(pod.Name, pod.Revision == 2, pod.Index, pod.ReadySince, pod.Terminating, pod.Exited);
}
