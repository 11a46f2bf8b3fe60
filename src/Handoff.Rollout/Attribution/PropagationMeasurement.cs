using System.Globalization;
using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Attribution;

/// <summary>How an old pod's observed propagation was read from the traffic.</summary>
public enum PropagationEvidence
{
    /// <summary>The pod still answered when the plane stopped sending: the start of the last request it answered after its deletion.</summary>
    LastAnswered,

    /// <summary>The pod stopped listening while the plane still sent to it: when its failures stopped (a lower bound).</summary>
    FailuresStopped,

    /// <summary>The pod answered up to the moment it stopped listening: the plane may have gone on sending (a lower bound).</summary>
    StoppedListening,

    /// <summary>The pod got too few requests to place the stop within the resolution (a lower bound).</summary>
    TooFewRequests,

    /// <summary>Requests took longer than the resolution around the stop, so their start is earlier than when the load balancer routed them (a lower bound).</summary>
    SlowResponses,
}

/// <summary>The propagation one old pod saw: how long after its deletion the load balancer stopped sending it new requests.</summary>
/// <param name="Pod">The pod.</param>
/// <param name="DeletedAt">When its deletion started (the lab's own, or the watch's deletion timestamp).</param>
/// <param name="Observed">How long after <paramref name="DeletedAt"/> the last request reached it.</param>
/// <param name="Evidence">How <paramref name="Observed"/> was read.</param>
/// <param name="Configured">The propagation the run configured or assumed for this pod.</param>
/// <param name="RequestsAfterDeletion">Requests the pod got (answered or failed) after its deletion.</param>
/// <param name="RequestsPerSecond">The rate at which requests reached the pod around its deletion.</param>
/// <param name="Explanation">One sentence: what the number rests on.</param>
public sealed record PodPropagation(
    string Pod,
    TimeSpan DeletedAt,
    TimeSpan Observed,
    PropagationEvidence Evidence,
    TimeSpan Configured,
    int RequestsAfterDeletion,
    double RequestsPerSecond,
    string Explanation)
{
    /// <summary>Whether <see cref="Observed"/> only bounds the propagation from below.</summary>
    public bool IsLowerBound => Evidence != PropagationEvidence.LastAnswered;
}

/// <summary>The propagation of every old pod of a run, measured from the traffic; the same computation for the lab and verify.</summary>
/// <param name="Pods">One entry per pod deleted during the run, in deletion order.</param>
/// <param name="Configured">The propagation the run configured (lab) or assumed (verify) for the slowest plane.</param>
/// <param name="ConfiguredSource">Where <paramref name="Configured"/> came from ("--propagation 2s", "profile kube-proxy-small").</param>
/// <param name="Resolution">How closely the stop must be placed for a number that is not a lower bound.</param>
public sealed record PropagationMeasurement(IReadOnlyList<PodPropagation> Pods, TimeSpan Configured, string ConfiguredSource, TimeSpan Resolution)
{
    /// <summary>The longest observed propagation (null when no pod was deleted).</summary>
    public TimeSpan? Max => Pods.Count == 0 ? null : Pods.Max(p => p.Observed);

    /// <summary>The median observed propagation (the mean of the middle two for an even count).</summary>
    public TimeSpan? Median
    {
        get
        {
            if (Pods.Count == 0)
            {
                return null;
            }

            var sorted = Pods.Select(p => p.Observed).Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }
    }

    /// <summary>Whether <see cref="Max"/> and <see cref="Median"/> are only lower bounds (some pod's number is one).</summary>
    public bool IsLowerBound => Pods.Any(p => p.IsLowerBound);

    /// <summary>The smallest margin added to a measured propagation before it is written to a configuration file.</summary>
    public static readonly TimeSpan MinimumMargin = TimeSpan.FromSeconds(1);

    /// <summary>The margin added to a measured propagation, as a share of it (docs/config.md says why).</summary>
    public const double MarginShare = 0.25;

    /// <summary>
    /// The propagation to write to a configuration file: the longest observed one plus a margin of a quarter of it, at
    /// least 1 s, rounded up to whole seconds; null with the reason when the traffic could not tell (no old pod, or a
    /// pod with too few or too slow requests, whose number says nothing about the plane).
    /// </summary>
    public (TimeSpan? Value, string Reason) ForConfig()
    {
        var c = CultureInfo.InvariantCulture;
        if (Max is not { } max)
        {
            return (null, "no old pod was deleted during the run, so nothing was measured");
        }

        if (Pods.FirstOrDefault(p => p.Evidence is PropagationEvidence.TooFewRequests or PropagationEvidence.SlowResponses) is { } unclear)
        {
            return (null, unclear.Explanation);
        }

        var margin = TimeSpan.FromTicks(Math.Max(MinimumMargin.Ticks, (long)(max.Ticks * MarginShare)));
        var value = TimeSpan.FromSeconds(Math.Ceiling((max + margin).TotalSeconds));
        var bound = IsLowerBound ? ", a lower bound" : string.Empty;
        return (value, string.Create(c, $"max {max.TotalSeconds:0.0} s over {Pods.Count} old pod(s){bound}, + {margin.TotalSeconds:0.0} s margin"));
    }

