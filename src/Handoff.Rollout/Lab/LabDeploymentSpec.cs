namespace Handoff.Rollout.Lab;

/// <summary>Everything the lab takes from a Deployment: the numbers that decide how a rollout races.</summary>
/// <remarks>
/// Read by <see cref="LabManifestReader"/>. Kept small and lab-specific until the analyzer's cluster model can
/// provide it; only the reader knows the YAML.
/// </remarks>
public sealed record LabDeploymentSpec
{
    /// <summary>The Deployment's name.</summary>
    public required string Name { get; init; }

    /// <summary>The manifest file it came from.</summary>
    public required string SourceFile { get; init; }

    /// <summary>spec.replicas (1 when absent).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>True for strategy Recreate (every old pod is deleted before any new one starts).</summary>
    public bool Recreate { get; init; }

    /// <summary>Resolved maxSurge in pods (percentages round up, as the Deployment controller does).</summary>
    public int MaxSurge { get; init; } = 1;

    /// <summary>Resolved maxUnavailable in pods (percentages round down).</summary>
    public int MaxUnavailable { get; init; }

    /// <summary>spec.minReadySeconds.</summary>
    public TimeSpan MinReady { get; init; }

    /// <summary>terminationGracePeriodSeconds (30 s when absent).</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The container's preStop hook, or null.</summary>
    public LabPreStop? PreStop { get; init; }

    /// <summary>The app's long-lived drain window, from the 'handoff.dev/long-lived-drain-seconds' annotation; null when not declared.</summary>
    public TimeSpan? LongLivedDrain { get; init; }

    /// <summary>The readiness probe, or null (then the pod is ready as soon as its process runs).</summary>
    public LabProbe? Readiness { get; init; }

    /// <summary>The startup probe, or null.</summary>
    public LabProbe? Startup { get; init; }

    /// <summary>The container port (first declared), if any: the one the load balancer sends traffic to.</summary>
    public int? ContainerPort { get; init; }

    /// <summary>
    /// Every container port the lab gives its own free loopback port: the declared ones in order, then any port number a
    /// probe or hook uses without declaring it. The first is <see cref="ContainerPort"/>.
    /// </summary>
    public IReadOnlyList<LabPort> Ports { get; init; } = [];

    /// <summary>Environment variables of the container, passed to every pod process ("{pod}" stands for the pod's name).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    /// <summary>Things in the manifest that the lab reads but does not emulate, as sentences for the report.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>What a preStop hook does in the lab.</summary>
/// <param name="Kind">Sleep for <paramref name="Duration"/>, or call <paramref name="Path"/> on the pod.</param>
/// <param name="Duration">The sleep (sleep action, exec sleep, or the handoff.dev/prestop-seconds declaration).</param>
/// <param name="Path">For httpGet: the path called on the pod's port.</param>
/// <param name="Source">How the manifest says it, for the report ("sleep action 10 s").</param>
public sealed record LabPreStop(LabPreStopKind Kind, TimeSpan Duration, string? Path, string Source)
{
    /// <summary>For httpGet: the container port it calls, or null for the traffic port.</summary>
    public int? Port { get; init; }
}

/// <summary>A container port as the manifest declares it (or a port number a probe or hook uses).</summary>
/// <param name="Name">The port's name, or null.</param>
/// <param name="Number">containerPort.</param>
public sealed record LabPort(string? Name, int Number);

/// <summary>The preStop handlers the lab can run.</summary>
public enum LabPreStopKind
{
    /// <summary>Wait a fixed time (sleep action, or an exec that sleeps).</summary>
    Sleep,

    /// <summary>An HTTP GET to the pod, awaited like the kubelet does.</summary>
    HttpGet,
}

/// <summary>A readiness or startup probe as the kubelet runs it.</summary>
/// <param name="Path">httpGet path, or null for a tcpSocket probe.</param>
/// <param name="InitialDelay">initialDelaySeconds.</param>
/// <param name="Period">periodSeconds (10 s when absent).</param>
/// <param name="Timeout">timeoutSeconds (1 s when absent).</param>
/// <param name="SuccessThreshold">successThreshold (1 when absent).</param>
/// <param name="FailureThreshold">failureThreshold (3 when absent).</param>
public sealed record LabProbe(string? Path, TimeSpan InitialDelay, TimeSpan Period, TimeSpan Timeout, int SuccessThreshold, int FailureThreshold)
{
    /// <summary>The container port it probes, or null for the traffic port.</summary>
    public int? Port { get; init; }
}
