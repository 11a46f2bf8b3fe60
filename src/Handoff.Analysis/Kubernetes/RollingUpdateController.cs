namespace Handoff.Analysis.Kubernetes;

/// <summary>The Deployment controller's sync for RollingUpdate and Recreate, as a pure function of the pods it sees.</summary>
/// <remarks>
/// <para>Follows pkg/controller/deployment/rolling.go and recreate.go with the ReplicaSet controller taken as instant
/// (a ReplicaSet's spec.replicas is the number of its non-terminating pods). One call is one sync: scale up
/// (reconcileNewReplicaSet) or, when there is nothing to scale up, scale down (reconcileOldReplicaSets with
/// cleanupUnhealthyReplicas first). The controller syncs again as soon as it changed something, so callers repeat
/// the call at the same moment until <see cref="RolloutDecision.Acts"/> is false. Terminating pods are not counted
/// (they are not in a ReplicaSet's status.replicas), except toward maxSurge under
/// <see cref="ReplacementPolicy.TerminationComplete"/>.</para>
/// <para>The lab calls it with its real pod processes on the run clock; explain calls it from a discrete-event loop on
/// simulated time (RolloutSimulator), so both make the same decisions.</para>
/// </remarks>
public static class RollingUpdateController
{
    /// <summary>Decides one sync for <paramref name="spec"/> given <paramref name="pods"/> at <paramref name="now"/>.</summary>
    public static RolloutDecision Decide(RollingUpdateSpec spec, IReadOnlyCollection<RolloutPodState> pods, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(pods);
        var replicas = Math.Max(0, spec.Replicas);
        var old = pods.Where(p => !p.IsNew && !p.Terminating).ToList();
        var current = pods.Where(p => p.IsNew && !p.Terminating).ToList();
        var newAvailable = current.Count(p => p.IsAvailable(spec.MinReady, now));
        if (old.Count == 0 && current.Count == replicas && newAvailable == replicas)
        {
            return new RolloutDecision(0, [], true);
        }

        return spec.Recreate ? Recreate(replicas, pods, old, current) : Rolling(spec, replicas, pods, old, current, newAvailable, now);
    }

    // recreate.go: scale every old ReplicaSet to 0, wait until no old pod runs (oldPodsRunning), then scale the new one up.
    private static RolloutDecision Recreate(int replicas, IReadOnlyCollection<RolloutPodState> pods, List<RolloutPodState> old, List<RolloutPodState> current)
    {
        if (old.Count > 0)
        {
            return new RolloutDecision(0, [.. InDeletionOrder(old).Select(p => p.Name)], false);
        }

        if (pods.Any(p => !p.IsNew && !p.Exited))
        {
            return RolloutDecision.Wait;
        }

        var create = replicas - current.Count;
        return create > 0 ? new RolloutDecision(create, [], false) : RolloutDecision.Wait;
    }

    private static RolloutDecision Rolling(RollingUpdateSpec spec, int replicas, IReadOnlyCollection<RolloutPodState> pods, List<RolloutPodState> old, List<RolloutPodState> current, int newAvailable, TimeSpan now)
    {
        // reconcileNewReplicaSet / NewRSNewReplicas: up to replicas + maxSurge pods in all ReplicaSets.
        var counted = old.Count + current.Count;
        if (spec.Policy == ReplacementPolicy.TerminationComplete)
        {
            counted += pods.Count(p => p.Terminating && !p.Exited);
        }

        var create = Math.Min(replicas + spec.Fenceposts.MaxSurge - counted, replicas - current.Count);
        if (create > 0)
        {
            return new RolloutDecision(create, [], false);
        }

        // reconcileOldReplicaSets: keep replicas - maxUnavailable available; unavailable new pods count against it.
        if (old.Count == 0)
        {
            return RolloutDecision.Wait;
        }

        var minAvailable = replicas - Math.Min(spec.Fenceposts.MaxUnavailable, replicas); // deploymentutil.MaxUnavailable caps at replicas
        var newUnavailable = current.Count - newAvailable;
        var maxScaledDown = old.Count + current.Count - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
        {
            return RolloutDecision.Wait;
        }

        // cleanupUnhealthyReplicas: unavailable old pods go first, they cost no availability.
        var oldAvailable = old.Count(p => p.IsAvailable(spec.MinReady, now));
        var cleanup = Math.Min(maxScaledDown, old.Count - oldAvailable);

        // scaleDownOldReplicaSetsForRollingUpdate: then available old pods, while more than minAvailable are available.
        var available = oldAvailable + newAvailable;
        var scaleDown = available <= minAvailable ? 0 : Math.Min(old.Count - cleanup, available - minAvailable);
        var delete = cleanup + scaleDown;
        return delete > 0 ? new RolloutDecision(0, [.. InDeletionOrder(old).Take(delete).Select(p => p.Name)], false) : RolloutDecision.Wait;
    }

    // The ReplicaSet controller's pick when scaled down (controller.ActivePodsWithRanks): not running before running,
    // not ready before ready, then newer before older. Its ranking also prefers pods ready for a shorter time, in
    // power-of-two buckets (LogarithmicScaleDown), so pods that became ready close together fall to creation order.
    private static IEnumerable<RolloutPodState> InDeletionOrder(IEnumerable<RolloutPodState> pods) =>
        pods.OrderBy(p => !p.Exited).ThenBy(p => p.ReadySince is not null).ThenByDescending(p => p.CreationOrder);
}
