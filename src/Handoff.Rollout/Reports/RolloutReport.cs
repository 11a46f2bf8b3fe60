using Handoff.Rollout.Attribution;
using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Reports;

/// <summary>Everything a report shows about one rollout under load: built from request records and timeline events only.</summary>
/// <remarks>The lab and the live verifier both fill it; the text, JSON and HTML renderers read nothing else.</remarks>
public sealed record RolloutReport
{
    /// <summary>The width of a bin of <see cref="Rate"/>.</summary>
    public static readonly TimeSpan RateBin = TimeSpan.FromMilliseconds(250);

    /// <summary>What was run ("handoff lab samples/deploy/naive.yaml").</summary>
    public required string Title { get; init; }

    /// <summary>Settings and facts of the run, in display order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; }

    /// <summary>Every request.</summary>
    public required IReadOnlyList<RequestRecord> Records { get; init; }

    /// <summary>Every timeline event, in time order.</summary>
    public required IReadOnlyList<TimelineEvent> Events { get; init; }

    /// <summary>Every failed request with its cause.</summary>
    public required AttributionResult Attribution { get; init; }

    /// <summary>One lane per pod.</summary>
    public required IReadOnlyList<PodLane> Pods { get; init; }

    /// <summary>The propagation every old pod saw, measured from the traffic, next to the configured or assumed one.</summary>
    public required PropagationMeasurement Propagation { get; init; }

    /// <summary>Requests started and failed per <see cref="RateBin"/>.</summary>
    public required IReadOnlyList<RateBin> Rate { get; init; }

    /// <summary>Problems other than failed requests that fail the run (the rollout did not finish, it was cancelled).</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    /// <summary>Things the reader should know (features read but not emulated).</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>Long-lived connections (WebSocket, SSE, gRPC): closes, lost messages, reconnects; null for HTTP traffic.</summary>
    public LongLivedSummary? LongLived { get; init; }

    /// <summary>
    /// Whether connections stay on the pod they opened to after its endpoint is removed (a TCP load balancer, as
    /// kube-proxy): the traffic then does not show when routing to a pod stopped, so propagation is not measured from it.
    /// </summary>
    public bool ConnectionsPinned { get; init; }

    /// <summary>Requests that failed.</summary>
    public int Failed => Attribution.Failures.Count;

    /// <summary>True when no request failed and there is no other problem.</summary>
    public bool Passed => Failed == 0 && Problems.Count == 0;

    /// <summary>The end of the last request or event.</summary>
    public TimeSpan End => new[] { Records.Count > 0 ? Records.Max(r => r.End) : TimeSpan.Zero, Events.Count > 0 ? Events.Max(e => e.At) : TimeSpan.Zero }.Max();

    /// <summary>Builds a report: attributes failures (their notes follow <paramref name="notes"/>), derives lanes and the rate series.</summary>
    public static RolloutReport Build(
        string title,
        IReadOnlyList<KeyValuePair<string, string>> metadata,
        IReadOnlyList<RequestRecord> records,
        IReadOnlyList<TimelineEvent> events,
        IReadOnlyList<string>? problems = null,
        IReadOnlyList<string>? notes = null,
        AttributionOptions? attribution = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(events);
        var ordered = events.OrderBy(e => e.At).ToList();
        attribution ??= new AttributionOptions();
        var attributed = FailureAttributor.Attribute(records, ordered, attribution);

        // A lost message was sent on a connection opened earlier: it says nothing about when the plane stopped routing.
        var routed = records.Any(r => r.Unit == TrafficUnit.Message) ? [.. records.Where(r => r.Unit != TrafficUnit.Message)] : records;
        var propagation = PropagationMeasurement.Measure(routed, ordered, attributed, attribution);
        var longLived = LongLivedSummary.From(records);
        return new RolloutReport
        {
            Title = title,
            Metadata = metadata,
            Records = records,
            Events = ordered,
            Attribution = attributed,
            Pods = PodLane.From(ordered),
            Propagation = propagation,
            Rate = Reports.RateBin.From(records, RateBin),
            Problems = problems ?? [],
            // The lower-bound notes speak of request rates; long-lived traffic opens too few connections for them.
            Notes = [.. notes ?? [], .. attributed.Notes, .. propagation.Pods.Where(p => p.IsLowerBound && longLived is null).Select(p => p.Explanation)],
            LongLived = longLived,
        };
    }

