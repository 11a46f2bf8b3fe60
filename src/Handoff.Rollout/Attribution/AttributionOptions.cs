namespace Handoff.Rollout.Attribution;

/// <summary>The time windows failure attribution works with.</summary>
/// <remarks>Defaults are in <see cref="AttributionDefaults"/>.</remarks>
public sealed record AttributionOptions
{
    /// <summary>
    /// How long after the control plane (the EndpointSlice) dropped a pod a data plane may still send to it: the lab
    /// passes its --propagation, verify the workload's profile or the user's --data-plane-lag. Defaults to 10 seconds.
    /// </summary>
    public TimeSpan DataPlaneLag { get; init; } = AttributionDefaults.DataPlaneLag;

    /// <summary>Where <see cref="DataPlaneLag"/> came from, as the report prints it ("--propagation 2s", "profile kube-proxy-small"). Defaults to "assumed: default".</summary>
    public string DataPlaneLagSource { get; init; } = "assumed: default";

    /// <summary>Per-pod lags where they differ from <see cref="DataPlaneLag"/> (the lab draws a ranged --propagation per pod). Defaults to none.</summary>
    public IReadOnlyDictionary<string, TimeSpan> DataPlaneLagByPod { get; init; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>How closely the traffic must place the moment a plane stopped sending to a pod for its observed propagation not to be a lower bound. Defaults to 300 milliseconds.</summary>
    public TimeSpan PropagationResolution { get; init; } = AttributionDefaults.PropagationResolution;

    /// <summary>How late a watch may deliver a change, so how much earlier than an inferred SIGTERM the real one may be. Defaults to 1 second.</summary>
    public TimeSpan WatchLatency { get; init; } = AttributionDefaults.WatchLatency;

    /// <summary>How long after a new pod became an endpoint a failure still counts as "served before ready" when the pod served nothing yet and no success bounds it. Defaults to 5 seconds.</summary>
    public TimeSpan NewPodWindow { get; init; } = AttributionDefaults.NewPodWindow;

    /// <summary>How far a request may start before a pod event and still count as after it (it left the client a moment before). Defaults to 100 milliseconds.</summary>
    public TimeSpan Slack { get; init; } = AttributionDefaults.Slack;
}

/// <summary>Default values of <see cref="AttributionOptions"/>.</summary>
public static class AttributionDefaults
{
    /// <summary>Data-plane lag when neither a profile nor the user gives one: seed 001's small-cluster kube-proxy range tops out at 10 s.</summary>
    public static readonly TimeSpan DataPlaneLag = TimeSpan.FromSeconds(10);

    /// <summary>Watch delivery delay.</summary>
    public static readonly TimeSpan WatchLatency = TimeSpan.FromSeconds(1);

    /// <summary>The served-before-ready window.</summary>
    public static readonly TimeSpan NewPodWindow = TimeSpan.FromSeconds(5);

    /// <summary>The resolution of an observed propagation: the lab's acceptance bound (issue 16: within 0.3 s of --propagation).</summary>
    public static readonly TimeSpan PropagationResolution = TimeSpan.FromMilliseconds(300);

    /// <summary>Request-versus-event slack.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(100);
}
