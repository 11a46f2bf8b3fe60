using Handoff.Analysis.Kubernetes;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Explain;

/// <summary>One data plane on Track B: when it stops sending new requests to the terminating pod.</summary>
/// <param name="Name">The plane.</param>
/// <param name="PropagationSeconds">When it stops sending (the slow end of its latency, the number Handoff checks).</param>
/// <param name="Kind">What kind of plane it is. Defaults to kube-proxy.</param>
/// <param name="FastestSeconds">The fast end of its latency when it is a range (equal to <paramref name="PropagationSeconds"/> otherwise); null means the same.</param>
public sealed record PlaneTimeline(string Name, double PropagationSeconds, PlaneKind Kind = PlaneKind.KubeProxy, double? FastestSeconds = null)
{
    /// <summary>The fast end of the latency.</summary>
    public double MinSeconds => FastestSeconds ?? PropagationSeconds;
}

/// <summary>The two tracks of one workload's pod termination, for the user's own numbers (DESIGN.md's model).</summary>
public sealed record WorkloadTimeline
{
    /// <summary>Kind, for example "Deployment".</summary>
    public required string Kind { get; init; }

    /// <summary>metadata.name.</summary>
    public required string Name { get; init; }

    /// <summary>The namespace in force.</summary>
    public required string Namespace { get; init; }

    /// <summary>The file it is written in.</summary>
    public required string File { get; init; }

    /// <summary>The serving container the budget is for, or null.</summary>
    public string? Container { get; init; }

    /// <summary>The profile id.</summary>
    public required string Profile { get; init; }

    /// <summary>How long preStop runs (0 when none).</summary>
    public double PreStopSeconds { get; init; }

    /// <summary>How the preStop length was found.</summary>
    public PreStopSource PreStopSource { get; init; }

    /// <summary>The in-app delay after SIGTERM.</summary>
    public double InAppDelaySeconds { get; init; }

    /// <summary>terminationGracePeriodSeconds in force.</summary>
    public double GracePeriodSeconds { get; init; }

    /// <summary>When SIGTERM reaches PID 1.</summary>
    public double SigtermAtSeconds { get; init; }

    /// <summary>When the process stops taking new requests (S).</summary>
    public double StopListeningSeconds { get; init; }

    /// <summary>The app's drain time D (declared or the default).</summary>
    public double DrainSeconds { get; init; }

    /// <summary>How long the long-lived connections (WebSockets, gRPC streams...) drain after stop-listening (HO111's window), or null when the workload shows none.</summary>
    public double? LongLivedDrainSeconds { get; init; }

    /// <summary>What kind of long-lived connections the manifests show ("WebSocket", "gRPC", "long-lived"), or null.</summary>
    public string? LongLivedProtocols { get; init; }

    /// <summary>When the long-lived drain window ends (S + its length), or null.</summary>
    public double? LongLivedEndsAtSeconds => LongLivedDrainSeconds is { } window ? StopListeningSeconds + window : null;

    /// <summary>Seconds of the long-lived window after SIGKILL: connections the kubelet cuts instead of the app closing them (0 when it fits).</summary>
    public double LongLivedCutSeconds => LongLivedEndsAtSeconds is { } ends ? Math.Max(0, ends - SigkillAtSeconds) : 0;

    /// <summary>When the process is expected to exit: after draining, at the latest at SIGKILL.</summary>
    public double ExitAtSeconds { get; init; }

    /// <summary>When SIGKILL comes.</summary>
    public double SigkillAtSeconds { get; init; }

    /// <summary>Track B.</summary>
    public required IReadOnlyList<PlaneTimeline> Planes { get; init; }

    /// <summary>P: when the slowest plane stops sending.</summary>
    public double PropagationSeconds { get; init; }

    /// <summary>Seconds during which new requests arrive at a process that no longer takes them: max(0, P - S).</summary>
    public double ExposureSeconds { get; init; }

    /// <summary>Requests per second to one pod used for <see cref="ExpectedFailedRequests"/>.</summary>
    public double RequestsPerSecond { get; init; }

    /// <summary>Failed requests expected per terminated pod with a load balancer that does not retry.</summary>
    public double ExpectedFailedRequests { get; init; }

    /// <summary>
    /// Whether the exposure is known: false when the preStop hook's length cannot be read (and is not declared) and
    /// the exposure computed with it as 0 s is above 0, so neither the exposure nor a failure count can be stated.
    /// </summary>
    public bool ExposureKnown => PreStopSource != PreStopSource.Unknown || ExposureSeconds <= 0;

    /// <summary>The rollout parameters, for workloads that roll (Deployments); null otherwise.</summary>
    public RolloutParameters? Rollout { get; init; }

    /// <summary>The rollout as every Kubernetes release runs it.</summary>
    public RolloutCost? RolloutCost { get; init; }