    /// <summary>Request counts per outcome.</summary>
    public IReadOnlyDictionary<RequestOutcome, int> Outcomes =>
        Records.GroupBy(r => r.Outcome).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
}

/// <summary>Requests started in one time bin.</summary>
/// <param name="Start">Start of the bin.</param>
/// <param name="Sent">Requests started in it.</param>
/// <param name="Failed">Of those, the failed ones.</param>
public sealed record RateBin(TimeSpan Start, int Sent, int Failed)
{
    /// <summary>Bins <paramref name="records"/> by start time.</summary>
    public static IReadOnlyList<RateBin> From(IReadOnlyList<RequestRecord> records, TimeSpan width)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return [];
        }

        var first = (int)(records.Min(r => r.Start) / width);
        var last = (int)(records.Max(r => r.Start) / width);
        var sent = new int[last - first + 1];
        var failed = new int[last - first + 1];
        foreach (var r in records)
        {
            var i = (int)(r.Start / width) - first;
            sent[i]++;
            if (r.Failed)
            {
                failed[i]++;
            }
        }

        return [.. Enumerable.Range(0, sent.Length).Select(i => new RateBin(width * (first + i), sent[i], failed[i]))];
    }
}

/// <summary>What happened to one pod, as times from the start of the run (null when it did not happen).</summary>
public sealed record PodLane
{
    /// <summary>The pod's name.</summary>
    public required string Name { get; init; }

    /// <summary>Created.</summary>
    public TimeSpan? Created { get; init; }

    /// <summary>First ready.</summary>
    public TimeSpan? Ready { get; init; }

    /// <summary>Deletion started (both tracks start here).</summary>
    public TimeSpan? Terminating { get; init; }

    /// <summary>preStop started.</summary>
    public TimeSpan? PreStopStarted { get; init; }

    /// <summary>preStop finished or failed.</summary>
    public TimeSpan? PreStopEnded { get; init; }

    /// <summary>SIGTERM.</summary>
    public TimeSpan? SigTerm { get; init; }

    /// <summary>SIGKILL.</summary>
    public TimeSpan? SigKill { get; init; }

    /// <summary>The container exited.</summary>
    public TimeSpan? Exited { get; init; }

    /// <summary>The exit code.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Periods during which the pod was an endpoint (end null: until the end of the run).</summary>
    public required IReadOnlyList<(TimeSpan From, TimeSpan? To)> Endpoint { get; init; }

    /// <summary>One lane per pod, in creation order.</summary>
    public static IReadOnlyList<PodLane> From(IReadOnlyList<TimelineEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return [.. events.Where(e => e.Pod.Length > 0)
            .GroupBy(e => e.Pod, StringComparer.Ordinal)
            .Select(Lane)
            .OrderBy(l => l.Created ?? l.Ready ?? TimeSpan.Zero)
            .ThenBy(l => l.Name, StringComparer.Ordinal)];
    }

    private static PodLane Lane(IGrouping<string, TimelineEvent> events)
    {
        TimeSpan? First(params TimelineEventKind[] kinds) => events.Where(e => kinds.Contains(e.Kind)).Select(e => (TimeSpan?)e.At).Min();
        var periods = new List<(TimeSpan, TimeSpan?)>();
        TimeSpan? open = null;
        foreach (var e in events.Where(e => e.Kind is TimelineEventKind.EndpointAdded or TimelineEventKind.EndpointRemoved).OrderBy(e => e.At))
        {
            if (e.Kind == TimelineEventKind.EndpointAdded)
            {
                open ??= e.At;
            }
            else if (open is { } from)
            {
                periods.Add((from, e.At));
                open = null;
            }
        }

        if (open is { } still)
        {
            periods.Add((still, null));
        }

        return new PodLane
        {
            Name = events.Key,
            Created = First(TimelineEventKind.PodCreated),
            Ready = First(TimelineEventKind.PodReady),
            Terminating = First(TimelineEventKind.PodTerminating),
            PreStopStarted = First(TimelineEventKind.PreStopStarted),
            PreStopEnded = First(TimelineEventKind.PreStopFinished, TimelineEventKind.PreStopFailed),
            SigTerm = First(TimelineEventKind.SigTerm),
            SigKill = First(TimelineEventKind.SigKill),
            Exited = First(TimelineEventKind.ContainerExited),
            ExitCode = events.FirstOrDefault(e => e.Kind == TimelineEventKind.ContainerExited)?.ExitCode,
            Endpoint = periods,
        };
    }
}
