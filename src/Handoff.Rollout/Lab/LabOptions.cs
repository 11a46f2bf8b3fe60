using Handoff.Rollout.Load;
using Handoff.Rollout.Runs;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Lab;

/// <summary>Default values of <see cref="LabOptions"/>.</summary>
public static class LabDefaults
{
    /// <summary>Endpoint propagation delay.</summary>
    public static readonly PropagationDelay Propagation = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));

    /// <summary>Length of the load (and the bound on the whole rollout).</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait for the first pods to become ready.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>HAProxy's path (the Debian package's).</summary>
    public const string HaProxy = "/usr/sbin/haproxy";
}

/// <summary>How the lab runs a rollout.</summary>
public sealed record LabOptions
{
    /// <summary>The command that runs one pod.</summary>
    public required AppCommand App { get; init; }

    /// <summary>How long after a pod starts terminating (or turns unready) the load balancer stops sending to it.</summary>
    /// <remarks>Defaults to 2 seconds.</remarks>
    public PropagationDelay Propagation { get; init; } = LabDefaults.Propagation;

    /// <summary>Open-loop request rate.</summary>
    /// <remarks>Defaults to 1,000 requests per second.</remarks>
    public int RequestsPerSecond { get; init; } = LoadDefaults.RequestsPerSecond;

    /// <summary>Send requests closed-loop over <see cref="Connections"/> instead of at a fixed rate.</summary>
    /// <remarks>Defaults to false.</remarks>
    public bool ClosedLoop { get; init; }

    /// <summary>Keep-alive connections from the load generator to HAProxy; for long-lived traffic, the connections kept open.</summary>
    /// <remarks>Defaults to 64.</remarks>
    public int Connections { get; init; } = LoadDefaults.Connections;

    /// <summary>What the load generator sends: HTTP requests, or long-lived WebSockets, event streams or gRPC streams.</summary>
    /// <remarks>Defaults to <see cref="TrafficKind.Http"/>.</remarks>
    public TrafficKind Traffic { get; init; } = TrafficKind.Http;

    /// <summary>For long-lived traffic: time between two sequenced messages on one connection.</summary>
    /// <remarks>Defaults to 100 milliseconds.</remarks>
    public TimeSpan MessageInterval { get; init; } = Load.LongLived.LongLivedDefaults.MessageInterval;

    /// <summary>How long load is sent; the rollout must finish inside it.</summary>
    /// <remarks>Defaults to 30 seconds.</remarks>
    public TimeSpan Duration { get; init; } = LabDefaults.Duration;

    /// <summary>How <see cref="Duration"/> was chosen ("--duration 30s", "sized to the rollout: ..."), for the report; null when a caller set it.</summary>
    public string? DurationSource { get; init; }

    /// <summary>The request path.</summary>
    /// <remarks>Defaults to "/"; for long-lived traffic "/" stands for the kind's own path (<see cref="TrafficPath"/>).</remarks>
    public string Path { get; init; } = "/";

    /// <summary>The path the traffic goes to: <see cref="Path"/>, or for long-lived traffic left at "/" the sample's '/ws', '/events' or the gRPC Echo method.</summary>
    public string TrafficPath => Traffic.IsLongLived() && Path == "/" ? Traffic.DefaultPath() : Path;

    /// <summary>Seed of the propagation draws (null: a random seed, written to the report).</summary>
    public int? Seed { get; init; }

    /// <summary>Whether HAProxy balances requests (HTTP mode, '--lb haproxy') or connections (TCP mode, '--lb haproxy-tcp').</summary>
    /// <remarks>Defaults to <see cref="LoadBalancerMode.Http"/>.</remarks>
    public LoadBalancerMode LoadBalancer { get; init; } = LoadBalancerMode.Http;

    /// <summary>HAProxy's executable.</summary>
    /// <remarks>Defaults to /usr/sbin/haproxy.</remarks>
    public string HaProxy { get; init; } = LabDefaults.HaProxy;

    /// <summary>Longest wait for the initial pods to become ready.</summary>
    /// <remarks>Defaults to 60 seconds.</remarks>
    public TimeSpan StartTimeout { get; init; } = LabDefaults.StartTimeout;

    /// <summary>Where process logs and HAProxy's configuration are kept after the run (null: deleted).</summary>
    public string? KeepFilesIn { get; init; }

    /// <summary>Called with each timeline event as it is recorded (for example to write Kubernetes watch events for 'verify').</summary>
    public Action<TimelineEvent>? OnTimelineEvent { get; init; }

    /// <summary>Called once the load balancer listens, with the URL the lab's load goes to.</summary>
    public Action<Uri>? OnLoadBalancerStarted { get; init; }

    /// <summary>Load before the rollout starts: a fifth of the duration, at most 2 seconds.</summary>
    public TimeSpan WarmUp => Duration / 5 < TimeSpan.FromSeconds(2) ? Duration / 5 : TimeSpan.FromSeconds(2);

    /// <summary>Every problem with these options, empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new RunOptionsValidator();
        errors.RequestsPerSecond(RequestsPerSecond);
        errors.Within("--duration", Duration, TimeSpan.FromSeconds(2), TimeSpan.FromHours(1), "2s and 1h");
        if (Propagation.Max > TimeSpan.FromMinutes(10))
        {
            errors.Add("--propagation must be at most 10m.");
        }

        errors.Connections(Connections);
        if (Traffic.IsLongLived() && MessageInterval < TimeSpan.FromMilliseconds(1))
        {
            errors.Add("The message interval must be at least 1 ms.");
        }

        if (!Path.StartsWith('/'))
        {
            errors.Add($"--path must start with '/'; got '{Path}'.");
        }

        errors.ReportDirectory(KeepFilesIn);
        return errors.Errors;
    }
}