    /// <summary>The same rollout if replacements waited for terminating pods (TerminationComplete, KEP-3973 / KEP-5882).</summary>
    public RolloutCost? RolloutCostIfWaiting { get; init; }

    /// <summary>replicas x preStop: the extra time a rollout would take if each old pod's preStop were waited for in turn.</summary>
    public double SequentialPreStopSeconds { get; init; }

    /// <summary>The whole rollout's expected failures at a Service's request rate, pod by pod (null without a rollout or a Service rate).</summary>
    public RolloutLoss? Loss { get; init; }

    /// <summary>Builds the timeline of one budget.</summary>
    /// <param name="budget">The workload's budget.</param>
    /// <param name="profile">The profile id.</param>
    /// <param name="requestsPerSecond">Requests per second to one pod.</param>
    /// <param name="podStartSeconds">Assumed time from pod creation to ready.</param>
    /// <param name="serviceRequestsPerSecond">Requests per second to the whole Service, for <see cref="Loss"/> (null: no rollout loss).</param>
    public static WorkloadTimeline From(TimeBudget budget, string profile, double requestsPerSecond, double podStartSeconds, double? serviceRequestsPerSecond = null)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var workload = budget.Workload;
        var exitAt = Math.Min(budget.SigkillAtSeconds, Math.Max(budget.SigtermAtSeconds, budget.StopListeningSeconds) + budget.DrainSeconds);
        RolloutParameters? rollout = null;
        if (workload.IsDeploymentLike && workload.Kind == "Deployment" && workload.Strategy is { } strategy)
        {
            var replicas = workload.EffectiveReplicas;
            var recreate = strategy.Type == "Recreate";
            // A value that is neither a number nor a percentage is estimated as maxSurge 1, maxUnavailable 0.
            var fenceposts = RollingUpdateFenceposts.Resolve(strategy.MaxSurge, strategy.MaxUnavailable, replicas) ?? new RollingUpdateFenceposts(1, 0);
            rollout = new RolloutParameters(replicas, fenceposts.MaxSurge, fenceposts.MaxUnavailable, workload.MinReadySeconds, podStartSeconds, exitAt, recreate);
        }

        var timeline = new WorkloadTimeline
        {
            Kind = workload.Kind,
            Name = workload.Name,
            Namespace = workload.Object.Namespace,
            File = workload.Object.File.DisplayName,
            Container = budget.Container?.Name,
            Profile = profile,
            PreStopSeconds = budget.PreStopSeconds,
            PreStopSource = budget.PreStopSource,
            InAppDelaySeconds = budget.InAppDelaySeconds,
            GracePeriodSeconds = budget.GracePeriodSeconds,
            SigtermAtSeconds = budget.SigtermAtSeconds,
            StopListeningSeconds = budget.StopListeningSeconds,
            DrainSeconds = budget.DrainSeconds,
            LongLivedDrainSeconds = budget.LongLivedDrainSeconds,
            LongLivedProtocols = budget.LongLived?.Protocols,
            ExitAtSeconds = exitAt,
            SigkillAtSeconds = budget.SigkillAtSeconds,
            Planes = budget.Planes.Select(p => new PlaneTimeline(p.Name, p.PropagationSeconds, p.Kind, p.Latency.MinSeconds)).ToList(),
            PropagationSeconds = budget.PropagationSeconds,
            ExposureSeconds = budget.ExposureSeconds,
            RequestsPerSecond = requestsPerSecond,
            ExpectedFailedRequests = budget.ExpectedFailures(requestsPerSecond),
            Rollout = rollout,
            RolloutCost = rollout is null ? null : RolloutSimulator.Simulate(rollout),
            RolloutCostIfWaiting = rollout is null ? null : RolloutSimulator.Simulate(rollout, ReplacementPolicy.TerminationComplete),
            SequentialPreStopSeconds = rollout is null ? 0 : rollout.Replicas * budget.PreStopSeconds,
        };
        return rollout is null || serviceRequestsPerSecond is not { } serviceRate || !timeline.ExposureKnown
            ? timeline
            : timeline with { Loss = RolloutLoss.Estimate(RolloutSimulator.Run(rollout), rollout, timeline, serviceRate) };
    }

    /// <summary>The timelines of every workload of an analysis (serving ones first), optionally only those named <paramref name="name"/>.</summary>
    public static IReadOnlyList<WorkloadTimeline> FromAnalysis(AnalysisResult result, double requestsPerSecond, double podStartSeconds, string? name = null, double? serviceRequestsPerSecond = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Budgets
            .Where(b => name is null || string.Equals(b.Workload.Name, name, StringComparison.Ordinal))
            .OrderByDescending(b => b.Workload.IsServing)
            .Select(b => From(b, b.Profile.Profile.Id, requestsPerSecond, podStartSeconds, serviceRequestsPerSecond))
            .ToList();
    }
}
