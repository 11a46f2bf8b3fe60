using Handoff.Analysis.Kubernetes;

namespace Handoff.Analysis.Explain;

/// <summary>What a rollout's parameters are.</summary>
/// <param name="Replicas">spec.replicas.</param>
/// <param name="MaxSurge">maxSurge resolved against replicas (rounded up).</param>
/// <param name="MaxUnavailable">maxUnavailable resolved (rounded down).</param>
/// <param name="MinReadySeconds">spec.minReadySeconds.</param>
/// <param name="PodStartSeconds">From creating a pod to its readiness probe passing (an assumption: scheduling, image, start).</param>
/// <param name="TerminationSeconds">From deleting a pod to the pod being gone (preStop, drain, at most the grace period).</param>
/// <param name="Recreate">Whether the strategy is Recreate.</param>
public sealed record RolloutParameters(int Replicas, int MaxSurge, int MaxUnavailable, double MinReadySeconds, double PodStartSeconds, double TerminationSeconds, bool Recreate = false)
{
    /// <summary>The Deployment controller's view of these parameters (both fenceposts 0 make maxUnavailable 1, as ResolveFenceposts does).</summary>
    public RollingUpdateSpec ToSpec(ReplacementPolicy policy) =>
        new(Replicas, RollingUpdateFenceposts.FromPods(MaxSurge, MaxUnavailable), TimeSpan.FromSeconds(Math.Max(0, MinReadySeconds)), Recreate, policy);
}

/// <summary>How long a rollout takes and how many pods it keeps alive.</summary>
/// <param name="Policy">The replacement policy simulated.</param>
/// <param name="CompleteSeconds">When every new pod is available and no old pod is counted: when 'kubectl rollout status' returns.</param>
/// <param name="OldPodsGoneSeconds">When the last old pod is gone (it may still be in preStop after the rollout is complete).</param>
/// <param name="PeakPods">Most pods alive at once, terminating ones included.</param>
/// <param name="PeakTerminating">Most terminating pods alive at once.</param>
/// <param name="PeakExtraPods">Most pods beyond spec.replicas alive at once.</param>
public sealed record RolloutCost(ReplacementPolicy Policy, double CompleteSeconds, double OldPodsGoneSeconds, int PeakPods, int PeakTerminating, int PeakExtraPods);

/// <summary>What the controller did at one moment of a simulated rollout.</summary>
/// <param name="At">Simulated time since the rollout started.</param>
/// <param name="Create">True for a pod created, false for a pod deleted.</param>
/// <param name="Pod">The pod ("old-1".."old-N" exist at the start, "new-1".. are created).</param>
/// <param name="IsNew">Whether the pod belongs to the new ReplicaSet.</param>
public sealed record RolloutAction(TimeSpan At, bool Create, string Pod, bool IsNew);

/// <summary>A simulated rollout: its cost and every create and delete in order.</summary>
/// <param name="Cost">Duration and peaks.</param>
/// <param name="Actions">The controller's creates and deletes, in the order it made them.</param>
public sealed record RolloutSimulation(RolloutCost Cost, IReadOnlyList<RolloutAction> Actions);

/// <summary>
/// Runs the Deployment controller's sync (<see cref="RollingUpdateController"/>, the same one the lab drives its
/// processes with) on simulated time: pods become Ready <see cref="RolloutParameters.PodStartSeconds"/> after they
/// are created and are gone <see cref="RolloutParameters.TerminationSeconds"/> after they are deleted.
/// </summary>
public static class RolloutSimulator
{
    private const int MaxEvents = 100_000;

    /// <summary>Runs the rollout from all-old to all-new.</summary>
    public static RolloutCost Simulate(RolloutParameters parameters, ReplacementPolicy policy = ReplacementPolicy.TerminationStarted) =>
        Run(parameters, policy).Cost;

    /// <summary>Runs the rollout from all-old to all-new and keeps every create and delete.</summary>
    public static RolloutSimulation Run(RolloutParameters parameters, ReplacementPolicy policy = ReplacementPolicy.TerminationStarted)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var spec = parameters.ToSpec(policy);
        var replicas = Math.Max(0, parameters.Replicas);
        var podStart = TimeSpan.FromSeconds(Math.Max(0, parameters.PodStartSeconds));
        var termination = TimeSpan.FromSeconds(Math.Max(0, parameters.TerminationSeconds));

        // Old pods have been available since before the rollout; simulated time is exact (whole ticks), so events meet.
        var pods = Enumerable.Range(1, replicas).Select(i => new SimulatedPod($"old-{i}", false, i, -spec.MinReady)).ToList();
        var actions = new List<RolloutAction>();
        var time = TimeSpan.Zero;
        var peakPods = replicas;
        var peakTerminating = 0;
        TimeSpan? complete = null;
        for (var step = 0; step < MaxEvents; step++)
        {
            // The controller syncs again as soon as it changed something; settle before time moves on.
            RolloutDecision decision;
            while ((decision = RollingUpdateController.Decide(spec, [.. pods.Select(p => p.At(time))], time)).Acts)
            {
                for (var i = 0; i < decision.Create; i++)
                {
                    var pod = new SimulatedPod($"new-{pods.Count(p => p.IsNew) + 1}", true, pods.Count + 1, time + podStart);
                    pods.Add(pod);
                    actions.Add(new RolloutAction(time, true, pod.Name, true));
                }

                foreach (var name in decision.Delete)
                {
                    var pod = pods.Single(p => string.Equals(p.Name, name, StringComparison.Ordinal));
                    pod.GoneAt = time + termination;
                    actions.Add(new RolloutAction(time, false, pod.Name, pod.IsNew));
                }
            }

            var alive = pods.Where(p => !p.IsGone(time)).ToList();
            peakPods = Math.Max(peakPods, alive.Count);
            peakTerminating = Math.Max(peakTerminating, alive.Count(p => p.GoneAt is not null));
            complete ??= decision.Complete ? time : null;
            if (complete is not null && !alive.Any(p => !p.IsNew))
            {
                break;
            }

            // Jump to the next moment anything changes: a pod becomes ready or available, or a deleted pod is gone.
            var now = time;
            var next = pods.SelectMany(p => new[] { p.ReadyAt, p.ReadyAt + spec.MinReady, p.GoneAt ?? TimeSpan.MaxValue })
                .Where(t => t > now && t != TimeSpan.MaxValue)
                .DefaultIfEmpty(TimeSpan.MaxValue)
                .Min();
            if (next == TimeSpan.MaxValue)
            {
                break;
            }

            time = next;
        }

        var cost = new RolloutCost(policy, (complete ?? time).TotalSeconds, time.TotalSeconds, peakPods, peakTerminating, peakPods - replicas);
        return new RolloutSimulation(cost, actions);
    }

    private sealed class SimulatedPod(string name, bool isNew, long creationOrder, TimeSpan readyAt)
    {
        public string Name { get; } = name;

        public bool IsNew { get; } = isNew;

        public TimeSpan ReadyAt { get; } = readyAt;

        /// <summary>When the deleted pod is gone (deletion plus termination), or null while it is not deleted.</summary>
        public TimeSpan? GoneAt { get; set; }

        public bool IsGone(TimeSpan now) => GoneAt is { } gone && gone <= now;

        public RolloutPodState At(TimeSpan now) =>
            new(Name, IsNew, creationOrder, ReadyAt <= now ? ReadyAt : null, GoneAt is not null, IsGone(now));
    }
}
