namespace Handoff.Analysis.Explain;

/// <summary>What one deleted pod is expected to lose during a rollout, with the endpoints that shared the load then.</summary>
/// <param name="Pod">The simulated pod ("old-1".., "new-1"..), in deletion order.</param>
/// <param name="DeletedAtSeconds">When the controller deleted it, from the rollout's start.</param>
/// <param name="EndpointsSharing">How many pods the load balancer spread requests over while this pod lost them (time-weighted; the pod itself included).</param>
/// <param name="RefusedRequests">Sent after it stopped listening and before the slowest plane stopped sending: R / E x (P - S).</param>
/// <param name="CutRequests">In flight when SIGKILL came: started after SIGKILL - D and before it stopped listening, at R / E per second.</param>
public sealed record PodLoss(string Pod, double DeletedAtSeconds, double EndpointsSharing, double RefusedRequests, double CutRequests)
{
    /// <summary>Refused plus cut.</summary>
    public double ExpectedFailedRequests => RefusedRequests + CutRequests;
}

/// <summary>The failed requests a whole rollout is expected to cost at a Service's request rate, pod by pod.</summary>
/// <param name="ServiceRequestsPerSecond">The rate to the Service, shared by the endpoints in the load balancer at each moment.</param>
/// <param name="PropagationSeconds">The propagation used: the mean of the slowest plane's latency range (its only value when fixed).</param>
/// <param name="Pods">Every deleted pod, in deletion order.</param>
/// <param name="NoEndpointSeconds">How long no pod at all was in the load balancer (Recreate, or maxUnavailable at the replica count).</param>
/// <remarks>
/// The load balancer is modelled as the lab's HAProxy (round robin, no retries): a pod is in it from readiness
/// (creation + pod start) until P after its deletion, and each pod in it gets R / E of the requests, E changing as
/// surge pods become ready and old ones leave (the per-pod r x (P - S) of <see cref="WorkloadTimeline.ExpectedFailedRequests"/>
/// assumes one fixed share). Requests take at most D (the app's drain time): those still running at SIGKILL are cut.
/// </remarks>
public sealed record RolloutLoss(double ServiceRequestsPerSecond, double PropagationSeconds, IReadOnlyList<PodLoss> Pods, double NoEndpointSeconds)
{
    /// <summary>Requests sent while no endpoint was in the load balancer.</summary>
    public double NoEndpointRequests => ServiceRequestsPerSecond * NoEndpointSeconds;

    /// <summary>Every failure the rollout is expected to cost.</summary>
    public double ExpectedFailedRequests => Pods.Sum(p => p.ExpectedFailedRequests) + NoEndpointRequests;

    /// <summary>Estimates the loss of <paramref name="simulation"/> for one workload's termination numbers.</summary>
    /// <param name="simulation">The simulated rollout (creates and deletes).</param>
    /// <param name="parameters">Its parameters (pod start).</param>
    /// <param name="timeline">The workload's two tracks (S, SIGKILL, D, the planes).</param>
    /// <param name="serviceRequestsPerSecond">The rate to the Service.</param>
    public static RolloutLoss Estimate(RolloutSimulation simulation, RolloutParameters parameters, WorkloadTimeline timeline, double serviceRequestsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(timeline);
        var slowest = timeline.Planes.Count == 0 ? null : timeline.Planes.MaxBy(p => p.PropagationSeconds);
        var propagation = slowest is null ? 0 : (slowest.MinSeconds + slowest.PropagationSeconds) / 2;
        var stop = timeline.StopListeningSeconds;
        var kill = timeline.SigkillAtSeconds;
        var podStart = Math.Max(0, parameters.PodStartSeconds);

        // Each pod's time in the load balancer: old pods from before the rollout, new ones from readiness; until P after deletion.
        var deletions = simulation.Actions.Where(a => !a.Create).ToDictionary(a => a.Pod, a => a.At.TotalSeconds, StringComparer.Ordinal);
        var intervals = new List<(double From, double To)>();
        for (var i = 1; i <= parameters.Replicas; i++)
        {
            intervals.Add((double.NegativeInfinity, Until($"old-{i}")));
        }

        foreach (var created in simulation.Actions.Where(a => a.Create))
        {
            intervals.Add((created.At.TotalSeconds + podStart, Until(created.Pod)));
        }

        var r = serviceRequestsPerSecond;
        var pods = simulation.Actions.Where(a => !a.Create).Select(a =>
        {
            var d = a.At.TotalSeconds;
            var (refused, refusedShare) = Integrate(intervals, d + stop, d + propagation, r);
            var cutFrom = d + kill - timeline.DrainSeconds;
            var (cut, cutShare) = Integrate(intervals, cutFrom, d + Math.Min(Math.Min(stop, propagation), kill), r);
            var sharing = refused > 0 ? refusedShare : cutShare;
            return new PodLoss(a.Pod, d, sharing, refused, cut);
        }).ToList();

        var end = intervals.Select(i => i.From).Where(double.IsFinite).Append(0).Max() + 1;
        var outage = EmptySeconds(intervals, 0, end);
        return new RolloutLoss(r, propagation, pods, outage);

        double Until(string pod) => deletions.TryGetValue(pod, out var at) ? at + propagation : double.PositiveInfinity;
    }

    // Integral of r / E(t) over [from, to] for the pods in the load balancer, and the time-weighted E over it.
    private static (double Requests, double Endpoints) Integrate(List<(double From, double To)> intervals, double from, double to, double r)
    {
        if (!(to > from))
        {
            return (0, 0);
        }

        double requests = 0, weighted = 0, covered = 0;
        foreach (var (a, b) in Pieces(intervals, from, to))
        {
            var e = intervals.Count(i => i.From <= a && a < i.To);
            if (e > 0)
            {
                requests += r / e * (b - a);
                weighted += e * (b - a);
                covered += b - a;
            }
        }

        return (requests, covered > 0 ? weighted / covered : 0);
    }

    private static double EmptySeconds(List<(double From, double To)> intervals, double from, double to) =>
        Pieces(intervals, from, to).Where(p => !intervals.Any(i => i.From <= p.From && p.From < i.To)).Sum(p => p.To - p.From);

    // [from, to] cut at every moment a pod enters or leaves the load balancer.
    private static IEnumerable<(double From, double To)> Pieces(List<(double From, double To)> intervals, double from, double to)
    {
        var cuts = intervals.SelectMany(i => new[] { i.From, i.To }).Where(t => t > from && t < to).Append(from).Append(to).Distinct().Order().ToList();
        for (var k = 0; k + 1 < cuts.Count; k++)
        {
            yield return (cuts[k], cuts[k + 1]);
        }
    }
}
