namespace Handoff.Analysis.Kubernetes;

/// <summary>One pod of a Deployment as the Deployment controller sees it at one moment.</summary>
/// <param name="Name">The pod's name (the decision names the pods to delete by it).</param>
/// <param name="IsNew">Whether it belongs to the new ReplicaSet (the updated template).</param>
/// <param name="CreationOrder">Creation order within the Deployment: higher is newer (the ReplicaSet deletes newer pods first).</param>
/// <param name="ReadySince">When the pod last became Ready, or null while it is not Ready.</param>
/// <param name="Terminating">Whether it has a deletion timestamp (then no ReplicaSet counts it).</param>
/// <param name="Exited">Whether its containers have stopped (a terminating pod that exited is gone).</param>
public sealed record RolloutPodState(string Name, bool IsNew, long CreationOrder, TimeSpan? ReadySince, bool Terminating, bool Exited)
{
    /// <summary>Whether the pod is available at <paramref name="now"/>: Ready for at least <paramref name="minReady"/> (podutil.IsPodAvailable) and still running.</summary>
    public bool IsAvailable(TimeSpan minReady, TimeSpan now) => !Exited && ReadySince is { } since && since <= now - minReady;
}
