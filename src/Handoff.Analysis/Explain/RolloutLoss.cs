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
/// <param name="PropagationSeconds">When the other pods leave the load balancer after their deletion: the mean of the slowest plane's latency range (its only value when fixed).</param>
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
    /// <remarks>
    /// A plane whose latency is a range (a ranged --propagation, as the lab draws it per pod: uniformly) stops sending
    /// to a pod at a P somewhere in it, so each pod's loss is its expectation over that range: a request sent u seconds
    /// after the deletion reaches the pod with the probability that P is above u. The other pods leave the load
    /// balancer at the range's mean (<see cref="PropagationSeconds"/>).
    /// </remarks>
    public static RolloutLoss Estimate(RolloutSimulation simulation, RolloutParameters parameters, WorkloadTimeline timeline, double serviceRequestsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(timeline);
        var slowest = timeline.Planes.Count == 0 ? null : timeline.Planes.MaxBy(p => p.PropagationSeconds);
        var fastest = slowest?.MinSeconds ?? 0;
        var latest = slowest?.PropagationSeconds ?? 0;
        var mean = (fastest + latest) / 2;
        var stop = timeline.StopListeningSeconds;
        var kill = timeline.SigkillAtSeconds;
        var podStart = Math.Max(0, parameters.PodStartSeconds);

        // Each pod's time in the load balancer: old pods from before the rollout, new ones from readiness; until P after deletion.
        var deletions = simulation.Actions.Where(a => !a.Create).ToDictionary(a => a.Pod, a => a.At.TotalSeconds, StringComparer.Ordinal);
        var intervals = new List<Membership>();
        for (var i = 1; i <= parameters.Replicas; i++)
        {
            intervals.Add(new($"old-{i}", double.NegativeInfinity, Until($"old-{i}")));
        }

        foreach (var created in simulation.Actions.Where(a => a.Create))
        {
            intervals.Add(new(created.Pod, created.At.TotalSeconds + podStart, Until(created.Pod)));
        }

        var r = serviceRequestsPerSecond;
        var pods = simulation.Actions.Where(a => !a.Create).Select(a =>
        {
            var d = a.At.TotalSeconds;
            var others = intervals.Where(i => !string.Equals(i.Pod, a.Pod, StringComparison.Ordinal)).ToList();
            double StillSent(double t) => Survival(t - d, fastest, latest);
            var (refused, refusedShare) = Integrate(others, d + stop, d + latest, r, StillSent, d + fastest, d + latest);
            var (cut, cutShare) = Integrate(others, d + kill - timeline.DrainSeconds, d + Math.Min(stop, kill), r, StillSent, d + fastest, d + latest);
            return new PodLoss(a.Pod, d, refused > 0 ? refusedShare : cutShare, refused, cut);
        }).ToList();

        var end = intervals.Select(i => i.From).Where(double.IsFinite).Append(0).Max() + 1;
        return new RolloutLoss(r, mean, pods, EmptySeconds(intervals, 0, end));

        double Until(string pod) => deletions.TryGetValue(pod, out var at) ? at + mean : double.PositiveInfinity;
    }

    // The probability that a plane with latency uniform in [fastest, latest] still sends u seconds after the deletion.
    private static double Survival(double u, double fastest, double latest) =>
        u < fastest ? 1 : u >= latest ? 0 : (latest - u) / (latest - fastest);

    // Integral over [from, to] of r / E(t) x weight(t), E being the other pods in the load balancer plus the pod itself;
    // and E averaged over the same weights. The weight is linear between its break points, so the midpoint rule is exact.
    private static (double Requests, double Endpoints) Integrate(List<Membership> others, double from, double to, double r, Func<double, double> weight, params double[] breaks)
    {
        if (!(to > from))
        {
            return (0, 0);
        }

        double requests = 0, weighted = 0, mass = 0;
        foreach (var (a, b) in Pieces(others, from, to, breaks))
        {
            var e = others.Count(i => i.From <= a && a < i.To) + 1;
            var w = weight((a + b) / 2) * (b - a);
            requests += r / e * w;
            weighted += e * w;
            mass += w;
        }

        return (requests, mass > 0 ? weighted / mass : 0);
    }

    private static double EmptySeconds(List<Membership> intervals, double from, double to) =>
        Pieces(intervals, from, to, []).Where(p => !intervals.Any(i => i.From <= p.From && p.From < i.To)).Sum(p => p.To - p.From);

    // [from, to] cut at every moment a pod enters or leaves the load balancer, and at the given break points.
    private static IEnumerable<(double From, double To)> Pieces(List<Membership> intervals, double from, double to, double[] breaks)
    {
        var cuts = intervals.SelectMany(i => new[] { i.From, i.To }).Concat(breaks).Where(t => t > from && t < to).Append(from).Append(to).Distinct().Order().ToList();
        for (var k = 0; k + 1 < cuts.Count; k++)
        {
            yield return (cuts[k], cuts[k + 1]);
        }
    }

    private sealed record Membership(string Pod, double From, double To);
}
