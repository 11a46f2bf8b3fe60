namespace Handoff.Analysis.Explain;

/// <summary>When the Deployment controller creates a replacement for a terminating pod.</summary>
public enum ReplacementPolicy
{
    /// <summary>At once: terminating pods count neither toward availability nor toward maxSurge (the behaviour of every release so far; TerminationStarted in KEP-3973 and KEP-5882).</summary>
    TerminationStarted,

    /// <summary>Only once terminating pods are gone: they count toward maxSurge (TerminationComplete: proposed in KEP-3973, opt-in via KEP-5882's DeploymentPodReplacementPolicy gate, alpha targeted at 1.36).</summary>
    TerminationComplete,
}

/// <summary>What a rollout's parameters are.</summary>
/// <param name="Replicas">spec.replicas.</param>
/// <param name="MaxSurge">maxSurge resolved against replicas (rounded up).</param>
/// <param name="MaxUnavailable">maxUnavailable resolved (rounded down).</param>
/// <param name="MinReadySeconds">spec.minReadySeconds.</param>
/// <param name="PodStartSeconds">From creating a pod to its readiness probe passing (an assumption: scheduling, image, start).</param>
/// <param name="TerminationSeconds">From deleting a pod to the pod being gone (preStop, drain, at most the grace period).</param>
/// <param name="Recreate">Whether the strategy is Recreate.</param>
public sealed record RolloutParameters(int Replicas, int MaxSurge, int MaxUnavailable, double MinReadySeconds, double PodStartSeconds, double TerminationSeconds, bool Recreate = false);

/// <summary>How long a rollout takes and how many pods it keeps alive.</summary>
/// <param name="Policy">The replacement policy simulated.</param>
/// <param name="CompleteSeconds">When every new pod is available and no old pod is counted: when 'kubectl rollout status' returns.</param>
/// <param name="OldPodsGoneSeconds">When the last old pod is gone (it may still be in preStop after the rollout is complete).</param>
/// <param name="PeakPods">Most pods alive at once, terminating ones included.</param>
/// <param name="PeakTerminating">Most terminating pods alive at once.</param>
/// <param name="PeakExtraPods">Most pods beyond spec.replicas alive at once.</param>
public sealed record RolloutCost(ReplacementPolicy Policy, double CompleteSeconds, double OldPodsGoneSeconds, int PeakPods, int PeakTerminating, int PeakExtraPods);

/// <summary>
/// Simulates the Deployment controller's rolling update (pkg/controller/deployment/rolling.go): scale the new
/// ReplicaSet up while non-terminating pods stay within replicas + maxSurge, scale the old one down while available
/// pods stay at or above replicas - maxUnavailable. Terminating pods are not in a ReplicaSet's status.replicas, so
/// by default they neither block new pods nor count as available (KEP-3973).
/// </summary>
public static class RolloutSimulator
{
    /// <summary>Runs the rollout from all-old to all-new.</summary>
    public static RolloutCost Simulate(RolloutParameters parameters, ReplacementPolicy policy = ReplacementPolicy.TerminationStarted)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var n = Math.Max(0, parameters.Replicas);
        var surge = Math.Max(0, parameters.MaxSurge);
        var unavailable = Math.Max(0, parameters.MaxUnavailable);
        if (surge == 0 && unavailable == 0)
        {
            surge = 1; // The API rejects both 0; treat as the smallest legal rollout.
        }

        var old = n;
        var created = new List<double>(); // creation time of each new pod
        var terminating = new List<double>(); // time each terminating pod is gone
        var time = 0.0;
        var peakPods = n;
        var peakTerminating = 0;
        double? complete = null;
        var readyDelay = parameters.PodStartSeconds + parameters.MinReadySeconds;

        for (var guard = 0; guard < 100_000; guard++)
        {
            terminating.RemoveAll(gone => gone <= time + 1e-9);
            var newAvailable = created.Count(c => c + readyDelay <= time + 1e-9);
            if (parameters.Recreate)
            {
                if (old > 0)
                {
                    for (var i = 0; i < old; i++)
                    {
                        terminating.Add(time + parameters.TerminationSeconds);
                    }

                    old = 0;
                }

                // Recreate waits for every old pod to be gone before creating new ones (both policies).
                if (terminating.Count == 0 && created.Count < n)
                {
                    while (created.Count < n)
                    {
                        created.Add(time);
                    }
                }
            }
            else
            {
                // The controller syncs again as soon as it changed something; settle before time moves on.
                var changed = true;
                while (changed)
                {
                    var counted = old + created.Count + (policy == ReplacementPolicy.TerminationComplete ? terminating.Count : 0);
                    var room = Math.Max(0, Math.Min(n - created.Count, n + surge - counted));
                    for (var i = 0; i < room; i++)
                    {
                        created.Add(time);
                    }

                    var minAvailable = n - unavailable;
                    var newUnavailable = created.Count - newAvailable;
                    var scaleDown = Math.Max(0, Math.Min(old, old + created.Count - minAvailable - newUnavailable));
                    for (var i = 0; i < scaleDown; i++)
                    {
                        terminating.Add(time + parameters.TerminationSeconds);
                    }

                    old -= scaleDown;
                    changed = room > 0 || scaleDown > 0;
                    peakPods = Math.Max(peakPods, old + created.Count + terminating.Count);
                }
            }

            peakPods = Math.Max(peakPods, old + created.Count + terminating.Count);
            peakTerminating = Math.Max(peakTerminating, terminating.Count);
            if (complete is null && old == 0 && newAvailable == n)
            {
                complete = time;
            }

            if (complete is not null && terminating.Count == 0)
            {
                return new RolloutCost(policy, complete.Value, time, peakPods, peakTerminating, peakPods - n);
            }

            // Jump to the next moment anything changes: a pod becomes available or a terminating pod is gone.
            var next = created.Select(c => c + readyDelay).Concat(terminating).Where(t => t > time + 1e-9).DefaultIfEmpty(double.NaN).Min();
            if (double.IsNaN(next))
            {
                break;
            }

            time = next;
        }

        return new RolloutCost(policy, complete ?? time, time, peakPods, peakTerminating, peakPods - n);
    }
}
