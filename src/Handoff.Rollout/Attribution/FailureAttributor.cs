using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Attribution;

/// <summary>Gives every failed request a cause, from the request records and the rollout's timeline only.</summary>
/// <remarks>
/// Independent of where the timeline came from (the lab's emulator or a live cluster's watch streams). A request
/// names its pod through the backend header when the load balancer sets it; otherwise the pod is found by time.
/// </remarks>
public static class FailureAttributor
{
    /// <summary>
    /// How far a request may start before SIGTERM and still count as arriving after it: the request left the client
    /// a moment before the signal but reached the closed listener after it.
    /// </summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(100);

    /// <summary>Attributes every failed request in <paramref name="records"/>.</summary>
    public static AttributionResult Attribute(IReadOnlyList<RequestRecord> records, IReadOnlyList<TimelineEvent> events)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(events);
        var pods = PodFacts.From(events);
        var failures = records.Where(r => r.Failed).OrderBy(r => r.Start).Select(r => Attribute(r, pods, events)).ToList();
        return new AttributionResult(failures);
    }

    private static AttributedFailure Attribute(RequestRecord request, IReadOnlyDictionary<string, PodFacts> pods, IReadOnlyList<TimelineEvent> events)
    {
        if (request.Backend is { } backend && pods.TryGetValue(backend, out var pod))
        {
            return AttributeToPod(request, pod);
        }

        if (EndpointsAt(events, request.Start) == 0)
        {
            return new(request, FailureCause.NoReadyEndpoints, null, "No endpoint was in the load balancer when the request was sent.");
        }

        if (string.Equals(request.Backend, "<NOSRV>", StringComparison.Ordinal))
        {
            return new(request, FailureCause.NoReadyEndpoints, null, "The load balancer found no usable server for the request.");
        }

        // No backend named: find a pod that was stopped but still had its endpoint when the request started.
        var racing = pods.Values.FirstOrDefault(p => p.StoppedAt is { } stop && request.Start >= stop - Slack && (p.RemovedAt is not { } removed || request.Start < removed));
        if (racing is not null)
        {
            return new(request, FailureCause.SigTermBeforeEndpointRemoval, racing.Name, $"No backend named; pod '{racing.Name}' had stopped and was still an endpoint at the time.");
        }

        return new(request, FailureCause.Other, request.Backend, $"{Outcome(request)}; no pod event explains it.");
    }

    private static AttributedFailure AttributeToPod(RequestRecord request, PodFacts pod)
    {
        var stillAnEndpoint = pod.RemovedAt is not { } removed || request.Start < removed + Slack;
        if (pod.KilledAt is { } killed && request.End >= killed - Slack && stillAnEndpoint)
        {
            return new(request, FailureCause.KilledAtGrace, pod.Name, request.Start < killed
                ? $"In flight on '{pod.Name}' when it was killed at the end of its grace period."
                : $"Sent to '{pod.Name}' after it was killed and before its endpoint was removed.");
        }

        if (pod.SigTermAt is { } term && request.Start >= term - Slack && stillAnEndpoint)
        {
            return new(request, FailureCause.SigTermBeforeEndpointRemoval, pod.Name, pod.RemovedAt is { } at
                ? $"Sent to '{pod.Name}' {(request.Start - term).TotalSeconds:0.000} s after its SIGTERM; its endpoint was removed {(at - term).TotalSeconds:0.000} s after the SIGTERM."
                : $"Sent to '{pod.Name}' after its SIGTERM; its endpoint was never removed.");
        }

        if (pod.SigTermAt is { } inFlight && request.Start < inFlight && request.End >= inFlight)
        {
            return new(request, FailureCause.Other, pod.Name, $"In flight on '{pod.Name}' at its SIGTERM and not finished by the app ({Outcome(request)}).");
        }

        if (pod.ExitedAt is { } exited && pod.SigTermAt is null && request.End >= exited - Slack && stillAnEndpoint)
        {
            return new(request, FailureCause.Other, pod.Name, $"Pod '{pod.Name}' exited on its own while it was an endpoint.");
        }

        return new(request, FailureCause.Other, pod.Name, $"{Outcome(request)} from '{pod.Name}'; no pod event explains it.");
    }

    private static string Outcome(RequestRecord r) => r.Status is { } status ? $"HTTP {status}" : r.Outcome.ToString().ToLowerInvariant();

    /// <summary>How many pods were endpoints of any data plane at <paramref name="at"/>.</summary>
    internal static int EndpointsAt(IReadOnlyList<TimelineEvent> events, TimeSpan at)
    {
        var serving = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events.Where(e => e.At <= at).OrderBy(e => e.At))
        {
            if (e.Kind == TimelineEventKind.EndpointAdded)
            {
                serving.Add(e.Pod);
            }
            else if (e.Kind == TimelineEventKind.EndpointRemoved)
            {
                serving.Remove(e.Pod);
            }
        }

        return serving.Count;
    }

    private sealed record PodFacts(string Name, TimeSpan? SigTermAt, TimeSpan? KilledAt, TimeSpan? ExitedAt, TimeSpan? RemovedAt)
    {
        /// <summary>When the pod stopped listening as far as the timeline knows: SIGTERM, or exit.</summary>
        public TimeSpan? StoppedAt => SigTermAt ?? ExitedAt;

        public static Dictionary<string, PodFacts> From(IReadOnlyList<TimelineEvent> events) =>
            events.Where(e => e.Pod.Length > 0)
                .GroupBy(e => e.Pod, StringComparer.Ordinal)
                .ToDictionary(
                    g => g.Key,
                    g => new PodFacts(
                        g.Key,
                        First(g, TimelineEventKind.SigTerm),
                        First(g, TimelineEventKind.SigKill),
                        First(g, TimelineEventKind.ContainerExited),
                        LastRemoval(g)),
                    StringComparer.Ordinal);

        private static TimeSpan? First(IEnumerable<TimelineEvent> events, TimelineEventKind kind) =>
            events.Where(e => e.Kind == kind).Select(e => (TimeSpan?)e.At).Min();

        // The removal that ends the pod's last period as an endpoint.
        private static TimeSpan? LastRemoval(IEnumerable<TimelineEvent> events)
        {
            var ordered = events.Where(e => e.Kind is TimelineEventKind.EndpointAdded or TimelineEventKind.EndpointRemoved).OrderBy(e => e.At).ToList();
            return ordered.Count > 0 && ordered[^1].Kind == TimelineEventKind.EndpointRemoved ? ordered[^1].At : null;
        }
    }
}