    /// <summary>How far before a deletion the pod's own request rate is measured.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(2);

    /// <summary>How far before the last answered request the response times are read.</summary>
    public static readonly TimeSpan LatencyWindow = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Measures every pod deleted in <paramref name="events"/> from <paramref name="records"/> (the backend each
    /// request names) and the failures <paramref name="attribution"/> tied to it.
    /// </summary>
    /// <remarks>
    /// A pod that still answered when the plane stopped sending gives the start of the last request it answered
    /// after its deletion, to within one gap between its requests. A pod that stopped listening first gives when its
    /// failures stopped, a lower bound: a load balancer may drop a backend that refuses connections on its own, and
    /// clients give up. A pod that got less than one request per <see cref="AttributionOptions.PropagationResolution"/>
    /// gives a lower bound too, and the explanation says what rate was needed; so do requests that took longer than
    /// the resolution, because a request is routed somewhere between its start and its end.
    /// </remarks>
    public static PropagationMeasurement Measure(IReadOnlyList<RequestRecord> records, IReadOnlyList<TimelineEvent> events, AttributionResult attribution, AttributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(attribution);
        ArgumentNullException.ThrowIfNull(options);
        var histories = PodHistory.From(events, records);
        var byPod = records.Where(r => r.Backend is not null).ToLookup(r => r.Backend!, StringComparer.Ordinal);
        var failedByPod = attribution.Failures.Where(f => f.Pod is not null).ToLookup(f => f.Pod!, f => f.Request, StringComparer.Ordinal);
        var loadPerSecond = LoadPerSecond(records);
        var pods = events.Where(e => e.Kind == TimelineEventKind.PodTerminating)
            .GroupBy(e => e.Pod, StringComparer.Ordinal)
            .Select(g => g.MinBy(e => e.At)!)
            .OrderBy(e => e.At)
            .Select(deleted => MeasurePod(deleted.Pod, deleted.At, histories.TryGetValue(deleted.Pod, out var h) ? h : null, byPod[deleted.Pod], failedByPod[deleted.Pod], records, loadPerSecond, options))
            .ToList();
        return new PropagationMeasurement(pods, options.DataPlaneLag, options.DataPlaneLagSource, options.PropagationResolution);
    }

    private static PodPropagation MeasurePod(
        string pod,
        TimeSpan deletedAt,
        PodHistory? history,
        IEnumerable<RequestRecord> named,
        IEnumerable<RequestRecord> failed,
        IReadOnlyList<RequestRecord> all,
        double loadPerSecond,
        AttributionOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        var configured = options.DataPlaneLagByPod.TryGetValue(pod, out var own) ? own : options.DataPlaneLag;
        var resolution = options.PropagationResolution;
        var requests = named.ToList();
        var stoppedAt = history?.StoppedAt;

        // Requests sent after the pod stopped listening and failed show the plane still sending to a closed pod;
        // a failure in flight before that (a kill at grace) still shows the plane sent to it then.
        bool AfterStop(RequestRecord r) => stoppedAt is { } s && r.Start >= s - options.Slack;
        var failures = failed.Concat(requests.Where(r => r.Failed)).Where(r => r.Start >= deletedAt - options.Slack).Distinct().ToList();
        var failedAfterStop = failures.Where(AfterStop).Select(r => r.Start).ToList();
        var reached = requests.Where(r => r.Start >= deletedAt && (!r.Failed || !AfterStop(r))).Select(r => r.Start).ToList();
        var hasReached = reached.Count > 0;
        var lastReached = hasReached ? reached.Max() : TimeSpan.Zero;
        var after = requests.Count(r => r.Start >= deletedAt) + failures.Count(r => r.Start >= deletedAt && !string.Equals(r.Backend, pod, StringComparison.Ordinal));

        // The pod's own rate: its requests in the window before the deletion (or since it became an endpoint).
        var windowStart = TimeSpan.FromTicks(Math.Max((deletedAt - RateWindow).Ticks, (history?.FirstEndpointAt ?? TimeSpan.Zero).Ticks));
        var window = deletedAt - windowStart;
        var before = requests.Count(r => r.Start >= windowStart && r.Start < deletedAt);
        var perSecond = window > TimeSpan.Zero ? before / window.TotalSeconds : 0;
        var gap = perSecond > 0 ? TimeSpan.FromSeconds(1 / perSecond) : TimeSpan.MaxValue;

        // A request is routed somewhere between its start and its end: when they lie apart (a client or a machine
        // that cannot keep up queues requests, or they time out), the last start is earlier than the plane's stop.
        var around = hasReached ? lastReached : deletedAt;
        var latency = MedianOf(all.Where(r => r.Start >= around - LatencyWindow && r.Start <= around + LatencyWindow).Select(r => r.End - r.Start));
        if (latency > resolution)
        {
            var seen = hasReached ? Positive(lastReached - deletedAt) : TimeSpan.Zero;
            return new(pod, deletedAt, seen, PropagationEvidence.SlowResponses, configured, after, perSecond, string.Create(c,
                $"requests took {Seconds(latency)} s (median) around the last one '{pod}' got after its deletion, so the load balancer may have routed them up to that much after they started: {Seconds(seen)} s is a lower bound; lower --rps or run on a quieter machine."));
        }

        if (failedAfterStop.Count > 0 && (!hasReached || failedAfterStop.Max() > lastReached))
        {
            var lastFailure = failedAfterStop.Max();
            var observed = Positive(lastFailure - deletedAt);
            var stopped = stoppedAt is { } s ? string.Create(c, $" {Seconds(Positive(s - deletedAt))} s after its deletion") : string.Empty;
            return new(pod, deletedAt, observed, PropagationEvidence.FailuresStopped, configured, after, perSecond, string.Create(c,
                $"'{pod}' stopped listening{stopped} while the load balancer still sent to it; its failures stopped {Seconds(observed)} s after its deletion, so the plane sent to it at least that long, a lower bound (a load balancer may drop a refusing backend on its own)."));
        }

        if (gap > resolution)
        {
            var observed = hasReached ? Positive(lastReached - deletedAt) : TimeSpan.Zero;
            var needed = 1 / resolution.TotalSeconds;
            var share = perSecond > 0 && loadPerSecond > 0 ? loadPerSecond / perSecond : 0;
            var total = share > 0 ? string.Create(c, $" (about {Math.Ceiling(needed * share):0} req/s in all at its share of the load)") : string.Empty;
            return new(pod, deletedAt, observed, PropagationEvidence.TooFewRequests, configured, after, perSecond, string.Create(c,
                $"'{pod}' got {perSecond:0.#} req/s before its deletion and {after} request(s) after it, too few to tell when the load balancer stopped: placing the stop within {Seconds(resolution)} s needs at least {needed:0.#} req/s to the pod{total}; {Seconds(observed)} s is a lower bound."));
        }

        if (!hasReached)
        {
            return new(pod, deletedAt, TimeSpan.Zero, PropagationEvidence.LastAnswered, configured, after, perSecond, string.Create(c,
                $"'{pod}' got no request after its deletion at {perSecond:0.#} req/s: the load balancer stopped sending at once (within {Seconds(gap)} s)."));
        }

        // A pod that answered after its stop (an in-app delay after SIGTERM) had not stopped listening then.
        var last = Positive(lastReached - deletedAt);
        if (stoppedAt is { } stop && stop >= lastReached - options.Slack && stop - lastReached <= gap + options.Slack)
        {
            return new(pod, deletedAt, last, PropagationEvidence.StoppedListening, configured, after, perSecond, string.Create(c,
                $"'{pod}' answered until it stopped listening at {Seconds(stop - deletedAt)} s after its deletion: the load balancer may have sent to it longer; {Seconds(last)} s is a lower bound."));
        }

        return new(pod, deletedAt, last, PropagationEvidence.LastAnswered, configured, after, perSecond, string.Create(c,
            $"'{pod}' answered its last request {Seconds(last)} s after its deletion and kept listening: the load balancer stopped sending then (within {Seconds(gap)} s at {perSecond:0.#} req/s)."));
    }

    private static double LoadPerSecond(IReadOnlyList<RequestRecord> records)
    {
        if (records.Count < 2)
        {
            return 0;
        }

        var span = records.Max(r => r.Start) - records.Min(r => r.Start);
        return span > TimeSpan.Zero ? records.Count / span.TotalSeconds : 0;
    }

    private static TimeSpan MedianOf(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? TimeSpan.Zero : sorted[sorted.Count / 2];
    }

    private static TimeSpan Positive(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
