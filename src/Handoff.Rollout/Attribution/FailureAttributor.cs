using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Attribution;

/// <summary>Gives every failed request a cause, from the request records and the rollout's timeline only.</summary>
/// <remarks>
/// One code path for the lab (its own processes, all observed) and verify (watch streams, SIGTERM inferred): the
/// pods' histories are read once (<see cref="PodHistory"/>), then the ordered <see cref="CauseRules"/> decide and
/// refine each failure. A request names its pod through the backend header when the load balancer or the app sets
/// it; otherwise the pod is found by time.
/// </remarks>
public static class FailureAttributor
{
    /// <summary>
    /// How far a request may start before SIGTERM and still count as arriving after it: the request left the client
    /// a moment before the signal but reached the closed listener after it.
    /// </summary>
    public static readonly TimeSpan Slack = AttributionDefaults.Slack;

    /// <summary>Attributes every failed request in <paramref name="records"/>.</summary>
    public static AttributionResult Attribute(IReadOnlyList<RequestRecord> records, IReadOnlyList<TimelineEvent> events, AttributionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(events);
        options ??= new AttributionOptions();
        var pods = PodHistory.From(events, records);
        var failures = records.Where(r => r.Failed).OrderBy(r => r.Start).Select(r => Attribute(r, pods, events, options)).ToList();
        return new AttributionResult(failures);
    }

    // A lost message is judged by the connection it was sent on: it reached its pod when that connection did, so the
    // same rules place it (in flight at SIGTERM, killed at grace) as they place the connection.
    private static AttributedFailure Attribute(RequestRecord record, IReadOnlyDictionary<string, PodHistory> pods, IReadOnlyList<TimelineEvent> events, AttributionOptions options)
    {
        var judged = record is { Unit: TrafficUnit.Message, Session: { } session } ? record with { Start = session.ConnectionStart } : record;
        var verdict = Attribute(new FailureEvidence(judged, pods, events, options));
        return ReferenceEquals(judged, record) ? verdict : verdict with { Request = record };
    }

    private static AttributedFailure Attribute(FailureEvidence evidence)
    {
        AttributedFailure? verdict = null;
        foreach (var rule in CauseRules.Decisions)
        {
            if ((verdict = rule.Apply(evidence, null)) is not null)
            {
                break;
            }
        }

        // The last decision always matches.
        var decided = verdict!;
        foreach (var rule in CauseRules.Refinements)
        {
            if (rule.Apply(evidence, decided) is { } refined)
            {
                return refined;
            }
        }

        return decided;
    }

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
}
