using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Attribution;

/// <summary>What happened to one pod during a run, read once from the timeline and the requests (null: did not happen).</summary>
/// <param name="Name">The pod.</param>
/// <param name="CreatedDuringRun">Created by the rollout: not found already there, and created after the rollout started (or, without that event, after the first pods).</param>
/// <param name="ReadyAt">First Ready.</param>
/// <param name="FirstEndpointAt">First added to a data plane.</param>
/// <param name="EndpointEndedAt">When its last period as an endpoint ended (null while it is still one).</param>
/// <param name="LastRemovedAt">The last removal from any data plane.</param>
/// <param name="LastRemovalByControlPlane">Whether that removal was an EndpointSlice change (data planes follow later) rather than a data plane itself.</param>
/// <param name="SigTermAt">SIGTERM.</param>
/// <param name="SigTermOrigin">Whether SIGTERM was observed (the lab sends it) or inferred (a live cluster).</param>
/// <param name="KilledAt">SIGKILL at the grace deadline.</param>
/// <param name="ExitedAt">The container's first exit.</param>
/// <param name="PreStopFailedAt">FailedPreStopHook.</param>
/// <param name="FirstSuccessAt">Start of the first request it answered successfully.</param>
public sealed record PodHistory(
    string Name,
    bool CreatedDuringRun,
    TimeSpan? ReadyAt,
    TimeSpan? FirstEndpointAt,
    TimeSpan? EndpointEndedAt,
    TimeSpan? LastRemovedAt,
    bool LastRemovalByControlPlane,
    TimeSpan? SigTermAt,
    TimelineOrigin? SigTermOrigin,
    TimeSpan? KilledAt,
    TimeSpan? ExitedAt,
    TimeSpan? PreStopFailedAt,
    TimeSpan? FirstSuccessAt)
{
    /// <summary>When the pod stopped listening as far as the timeline knows: SIGTERM, or exit.</summary>
    public TimeSpan? StoppedAt => SigTermAt ?? ExitedAt;

    /// <summary>Whether the pod could still get requests at <paramref name="at"/> (plus <paramref name="slack"/>): it was never removed, or removed later.</summary>
    public bool IsEndpointAt(TimeSpan at, TimeSpan slack) => EndpointEndedAt is not { } ended || at < ended + slack;

    /// <summary>The history of every pod named in <paramref name="events"/>, by name.</summary>
    public static IReadOnlyDictionary<string, PodHistory> From(IReadOnlyList<TimelineEvent> events, IReadOnlyList<RequestRecord> records)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(records);
        // A pod is the rollout's when it was created after the rollout started; a timeline without that event counts
        // the pods created first (at the earliest creation time) as the ones that were there before.
        var firstCreated = events.Where(e => e.Kind == TimelineEventKind.PodCreated).Select(e => (TimeSpan?)e.At).Min();
        var rolloutStarted = events.Where(e => e.Kind == TimelineEventKind.RolloutStarted).Select(e => (TimeSpan?)e.At).Min();
        Func<TimeSpan, bool> duringRun = rolloutStarted is { } start ? at => at >= start : at => at > firstCreated;
        var firstSuccess = records.Where(r => !r.Failed && r.Backend is not null)
            .GroupBy(r => r.Backend!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Min(r => r.Start), StringComparer.Ordinal);
        return events.Where(e => e.Pod.Length > 0)
            .GroupBy(e => e.Pod, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Read(g.Key, [.. g.OrderBy(e => e.At)], duringRun, firstSuccess), StringComparer.Ordinal);
    }

    private static PodHistory Read(string name, List<TimelineEvent> events, Func<TimeSpan, bool> duringRun, Dictionary<string, TimeSpan> firstSuccess)
    {
        TimelineEvent? First(TimelineEventKind kind) => events.FirstOrDefault(e => e.Kind == kind);
        var created = First(TimelineEventKind.PodCreated);
        var endpoints = events.Where(e => e.Kind is TimelineEventKind.EndpointAdded or TimelineEventKind.EndpointRemoved).ToList();
        var lastRemoval = endpoints.LastOrDefault(e => e.Kind == TimelineEventKind.EndpointRemoved);
        var sigTerm = First(TimelineEventKind.SigTerm);
        return new PodHistory(
            name,
            CreatedDuringRun: created is not null && created.Origin != TimelineOrigin.PresentAtStart && duringRun(created.At),
            ReadyAt: First(TimelineEventKind.PodReady)?.At,
            FirstEndpointAt: First(TimelineEventKind.EndpointAdded)?.At,
            EndpointEndedAt: endpoints.Count > 0 && endpoints[^1].Kind == TimelineEventKind.EndpointRemoved ? endpoints[^1].At : null,
            LastRemovedAt: lastRemoval?.At,
            LastRemovalByControlPlane: string.Equals(lastRemoval?.DataPlane, TimelinePlanes.EndpointSlice, StringComparison.Ordinal),
            SigTermAt: sigTerm?.At,
            SigTermOrigin: sigTerm?.Origin,
            KilledAt: First(TimelineEventKind.SigKill)?.At,
            ExitedAt: First(TimelineEventKind.ContainerExited)?.At,
            PreStopFailedAt: First(TimelineEventKind.PreStopFailed)?.At,
            FirstSuccessAt: firstSuccess.TryGetValue(name, out var ok) ? ok : null);
    }
}
