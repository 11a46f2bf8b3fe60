using Handoff.Rollout.Attribution;
using Handoff.Rollout.Cluster;

namespace Handoff.Rollout.Verify;

/// <summary>What 'handoff verify' sends and how it bounds the run.</summary>
/// <remarks>
/// Defaults (see <see cref="LiveVerifyDefaults"/>): 100 requests per second over 16 keep-alive connections (a
/// live service is someone's production: start low, raise --rps deliberately), a 5 s request timeout, the
/// backend read from the 'X-Backend' response header, and the bounds of <see cref="LiveRolloutOptions"/>.
/// </remarks>
public sealed class LiveVerifyOptions
{
    /// <summary>The URL every request goes to.</summary>
    public required Uri Target { get; init; }

    /// <summary>Open-loop request rate. Defaults to 100 per second.</summary>
    public int RequestsPerSecond { get; init; } = LiveVerifyDefaults.RequestsPerSecond;

    /// <summary>Keep-alive connections. Defaults to 16.</summary>
    public int Connections { get; init; } = LiveVerifyDefaults.Connections;

    /// <summary>Per-request timeout. Defaults to 5 seconds.</summary>
    public TimeSpan RequestTimeout { get; init; } = LiveVerifyDefaults.RequestTimeout;

    /// <summary>The response header naming the pod that answered (an app can set it from the downward API). Defaults to "X-Backend".</summary>
    public string BackendHeader { get; init; } = LiveVerifyDefaults.BackendHeader;

    /// <summary>Accept any server certificate on an https:// target (--insecure). Defaults to false.</summary>
    public bool SkipCertificateCheck { get; init; }

    /// <summary>How long after the EndpointSlice dropped a pod the data planes in front of it may still send to it (the workload's profile, or --data-plane-lag). Defaults to 10 seconds.</summary>
    public TimeSpan DataPlaneLag { get; init; } = AttributionDefaults.DataPlaneLag;

    /// <summary>Where <see cref="DataPlaneLag"/> came from ("--data-plane-lag 5s", "profile kube-proxy-small"), for the report. Defaults to "assumed: default".</summary>
    public string DataPlaneLagSource { get; init; } = "assumed: default";

    /// <summary>Trigger and time bounds.</summary>
    public LiveRolloutOptions Rollout { get; init; } = new();
}

/// <summary>Default values of <see cref="LiveVerifyOptions"/>.</summary>
public static class LiveVerifyDefaults
{
    /// <summary>Requests per second.</summary>
    public const int RequestsPerSecond = 100;

    /// <summary>Keep-alive connections.</summary>
    public const int Connections = 16;

    /// <summary>The backend header.</summary>
    public const string BackendHeader = "X-Backend";

    /// <summary>Per-request timeout.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
}
