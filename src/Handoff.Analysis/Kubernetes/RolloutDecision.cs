namespace Handoff.Analysis.Kubernetes;

/// <summary>What the Deployment controller does in one sync.</summary>
/// <param name="Create">New pods to create now (the new ReplicaSet is scaled up by this many).</param>
/// <param name="Delete">Old pods to delete now, in the order the ReplicaSet picks them.</param>
/// <param name="Complete">Every new pod is available and no old pod is counted: 'kubectl rollout status' returns (terminating pods may still run).</param>
public sealed record RolloutDecision(int Create, IReadOnlyList<string> Delete, bool Complete)
{
    /// <summary>Nothing to do until a pod changes.</summary>
    public static RolloutDecision Wait { get; } = new(0, [], false);

    /// <summary>Whether this sync changes anything (then the controller syncs again at once).</summary>
    public bool Acts => Create > 0 || Delete.Count > 0;
}
