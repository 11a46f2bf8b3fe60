namespace Handoff.Rollout.Timeline;

/// <summary>A thread-safe, append-only timeline stamped by a <see cref="RunClock"/>.</summary>
public sealed class TimelineRecorder : ITimelineSource
{
    private readonly Lock _gate = new();
    private readonly List<TimelineEvent> _events = [];

    /// <summary>Creates a recorder on <paramref name="clock"/>.</summary>
    public TimelineRecorder(RunClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        Clock = clock;
    }

    /// <summary>The clock that stamps events.</summary>
    public RunClock Clock { get; }

    /// <summary>Records an event now.</summary>
    public TimelineEvent Record(TimelineEventKind kind, string pod, string? dataPlane = null, int? exitCode = null, string? detail = null)
    {
        var e = new TimelineEvent(Clock.Elapsed, kind, pod, dataPlane, exitCode, detail);
        lock (_gate)
        {
            _events.Add(e);
        }
        return e;
    }

    /// <inheritdoc />
    public IReadOnlyList<TimelineEvent> Snapshot()
    {
        lock (_gate)
        {
            return [.. _events.OrderBy(e => e.At)];
        }
    }
}
