namespace Handoff.Rollout.Lab;

/// <summary>The Deployment controller's rolling update, reduced to what decides timing: surge, unavailability, minReadySeconds.</summary>
/// <remarks>
/// Follows pkg/controller/deployment/rolling.go: scale the new ReplicaSet up to replicas + maxSurge pods in
/// total, scale the old one down while at least replicas - maxUnavailable pods stay available, where a new pod
/// counts as available minReadySeconds after it became ready. Terminating pods are not counted, as in the
/// ReplicaSet's status. Recreate deletes every old pod and waits for them to exit before creating new ones.
/// </remarks>
internal sealed class RolloutController(LabDeploymentSpec spec)
{
    /// <summary>One step's decision.</summary>
    /// <param name="Create">New pods to create now.</param>
    /// <param name="Delete">Old pods to delete now.</param>
    /// <param name="Complete">Every new pod available and no old pod left (terminating pods may still be running).</param>
    public sealed record Step(int Create, IReadOnlyList<LabPod> Delete, bool Complete);

    /// <summary>Decides what to do given the current pods at run time <paramref name="now"/>.</summary>
    public Step Decide(IReadOnlyCollection<LabPod> pods, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var old = pods.Where(p => p.Revision == 1 && !p.Terminating).ToList();
        var current = pods.Where(p => p.Revision == 2 && !p.Terminating).ToList();
        var newAvailable = current.Count(p => IsAvailable(p, now));
        var complete = old.Count == 0 && current.Count == spec.Replicas && newAvailable == spec.Replicas;
        if (complete)
        {
            return new Step(0, [], true);
        }

        if (spec.Recreate)
        {
            if (old.Count > 0)
            {
                return new Step(0, old, false);
            }

            var oldRunning = pods.Any(p => p.Revision == 1 && !p.Exited);
            return new Step(oldRunning ? 0 : spec.Replicas - current.Count, [], false);
        }

        var total = old.Count + current.Count;
        var create = Math.Max(0, Math.Min(spec.Replicas + spec.MaxSurge - total, spec.Replicas - current.Count));

        var minAvailable = spec.Replicas - spec.MaxUnavailable;
        var newUnavailable = current.Count - newAvailable;
        var available = old.Count(p => p.Ready) + newAvailable;
        var canDelete = Math.Min(total - minAvailable - newUnavailable, available - minAvailable);

        // Unready old pods go first, then the most recently created (as ReplicaSet scale-down ranks them).
        var delete = canDelete <= 0 ? [] : old.OrderBy(p => p.Ready).ThenByDescending(p => p.Name, StringComparer.Ordinal).Take(canDelete).ToList();
        return new Step(create, delete, false);
    }

    private bool IsAvailable(LabPod pod, TimeSpan now) => pod.Ready && pod.ReadySince is { } since && now - since >= spec.MinReady;
}
